#include "agents/jump_reading.hpp"

#include <algorithm>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xstrided_view.hpp>

#include "core/ops.hpp"

namespace saccade {

JumpReadingPolicy::JumpReadingPolicy(const JumpReadingOptions& o, Rng& rng)
    : opt_(o),
      local_(o.preview_size, o.hidden, rng),
      local_score_(o.hidden, 1, rng),
      state_score_(o.input, o.regions, rng, /*bias=*/false) {
  register_module("local", local_);
  register_module("local_score", local_score_);
  register_module("state_score", state_score_);
  const std::size_t offsets = o.any_order ? 2 * o.regions + 1 : o.regions;
  jump_bias_ = register_parameter("jump_bias", xt::zeros<float>({offsets, std::size_t{1}}));
  if (o.stop) {
    stop_ = Linear(o.input, 1, rng);
    register_module("stop", stop_);
  }
}

std::size_t JumpReadingPolicy::jump_row(int from, std::size_t to) const {
  const long d = static_cast<long>(to) - from;  // in [-(R-1), R]
  if (opt_.any_order) return static_cast<std::size_t>(d + static_cast<long>(opt_.regions));
  return static_cast<std::size_t>(std::max(0L, d - 1));  // only d >= 1 is ever allowed
}

Var JumpReadingPolicy::local_scores(const Observation& obs) const {
  const std::size_t B = obs.steps_left.size(), R = opt_.regions;
  const std::size_t width = opt_.bag_slots ? 2 * opt_.bag_slots : opt_.preview_size;
  if (obs.preview.size() != B * R * width) {
    throw std::invalid_argument("jump reading policy: needs [B, " + std::to_string(R) + ", " + std::to_string(width) +
                                "] per-chunk previews");
  }
  const auto rows = xt::reshape_view(obs.preview, {B * R, width});
  const Var local = opt_.bag_slots ? local_(bag_rows(rows, opt_.preview_size)) : local_(Var(rows));
  return reshape(local_score_(relu(local)), {B, R});
}

void JumpReadingPolicy::begin(const PolicyContext& ctx, Rng&, bool) {
  local_scores_ = local_scores(ctx.obs);
  position_.assign(ctx.obs.steps_left.size(), -1);
}

JumpReadingPolicy::Choices JumpReadingPolicy::choices(const PolicyContext& ctx, const Var& h, const std::vector<int>& from,
                                                      const Var& local_scores) const {
  const std::size_t B = h.shape(0), R = opt_.regions;
  const std::size_t reach = opt_.max_jump ? opt_.max_jump : R;
  const bool may_stop = opt_.stop && ctx.step >= opt_.min_steps;

  // Choices: columns 0..R-1 the chunks, column R STOP. Masked (1) where not allowed.
  Array masked = Array::from_shape({B, R + 1});
  if (opt_.any_order && ctx.obs.read.size() != B * R) {
    throw std::invalid_argument("jump reading policy (any order): needs the [B, " + std::to_string(R) +
                                "] read flags of the observation");
  }
  for (std::size_t b = 0; b < B; ++b) {
    bool any = false;
    for (std::size_t r = 0; r < R; ++r) {
      const long ahead = static_cast<long>(r) - from[b];
      const bool ok = opt_.any_order ? ctx.obs.read[b * R + r] == 0
                                     : ahead >= 1 && ahead <= static_cast<long>(reach);
      masked(b, r) = ok ? 0.0f : 1.0f;
      any = any || ok;
    }
    masked(b, R) = (may_stop || !any) ? 0.0f : 1.0f;
  }
  std::vector<int> jump(B * R, 0);  // the jump_bias row of each move (any row where masked anyway)
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t r = 0; r < R; ++r) jump[b * R + r] = static_cast<int>(jump_row(from[b], r));
  const Var scores = local_scores + state_score_(h) + reshape(gather_rows(jump_bias_, jump), {B, R});
  const Var stop_logit = opt_.stop ? stop_(h) : Var(xt::zeros<float>({B, std::size_t{1}}));
  return {masked_fill(concat({scores, stop_logit}, 1), masked, -1e9f), std::move(masked)};
}

Decision JumpReadingPolicy::act(const PolicyContext& ctx, Rng& rng, bool greedy) {
  const Var h = ctx.summary.detach();
  const std::size_t B = h.shape(0), R = opt_.regions;
  const Choices c = choices(ctx, h, position_, local_scores_);
  const Array& masked = c.masked;
  const Array p = softmax(c.logits).value();

  std::vector<int> choice(B);
  for (std::size_t b = 0; b < B; ++b) {
    if (greedy) {
      const bool stop = masked(b, R) == 0.0f && (opt_.greedy_stop ? p(b, R) > 0.5f : rng.bernoulli(p(b, R)));
      std::size_t best = R;
      for (std::size_t r = 0; r < R; ++r)
        if (masked(b, r) == 0.0f && (best == R || p(b, r) > p(b, best))) best = r;
      choice[b] = static_cast<int>(stop ? R : best);
    } else {
      double u = rng.uniform(), acc = 0.0;
      std::size_t pick = R;
      for (std::size_t r = 0; r <= R; ++r) {
        if (masked(b, r) != 0.0f) continue;
        pick = r;  // the last allowed choice absorbs rounding
        acc += p(b, r);
        if (u < acc) break;
      }
      choice[b] = static_cast<int>(pick);
    }
  }

  Decision d;
  d.log_prob = categorical_log_prob(c.logits, choice);
  d.entropy = categorical_entropy(c.logits);
  d.from = position_;
  d.action.region.resize(B);
  for (std::size_t b = 0; b < B; ++b) {
    const bool stop = choice[b] == static_cast<int>(R);
    d.action.region[b] = stop ? -1 : choice[b];
    if (!stop) position_[b] = choice[b];  // a done example's choice is ignored by the env, and by us later
  }
  return d;
}

// The same categorical as act()'s, from d.from and the chunk chosen (-1: STOP, column R).
Policy::Scored JumpReadingPolicy::log_prob(const PolicyContext& ctx, const Decision& d) const {
  const Var h = ctx.summary.detach();
  const std::size_t B = h.shape(0), R = opt_.regions;
  if (d.from.size() != B || d.action.region.size() != B)
    throw std::invalid_argument("jump reading policy: the decision carries no starting chunks of this policy");
  const Var logits = choices(ctx, h, d.from, local_scores(ctx.obs)).logits;
  std::vector<int> choice(B);
  for (std::size_t b = 0; b < B; ++b) choice[b] = d.action.region[b] < 0 ? static_cast<int>(R) : d.action.region[b];
  return {categorical_log_prob(logits, choice), categorical_entropy(logits)};
}

// `from`: the chunk the teacher read last before this step (-1 before its first).
Decision JumpReadingPolicy::decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const {
  Decision d;
  d.action = taken.at(ctx.step);
  d.from.assign(d.action.region.size(), -1);
  for (std::size_t t = 0; t < ctx.step; ++t)
    for (std::size_t b = 0; b < d.from.size(); ++b)
      if (taken[t].region[b] >= 0) d.from[b] = taken[t].region[b];
  return d;
}

double JumpReadingPolicy::flops_per_episode(std::size_t decisions) const {
  // A bag's first layer touches bag_slots weight rows, not preview_size.
  const double R = static_cast<double>(opt_.regions);
  const double P = static_cast<double>(opt_.bag_slots ? opt_.bag_slots : opt_.preview_size);
  const double hid = static_cast<double>(opt_.hidden), in = static_cast<double>(opt_.input);
  const double once = 2.0 * R * (P * hid + hid);
  const double per = 2.0 * in * (R + (opt_.stop ? 1.0 : 0.0));
  return once + static_cast<double>(decisions) * per;
}

}  // namespace saccade
