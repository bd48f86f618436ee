// The tables by name: readers, learned policies, fixed policies, references and trainers, one row per
// thing (tasks have theirs in experiments/tasks/tasks.cpp). A row holds the name, which envs it fits,
// its factory and its own config keys; `reader.type`, `policy.type`, `train.algorithm` and the names in
// `eval.policies` are checked against the rows before any work, and the schema (and so docs/CONFIG.md)
// takes each row's keys from here. No code outside these files tests a reader's, policy's or
// reference's name. The tables are explicit lists, not self-registering statics: objects of a static
// library that nothing references are dropped by the linker, and their registrations with them.
//
// Adding a reader, a policy, a learner: docs/extending.md.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agents/fixed_policy.hpp"
#include "agents/trainer.hpp"
#include "attention/reader.hpp"
#include "experiments/config/config.hpp"
#include "experiments/config/schema.hpp"

namespace saccade {

// The kinds of env a row may fit (a bit each; a row's `fits` is their union).
enum EnvKind : unsigned { kGlimpses = 1u, kPatches = 2u, kChunks = 4u, kTurns = 8u };
inline constexpr unsigned kAnyRegions = kPatches | kChunks | kTurns;
// "image glimpses", "image patches", "text chunks", "dialogue turns" (experiments/tables/choose.cpp)
std::string env_kind_name(EnvKind kind);

// What a reader's or a policy's shape depends on: the env's spec and what only the task knows.
// The task fills in spec and what only it knows; build_setup (experiments/tasks/policy_setup.hpp)
// adds kind and budget, the same way for every task.
struct ModelInputs {
  const EnvSpec& spec;
  std::size_t vocab_size = 0;              // text, dialogue: the reader's token vocabulary
  std::size_t region_tokens = 0;           // text, dialogue: tokens of one chunk or turn
  std::vector<std::size_t> slot_values{};  // dialogue: values of each answer slot
  EnvKind kind{};                          // the task's
  std::size_t budget = 0;                  // regions the policy may read: policy.budget, or all (a reference)
};

struct ReaderRow {
  std::string_view name;
  unsigned fits;
  std::string_view doc;
  std::vector<KeySpec> keys;  // reader.* keys of its own (a key shared by several rows is declared once)
  std::unique_ptr<Reader> (*make)(const Config& cfg, const ModelInputs& in, Rng& init);
};

struct LearnedPolicyRow {
  std::string_view name;
  unsigned fits;
  std::string_view doc;
  std::vector<KeySpec> keys;
  // Checks combinations the schema cannot (ConfigError at the offending key), before any data loads.
  void (*check)(const Config& cfg, EnvKind kind);
  std::unique_ptr<Policy> (*make)(const Config& cfg, const ModelInputs& in, std::size_t summary_size, Rng& init);
  // Fills Decision::weight (Policy::supplies_weights): a learner that needs weights can train it.
  bool supplies_weights = false;
};

struct FixedPolicyRow {
  std::string_view name;
  unsigned fits;
  std::string_view doc;
  RegionRule region = nullptr;    // for discrete regions (patches, chunks, turns)
  GlimpseRule glimpse = nullptr;  // for glimpse locations
  // Reads in `region`'s order and STOPs each example once the reader is sure (agents/confidence_stop.hpp),
  // its threshold set on validation to the learned policy's mean regions (experiments/run/calibrate.hpp).
  bool stops_when_sure = false;
};

// A reference: scored beside the budgeted policies, never competing with them; a full view (reading more
// than the budget) or the previews alone (`preview`, reading no region).
// The task's own regions; the whole input as one region; or the task's previews alone as one region
// (envs/preview_env.hpp: the task's own envs wrapped by build_setup, experiments/tasks/policy_setup.cpp).
enum class Layout { task, whole, preview };
struct ReferenceRow {
  std::string_view name;
  unsigned fits;
  std::string_view doc;
  std::string_view reader;        // its reader's row; empty: the run's reader.type
  Layout layout;
  std::string_view policy;        // the fixed policy (a FixedPolicyRow) reading every region
};

struct TrainerRow {
  std::string_view name;
  std::string_view doc;
  std::vector<KeySpec> keys;
  TrainerFactory (*make)(const Config& cfg);
  // Learns the policy from a fixed policy's choices (a stage of train.stages where that policy acts):
  // the only kind of learner such a stage may train the policy with; and it needs a fixed policy acting.
  bool imitates = false;
  // Trains the policy through the reader's loss (TrainerRow of backprop): the learned policy must supply
  // straight-through weights (LearnedPolicyRow::supplies_weights) wherever it acts and trains.
  bool needs_weights = false;
};

const std::vector<ReaderRow>& reader_table();           // experiments/tables/readers.cpp
const std::vector<LearnedPolicyRow>& learned_policy_table();  // experiments/tables/learned_policies.cpp
const std::vector<FixedPolicyRow>& fixed_policy_table();  // experiments/tables/fixed_policies.cpp
const std::vector<ReferenceRow>& reference_table();     // experiments/tables/references.cpp
const std::vector<TrainerRow>& trainer_table();         // experiments/tables/trainers.cpp

// The row of that name, or nullptr.
template <class Row>
const Row* find_row(const std::vector<Row>& table, std::string_view name) {
  for (const auto& r : table)
    if (r.name == name) return &r;
  return nullptr;
}
// The names of a table's rows, in order (for enums and messages).
template <class Row>
std::vector<std::string> row_names(const std::vector<Row>& table) {
  std::vector<std::string> out;
  for (const auto& r : table) out.emplace_back(r.name);
  return out;
}

// Whether `name` in eval.policies is a full-view reference (reads more than the budget).
bool is_reference(std::string_view name);

}  // namespace saccade
