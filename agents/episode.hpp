// One batch of episodes through the loop (docs/concepts.md): the policy picks a region, the env reads it,
// the reader encodes it and updates its memory, until every example has stopped or used its budget;
// then the reader predicts. Only regions actually read are encoded (the batch is compacted to the
// examples still reading at each step).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "agents/policy.hpp"
#include "attention/reader.hpp"
#include "envs/env.hpp"

namespace saccade {

struct Episode {
  Var logits;                          // [B * slots, C]: accuracy and rewards are taken of these
  // What the reader's cross-entropy is taken of: `logits`, or with EpisodeRecording::dropout and
  // reader.dropout > 0 the same prediction under a dropout mask (Reader::predict_dropped). No mask
  // touches anything else: the summaries and predictions the policy decided from, `logits`, p_true.
  Var reader_logits;
  std::vector<int> labels;             // [B * slots]
  std::size_t slots = 1;               // answers per example (EnvSpec::num_slots)
  std::vector<int> regions_read;       // [B] (0 for a preview-only env: EnvSpec::region_is_preview)
  // One entry per decision step of a learned policy:
  std::vector<Var> log_probs;          // [B], zero where the example had already finished
  std::vector<Var> entropies;          // [B], likewise
  std::vector<Var> summaries;          // [B, H] the (detached) memory summary the decision saw
  std::vector<Array> deciding;         // [B] 1 where the example was still going at that decision
  std::vector<std::size_t> decision_steps;  // the episode step of each decision (one-shot plans: 0 only)
  // With EpisodeRecording::decisions: what each decision saw and took, so that a multi-epoch learner
  // can re-score it with Policy::log_prob after updating the policy (agents/actor_critic.hpp).
  std::vector<Observation> observations;
  std::vector<Decision> decisions;
  // With EpisodeRecording::step_probabilities: per episode step, each example's probability of its
  // true class (the mean over its slots) after that step's read, [B]: what dense rewards are made of.
  std::vector<Array> p_true;
  // With EpisodeRecording::step_predictions: per episode step, the reader's answer (predicted_classes)
  // for each (example, slot) row after that step's read, [B * slots] (agents/anytime.hpp).
  std::vector<std::vector<int>> step_predicted;
  // Where each example read, per step (for traces and plots): locations [B, 2] or regions [B].
  std::vector<Array> locations;
  std::vector<std::vector<int>> regions;
  std::vector<std::vector<std::uint8_t>> read_now;  // [B] per step: read at that step
  std::vector<std::uint8_t> evidence;  // [B * num_regions] the reset Info's (empty: the env cannot tell)
  // With EpisodeRecording::attention: the reader's soft attention over what each example read,
  // Reader::attention_weights of the final memory [B, T] (undefined: the reader has none), and that
  // memory's mask [B, T] (1 where the example read at column t: its k-th 1 is its k-th region read).
  Array attention, attention_read;
  double policy_flops = 0.0;           // summed over the batch
  double reader_flops = 0.0;           // summed over the batch
  // Wall time from the first decision to the prediction: choosing, reading and encoding regions
  // (rendering the examples at reset is data preparation and is not counted).
  double seconds = 0.0;
  // The part of `seconds` spent on the policy's behalf: Policy::begin and act, and the reader's
  // summary (needs_summary) and per-step prediction (needs_prediction) that only such a policy causes.
  // 0 <= policy_seconds <= seconds.
  double policy_seconds = 0.0;
};

// A policy chose a location that is NaN or Inf (its parameters or its inputs went bad). run_episode
// throws it before the env sees the action, so training can skip the update (agents/reinforce.hpp).
struct NonFiniteAction : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What a learner asks run_episode to keep beyond the defaults (both cost time or memory, so off unless
// asked for, and never in evaluation).
struct EpisodeRecording {
  bool decisions = false;           // Episode::observations and ::decisions
  // Episode::p_true: the reader predicts after every step (no gradient); a policy that reads at the
  // end (one-shot, fixed) is then read step by step instead, which gives the same memory.
  bool step_probabilities = false;
  // Each region's embedding is multiplied by its decision's straight-through weight (Decision::weight,
  // 1 in value), so the reader's loss reaches the policy's scores (agents/backprop.hpp). Policies
  // without weights are unaffected.
  bool weights = false;
  // The reader trains on this episode: Episode::reader_logits drops (reader.dropout), masks from the
  // stream (seed, "reader-dropout-<first example>"), a function of the batch, so a resumed run draws
  // the masks the uninterrupted one did.
  bool dropout = false;
  // Episode::attention and ::attention_read (traces).
  bool attention = false;
  // Episode::step_predicted, for the anytime curve of evaluation (agents/anytime.hpp). It must not
  // change what is measured: a policy that reads step by step is predicted after each step with the
  // time of those predictions taken out of Episode::seconds; one that reads at the end is read as it
  // always is, and then once more, step by step, after the clock has stopped (the same regions in the
  // same order; no FLOPs are counted for either).
  bool step_predictions = false;
};

// Runs episodes on `examples` of the env's split. `seed` fixes the examples' randomness (canvases);
// `rng` drives the policy's sampling. greedy: deterministic decisions (evaluation).
Episode run_episode(Env& env, const Reader& reader, Policy& policy, const std::vector<std::size_t>& examples,
                    std::uint64_t seed, Rng& rng, bool greedy, const EpisodeRecording& record = {});

// Per example, the mean over its slots of the softmax probability of its label ([B * slots, C] logits).
std::vector<float> true_class_probability(const Array& logits, const std::vector<int>& labels, std::size_t slots);

// Whether example b's read at `step` was on its evidence: 1 or 0; -1 when the env cannot tell or the
// example read nothing at that step.
int read_evidence(const Episode& ep, std::size_t step, std::size_t b);

// Per row of logits, the index of its largest entry (the first of ties): the reader's answer.
std::vector<int> predicted_classes(const Var& logits);

// Per example, 1 if the argmax of each of its `slots` rows of logits is its label, else 0.
std::vector<float> correct_per_example(const Var& logits, const std::vector<int>& labels, std::size_t slots = 1);

}  // namespace saccade
