// Dialogues as a region-budget environment (envs/env.hpp): the turns are the regions, the target is
// the final API call's four slots (EnvSpec::num_slots = 4, each label a value index of its slot).
//
//   spec       name "dialogue-turns", num_regions = turns (R, the most turns a dialogue may have),
//              max_steps = min(budget, R), content_shape {1 + 2 * turn_tokens}, preview_shape
//              {R, kPreviewFixed + buckets} (PreviewKind::per_region): the rows of envs/dialogue/turns.hpp;
//              num_classes = the most values a slot has (a slot with fewer pads its logit row).
//   reset      right-aligns each dialogue: its last turn is region R-1, and a dialogue of n < R turns
//              does not have regions 0..R-n-1 (flagged read from the start, zero previews), so the
//              recency window `last` is the last regions. Info flags as evidence the last turn that
//              mentions each slot's target value. Nothing random: `seed` is not used.
//   step       action.region[b] in [0, R) reads that turn; -1 is STOP; the episode rules of
//              envs/episodes.hpp, as the text and patch envs.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "envs/dialogue/turns.hpp"
#include "envs/env.hpp"
#include "envs/episodes.hpp"

namespace saccade {

struct DialogueEnvOptions {
  std::size_t turns = 30;   // regions: the most turns a dialogue may have
  std::size_t budget = 4;   // turns an example may read
};

class DialogueEnv : public Env {
 public:
  // Throws std::invalid_argument if a dialogue of `data` has more than options.turns turns.
  DialogueEnv(std::shared_ptr<const DialogueSplit> data, const DialogueEnvOptions& options = {});

  const EnvSpec& spec() const override { return spec_; }
  std::size_t num_examples() const override { return data_->size(); }
  std::pair<Observation, Info> reset(const std::vector<std::size_t>& examples, std::uint64_t seed) override;
  StepResult step(const Action& action) override;

  const DialogueSplit& split() const { return *data_; }
  // Region of example b's first turn (R - its number of turns).
  std::size_t first_region(std::size_t b) const { return first_[b]; }

 private:
  std::shared_ptr<const DialogueSplit> data_;
  DialogueEnvOptions options_;
  EnvSpec spec_;
  Array previews_;                   // [B, R, P]
  std::vector<std::size_t> examples_, first_;
  Info info_;
  Episodes episodes_;
};

}  // namespace saccade
