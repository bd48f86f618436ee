#include "agents/episode.hpp"

#include <chrono>
#include <cmath>
#include <string>

#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {

std::vector<int> predicted_classes(const Var& logits) {
  const std::size_t N = logits.shape(0), C = logits.shape(1);
  std::vector<int> p(N);
  for (std::size_t i = 0; i < N; ++i) {
    const float* row = logits.data() + i * C;
    std::size_t best = 0;
    for (std::size_t j = 1; j < C; ++j) best = row[j] > row[best] ? j : best;
    p[i] = static_cast<int>(best);
  }
  return p;
}

std::vector<float> correct_per_example(const Var& logits, const std::vector<int>& labels, std::size_t slots) {
  std::vector<float> c(labels.size() / slots, 1.0f);
  const std::vector<int> p = predicted_classes(logits);
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (p[i] != labels[i]) c[i / slots] = 0.0f;
  return c;
}

std::vector<float> true_class_probability(const Array& logits, const std::vector<int>& labels, std::size_t slots) {
  const Array p = softmax(Var(logits)).value();
  std::vector<float> r(labels.size() / slots, 0.0f);
  for (std::size_t i = 0; i < labels.size(); ++i)
    r[i / slots] += p(i, static_cast<std::size_t>(labels[i])) / static_cast<float>(slots);
  return r;
}

int read_evidence(const Episode& ep, std::size_t step, std::size_t b) {
  if (ep.evidence.empty() || !ep.read_now[step][b]) return -1;
  const std::size_t R = ep.evidence.size() / ep.regions_read.size();
  return ep.evidence[b * R + static_cast<std::size_t>(ep.regions[step][b])];
}

namespace {

void check_finite_location(const Action& a, const std::vector<std::uint8_t>& going, std::size_t step) {
  if (a.location.dimension() != 2) return;  // a region action
  for (std::size_t b = 0; b < going.size() && b < a.location.shape()[0]; ++b) {
    const float row = a.location(b, 0), col = a.location(b, 1);
    if (going[b] && (!std::isfinite(row) || !std::isfinite(col)))
      throw NonFiniteAction("the policy's location for example " + std::to_string(b) + " at episode step " +
                            std::to_string(step) + " is not finite");
  }
}

// What the policy gradient needs, kept only when it can be taken (not under NoGrad: evaluation, the
// self-critical baseline's greedy episode, inference); with `what_it_saw`, also the observation and
// the decision, for re-scoring.
void keep_decision(Episode& ep, const Decision& d, const Var& summary, const std::vector<std::uint8_t>& going,
                   const Observation& obs, std::size_t step, bool what_it_saw) {
  Array mask = Array::from_shape({going.size()});
  for (std::size_t b = 0; b < going.size(); ++b) mask(b) = going[b];
  const Var m(mask);
  ep.log_probs.push_back(d.log_prob * m);
  ep.entropies.push_back(d.entropy * m);
  ep.summaries.push_back(summary.defined() ? summary.detach() : Var());
  ep.deciding.push_back(std::move(mask));
  ep.decision_steps.push_back(step);
  if (what_it_saw) {
    ep.observations.push_back(obs);
    ep.decisions.push_back(d);
  }
}

// The straight-through weights [n, 1] of the regions `rows` read at this step (Decision::weight), or
// undefined when the policy supplies none.
Var read_weights(const Decision& d, const std::vector<int>& rows) {
  if (!d.weight.defined()) return Var();
  return gather_rows(reshape(d.weight, Shape{d.weight.shape(0), 1}), rows);
}

// The policy's own work at one step (agents/policy.hpp): the reader's summary and prediction when the
// policy needs them, then begin (step 0) and act. Its wall time is added to ep.policy_seconds.
struct Choice {
  Var summary;  // undefined unless the policy needs it
  Decision decision;
};

Choice decide(const Reader& reader, Policy& policy, const Memory& memory, const EnvSpec& spec, const Observation& obs,
              const std::vector<std::uint8_t>& going, std::size_t step, Rng& rng, bool greedy, Episode& ep) {
  const auto start = std::chrono::steady_clock::now();
  Choice c;
  if (policy.needs_summary()) c.summary = reader.summary(memory);
  Var prediction;  // a policy that stops when the reader is sure sees its prediction after each read
  if (policy.needs_prediction() && step > 0) {
    prediction = reader.predict(memory);
    for (std::size_t b = 0; b < going.size(); ++b) ep.policy_flops += going[b] ? reader.flops_predict(ep.regions_read[b]) : 0.0;
  }
  const PolicyContext ctx{spec, obs, c.summary, step, prediction.defined() ? &prediction : nullptr};
  if (step == 0) policy.begin(ctx, rng, greedy);
  c.decision = policy.act(ctx, rng, greedy);
  ep.policy_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return c;
}

// EpisodeRecording::step_predictions for a policy that reads step by step: the reader's answers now,
// appended to ep.step_predicted. Returns the seconds it took, which are not the episode's.
double predict_step(const Reader& reader, const Memory& memory, Episode& ep) {
  const auto start = std::chrono::steady_clock::now();
  NoGrad no_grad;
  ep.step_predicted.push_back(predicted_classes(reader.predict(memory)));
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The same for a policy whose reads were batched at the end (`pending`, read at steps `at`), once the
// clock has stopped: the reads again, step by step, each followed by a prediction (reader.read_steps
// promises the same memory as updating step by step).
void replay_step_predictions(const Reader& reader, const std::vector<StepRead>& pending, const std::vector<std::size_t>& at,
                             std::size_t steps, std::size_t B, Episode& ep) {
  NoGrad no_grad;
  Memory memory = reader.init(B);
  for (std::size_t t = 0, next = 0; t < steps; ++t) {
    if (next < pending.size() && at[next] == t) {
      memory = reader.update(memory, reader.embed(pending[next].regions), pending[next].rows);
      ++next;
    } else if (t > 0) {  // nothing read at this step: the answers stand
      ep.step_predicted.push_back(ep.step_predicted.back());
      continue;
    }
    ep.step_predicted.push_back(predicted_classes(reader.predict(memory)));
  }
}

// The reader's cross-entropy's own pass in training (reader.dropout, Reader::predict_dropped), its masks
// drawn from (seed, the batch's first example), so a resumed run draws them again; `logits` without dropout.
Var dropped_logits(const Reader& reader, const Memory& memory, const Var& logits, std::uint64_t seed,
                   const std::vector<std::size_t>& examples) {
  if (reader.dropout() <= 0.0 || examples.empty()) return logits;
  Rng masks = Rng::stream(seed, "reader-dropout-" + std::to_string(examples.front()));
  return reader.predict_dropped(memory, masks);
}

}  // namespace

Episode run_episode(Env& env, const Reader& reader, Policy& policy, const std::vector<std::size_t>& examples,
                    std::uint64_t seed, Rng& rng, bool greedy, const EpisodeRecording& record) {
  const EnvSpec& spec = env.spec();
  const std::size_t B = examples.size();
  auto [obs, info] = env.reset(examples, seed);
  Episode ep;
  ep.labels = info.labels;
  ep.slots = spec.num_slots;
  ep.evidence = info.evidence;
  ep.regions_read.assign(B, 0);
  Memory memory = reader.init(B);
  std::vector<std::uint8_t> going(B, 1);
  std::size_t decisions = 0;
  // A policy that never looks at the memory (fixed and one-shot policies) chooses the same regions
  // whenever they are encoded, so they are read after the loop, in one batched reader call.
  const bool read_at_end = !policy.needs_summary() && !policy.needs_prediction() && !record.step_probabilities;
  std::vector<StepRead> pending;
  std::vector<std::size_t> pending_at;   // the step of each pending read
  double not_timed = 0.0;                // seconds of step predictions (EpisodeRecording::step_predictions)
  const auto start = std::chrono::steady_clock::now();

  for (std::size_t step = 0; step < spec.max_steps; ++step) {
    auto [summary, d] = decide(reader, policy, memory, spec, obs, going, step, rng, greedy, ep);
    ++decisions;
    check_finite_location(d.action, going, step);
    if (d.log_prob.defined() && grad_enabled()) keep_decision(ep, d, summary, going, obs, step, record.decisions);
    StepResult r = env.step(d.action);
    std::vector<int> rows;
    for (std::size_t b = 0; b < B; ++b) {
      if (r.obs.active[b]) rows.push_back(static_cast<int>(b));
      if (r.terminated[b] || r.truncated[b]) going[b] = 0;
    }
    ep.locations.push_back(r.obs.location);
    ep.regions.push_back(r.obs.region);
    ep.read_now.push_back(r.obs.active);
    if (!rows.empty()) {
      RegionBatch regions;
      regions.content = gather_rows(r.obs.content, rows);
      if (spec.num_regions == 0) {
        regions.location = gather_rows(r.obs.location, rows);
      } else {
        for (int b : rows) regions.region.push_back(r.obs.region[b]);
      }
      if (record.weights) regions.weight = read_weights(d, rows);
      if (read_at_end) {
        pending.push_back({std::move(regions), rows});
        pending_at.push_back(step);
      } else {
        memory = reader.update(memory, reader.embed(regions), rows);
      }
      ep.reader_flops += static_cast<double>(rows.size()) * (reader.flops_encode() + reader.flops_update(step));
      if (!spec.region_is_preview)  // the preview is no region of the input (envs/preview_env.hpp)
        for (int b : rows) ++ep.regions_read[b];
    }
    if (record.step_probabilities) {
      NoGrad no_grad;
      const std::vector<float> p = true_class_probability(reader.predict(memory).value(), ep.labels, ep.slots);
      ep.p_true.push_back(xt::adapt(p, {B}));
    }
    if (record.step_predictions && !read_at_end) not_timed += predict_step(reader, memory, ep);
    obs = std::move(r.obs);
    bool any = false;
    for (auto g : going) any = any || g;
    if (!any) break;
  }
  if (!pending.empty()) memory = reader.read_steps(memory, pending);
  ep.logits = reader.predict(memory);
  ep.reader_logits = record.dropout ? dropped_logits(reader, memory, ep.logits, seed, examples) : ep.logits;
  ep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() - not_timed;
  if (record.attention) {  // traces only, after the clock stopped
    ep.attention = reader.attention_weights(memory);
    ep.attention_read = memory.mask;
  }
  if (record.step_predictions && read_at_end) replay_step_predictions(reader, pending, pending_at, ep.read_now.size(), B, ep);
  for (std::size_t b = 0; b < B; ++b) ep.reader_flops += reader.flops_predict(ep.regions_read[b]);
  ep.policy_flops += static_cast<double>(B) * policy.flops_per_episode(decisions);
  return ep;
}

}  // namespace saccade
