// The environment interface: a task as a region-budget environment, Gymnasium-style and batched.
//
// An episode reads one example. At reset the agent sees each region's cheap preview (may be empty);
// each step it names one region (a discrete index, or a continuous glimpse location in [-1,1]^2) or
// STOP, and the env returns that region's content. Examples that stopped or ran out of budget are
// done: later steps read nothing for them (compute is real: an unread region is never produced).
// The env does not see the reader's prediction, so its reward is 0; correctness and compute cost
// are scored by the trainer in agents/ (reward = correct - cost * regions).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/tensor.hpp"

namespace saccade {

// What one example's previews are: one row of features per region ([R, P]: turns), a sparse row per
// region ([R, 2K]: K (feature, weight) pairs over preview_features features, core/layers.hpp BagRows:
// text chunks' hashed tokens), or a picture of the whole input ([h, w] thumbnail: images), which a
// policy maps onto the regions.
enum class PreviewKind { per_region, bag, image };

struct EnvSpec {
  std::string name;              // e.g. "image-glimpse"
  std::size_t num_classes = 0;   // labels are in [0, num_classes)
  std::size_t num_regions = 0;   // 0: continuous glimpse locations; else regions 0..num_regions-1
  std::size_t max_steps = 0;     // regions an example may read (the hard budget)
  Shape content_shape;           // one read region, e.g. {scales, g, g} or {p, p}
  Shape preview_shape;           // one example's previews, e.g. {h, w} thumbnail; {} for none
  PreviewKind preview_kind = PreviewKind::per_region;
  std::size_t preview_features = 0;  // bag previews: feature ids lie in [0, preview_features)
  // Answers per example (a dialogue's API call has 4 slots): Info::labels holds num_slots entries per
  // example, and a reader's logits num_slots rows per example, [B * num_slots, num_classes] (a slot
  // with fewer values than num_classes pads its row). An example is correct when every slot is.
  std::size_t num_slots = 1;
  // The one region is the example's preview (envs/preview_env.hpp, the `preview` reference): reading
  // it reads none of the input's regions, so an episode counts it as 0 regions read.
  bool region_is_preview = false;
};

// Arrays are batch-first: B = number of examples stepped together.
struct Observation {
  Array preview;                  // [B, preview_shape...] fixed for the episode; size() == 0 if none
  Array content;                  // [B, content_shape...] the region read this step (zeros if none)
  Array location;                 // [B, 2] where the region read this step is, in [-1,1]^2 (row, col):
                                  // the glimpse location, or a discrete region's centre if it has one
  std::vector<int> region;        // [B] the region read this step; -1 if none
  std::vector<std::uint8_t> read;    // [B * num_regions] 1 where a region has been read (discrete)
  std::vector<std::uint8_t> active;  // [B] 1 if this example read a region this step
  std::vector<int> steps_left;    // [B] budget left
  // [B, max_steps, 3] every read so far (this step's included), oldest first, as (row, col, 1) at
  // its location; the rows after an example's last read are 0. What a glimpse policy that avoids
  // looking twice at one place reads (agents/return_inhibition.hpp). Continuous envs only (a discrete
  // env's `read` says what was read); empty otherwise.
  Array visited;
};

struct Action {
  std::vector<int> region;           // [B] discrete envs: the region to read; -1 means STOP
  Array location;                    // [B, 2] continuous envs: where to read
  std::vector<std::uint8_t> stop;    // [B] continuous envs: 1 means STOP instead of reading
};

struct Info {
  std::vector<int> labels;             // [B * num_slots] the target of each example (slot by slot)
  std::vector<std::size_t> examples;   // [B] which examples of the split are in the batch
  // [B * num_regions] 1 where a region holds the example's own evidence (a cluttered text's passage
  // chunks); empty when the env cannot tell (images).
  std::vector<std::uint8_t> evidence;
};

struct StepResult {
  Observation obs;
  std::vector<float> reward;               // [B], 0: see the header comment
  // Set on the step where it happens only (later steps of a done example read nothing).
  std::vector<std::uint8_t> terminated;    // [B] stopped (STOP action)
  std::vector<std::uint8_t> truncated;     // [B] out of budget
  Info info;
};

class Env {
 public:
  virtual ~Env() = default;
  virtual const EnvSpec& spec() const = 0;
  // Examples in the env's split (train, validation or test).
  virtual std::size_t num_examples() const = 0;
  // Starts episodes on the given examples of the split. `seed` fixes everything random about the
  // episodes (for images: where the item and the clutter go), so the same (examples, seed) gives
  // the same observations.
  virtual std::pair<Observation, Info> reset(const std::vector<std::size_t>& examples, std::uint64_t seed) = 0;
  virtual StepResult step(const Action& action) = 0;
};

}  // namespace saccade
