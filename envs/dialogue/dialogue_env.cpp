#include "envs/dialogue/dialogue_env.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace saccade {

DialogueEnv::DialogueEnv(std::shared_ptr<const DialogueSplit> data, const DialogueEnvOptions& options)
    : data_(std::move(data)), options_(options) {
  if (!data_) throw std::invalid_argument("dialogue-turns: no dialogue split");
  if (options_.budget == 0) throw std::invalid_argument("dialogue-turns: budget must be >= 1");
  for (std::size_t d = 0; d < data_->size(); ++d) {
    if (data_->dialogues[d].turns > options_.turns) {
      throw std::invalid_argument("dialogue-turns: dialogue " + std::to_string(d + 1) + " of " + data_->name + " has " +
                                  std::to_string(data_->dialogues[d].turns) + " turns, more than the env's " +
                                  std::to_string(options_.turns) + " (env.dialogue.turns)");
    }
  }
  spec_.name = "dialogue-turns";
  spec_.num_classes = data_->max_values();
  spec_.num_slots = kDialogueSlots;
  spec_.num_regions = options_.turns;
  spec_.max_steps = std::min(options_.budget, options_.turns);
  spec_.content_shape = {1 + 2 * data_->turn_tokens};
  spec_.preview_shape = {options_.turns, kPreviewFixed + data_->buckets};
  spec_.preview_kind = PreviewKind::per_region;
  spec_.preview_features = kPreviewFixed + data_->buckets;
}

std::pair<Observation, Info> DialogueEnv::reset(const std::vector<std::size_t>& examples, std::uint64_t) {
  const std::size_t B = examples.size(), R = options_.turns, P = spec_.preview_features;
  check_reset_examples(examples, data_->size(), spec_.name, data_->name);
  examples_ = examples;
  first_.resize(B);
  previews_ = Array::from_shape({B, R, P});
  std::fill(previews_.begin(), previews_.end(), 0.0f);
  info_.examples = examples;
  info_.labels.resize(B * kDialogueSlots);
  info_.evidence.assign(B * R, 0);
  episodes_.reset(B, R, spec_.max_steps);
  for (std::size_t b = 0; b < B; ++b) {
    const EncodedDialogue& d = data_->dialogues[examples[b]];
    first_[b] = R - d.turns;
    for (std::size_t r = 0; r < first_[b]; ++r) episodes_.exclude(b, r);
    std::copy(d.preview.begin(), d.preview.end(), previews_.data() + (b * R + first_[b]) * P);
    std::copy(d.evidence.begin(), d.evidence.end(), info_.evidence.begin() + static_cast<long>(b * R + first_[b]));
    for (std::size_t s = 0; s < kDialogueSlots; ++s) info_.labels[b * kDialogueSlots + s] = d.target[s];
  }
  return {episodes_.blank_observation(previews_, spec_.content_shape), info_};
}

StepResult DialogueEnv::step(const Action& action) {
  episodes_.validate(action, spec_.name, false);
  StepResult r = episodes_.blank_result(previews_, spec_.content_shape, info_);
  const std::size_t R = options_.turns, C = 1 + 2 * data_->turn_tokens;
  episodes_.step(action, r, [&](std::size_t i, std::size_t g, float* content, float* location) {
    const EncodedDialogue& d = data_->dialogues[examples_[i]];
    const float* src = d.content.data() + (g - first_[i]) * C;
    std::copy(src, src + C, content);
    location[1] = R == 1 ? 0.0f : -1.0f + 2.0f * static_cast<float>(g) / static_cast<float>(R - 1);
  });
  return r;
}

}  // namespace saccade
