// An env seen through its previews alone, for the `preview` reference (experiments/tables/references.cpp):
// a classifier on the cheap previews that reads no region, which shows what reading adds.
//
//   spec       the inner env's, except: one region (num_regions 1, max_steps 1) whose content_shape is
//              the inner preview_shape, no preview of its own (preview_shape {}), preview_kind and
//              preview_features kept so a reader knows how to read that content (a thumbnail, rows per
//              region, bags), num_slots and num_classes kept; region_is_preview set, so an episode
//              counts reading it as no region read (agents/episode.cpp)
//   reset      the inner env's reset (the same examples, the same seed, so the same previews and
//              labels); Info keeps the labels and examples, and no evidence (the inner one is per
//              inner region)
//   step       region 0 returns the example's preview as content; -1 is STOP; the episode rules of
//              envs/episodes.hpp. The inner env is never stepped: none of its regions is produced,
//              so compute is real.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "envs/env.hpp"
#include "envs/episodes.hpp"

namespace saccade {

class PreviewEnv : public Env {
 public:
  // Throws std::invalid_argument if `inner` has no previews (an empty preview_shape).
  explicit PreviewEnv(std::unique_ptr<Env> inner);

  const EnvSpec& spec() const override { return spec_; }
  std::size_t num_examples() const override { return inner_->num_examples(); }
  std::pair<Observation, Info> reset(const std::vector<std::size_t>& examples, std::uint64_t seed) override;
  StepResult step(const Action& action) override;

  const Env& inner() const { return *inner_; }

 private:
  std::unique_ptr<Env> inner_;
  EnvSpec spec_;
  Array previews_;  // [B, inner preview_shape...]: the batch's contents
  const Array none_ = Array::from_shape({0});  // its own preview: none (size 0, as envs/env.hpp says)
  Info info_;
  Episodes episodes_;
};

}  // namespace saccade
