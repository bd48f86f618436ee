#include "agents/gaussian_location.hpp"

#include <algorithm>
#include <cmath>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xstrided_view.hpp>

#include "core/ops.hpp"

namespace saccade {

GaussianLocationPolicy::GaussianLocationPolicy(const GaussianLocationOptions& o, Rng& rng)
    : opt_(o), mean_(o.input + (o.preview_size ? o.preview_hidden : 0), 2, rng) {
  register_module("mean", mean_);
  if (o.preview_size) {
    preview_ = Linear(o.preview_size, o.preview_hidden, rng);
    register_module("preview", preview_);
  }
  if (o.stop) {
    stop_ = Linear(o.input, 1, rng);
    register_module("stop", stop_);
  }
}

void GaussianLocationPolicy::begin(const PolicyContext& ctx, Rng&, bool) { code_ = preview_code(ctx); }

Var GaussianLocationPolicy::preview_code(const PolicyContext& ctx) const {
  if (!opt_.preview_size) return Var();
  const std::size_t B = ctx.obs.steps_left.size();
  return relu(preview_(Var(xt::reshape_view(ctx.obs.preview, {B, opt_.preview_size}))));
}

Var GaussianLocationPolicy::mean(const PolicyContext&, const Var& h, const Var& code) const {
  return tanh(mean_(opt_.preview_size ? concat({h, code}, 1) : h));
}

Var GaussianLocationPolicy::stop_logit(const PolicyContext& ctx, const Var& h) const {
  if (!opt_.stop || ctx.step < opt_.min_steps) return Var();
  return reshape(stop_(h), {h.shape(0)});
}

Decision GaussianLocationPolicy::act(const PolicyContext& ctx, Rng& rng, bool greedy) {
  const Var h = ctx.summary.detach();
  const std::size_t B = h.shape(0);
  const Var mean = this->mean(ctx, h, code_);
  // The sample is a constant: the gradient reaches the mean through log N(l; mean, std^2) only.
  Array sample = mean.value();
  if (!greedy) {
    for (auto& v : sample) v += opt_.std * static_cast<float>(rng.normal());
  }
  Decision d;
  d.action.location = xt::clip(sample, -1.0f, 1.0f);
  d.action.stop.assign(B, 0);
  d.sample = std::move(sample);  // log_prob() re-scores the draw, not the clipped location
  const Var logit = stop_logit(ctx, h);
  if (logit.defined()) d.action.stop = draw_stops(logit, greedy && opt_.greedy_stop, rng);
  if (!grad_enabled() && !opt_.stop) return d;  // no gradient to take: the log-probability is not needed
  const Scored s = score(mean, d.sample, logit, d.action.stop);
  d.log_prob = s.log_prob;
  d.entropy = s.entropy;
  return d;
}

Policy::Scored GaussianLocationPolicy::log_prob(const PolicyContext& ctx, const Decision& d) const {
  return log_prob_episode({ctx}, {d}).front();
}

std::vector<Policy::Scored> GaussianLocationPolicy::log_prob_episode(const std::vector<PolicyContext>& steps,
                                                                     const std::vector<Decision>& decisions) const {
  std::vector<Scored> out;
  if (steps.empty()) return out;
  const Var code = preview_code(steps.front());
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Var h = steps[i].summary.detach();
    const Decision& d = decisions.at(i);
    out.push_back(score(mean(steps[i], h, code), d.sample, stop_logit(steps[i], h), d.action.stop));
  }
  return out;
}

Policy::Scored GaussianLocationPolicy::score(const Var& mean, const Array& sample, const Var& stop_logit,
                                             const std::vector<std::uint8_t>& stop) const {
  const std::size_t B = sample.shape()[0];
  const Var std_var(Array(opt_.std));
  Scored s;
  s.log_prob = sum(gaussian_log_prob(Var(sample), mean, std_var), -1);
  // A fixed-std Gaussian's entropy is a constant: it carries no gradient, but is reported.
  const float gauss_entropy = 2.0f * 0.5f * std::log(2.0f * static_cast<float>(M_PI) * std::exp(1.0f) * opt_.std * opt_.std);
  s.entropy = Var(xt::ones<float>({B}) * gauss_entropy);
  if (!stop_logit.defined()) return s;
  Array taken = Array::from_shape({B});
  for (std::size_t i = 0; i < B; ++i) taken(i) = stop[i] ? 1.0f : 0.0f;
  s.log_prob = s.log_prob + bernoulli_log_prob(stop_logit, taken);
  s.entropy = s.entropy + bernoulli_entropy(stop_logit);
  return s;
}

// The teacher's location is the sample (a fixed rule's location lies in [-1, 1]^2, where the env
// would have clipped a sample anyway); a teacher that never stops reads on.
Decision GaussianLocationPolicy::decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const {
  Decision d;
  d.action = taken.at(ctx.step);
  d.sample = d.action.location;
  if (d.action.stop.empty()) d.action.stop.assign(d.sample.shape()[0], 0);
  return d;
}

double GaussianLocationPolicy::flops_per_episode(std::size_t decisions) const {
  const double in = static_cast<double>(opt_.input + (opt_.preview_size ? opt_.preview_hidden : 0));
  const double preview_once = 2.0 * static_cast<double>(opt_.preview_size * opt_.preview_hidden);
  return preview_once + static_cast<double>(decisions) * 2.0 * in * (opt_.stop ? 3.0 : 2.0);
}

}  // namespace saccade
