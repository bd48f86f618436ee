// The image task as region-budget environments (envs/env.hpp), on canvases of an image split.
//
//   ImageGlimpseEnv  continuous: the action is a location l = (row, col) in [-1, 1]^2 (RAM); the
//                    content is the retina's [k, g, g] glimpse there; obs.location echoes where it read.
//   ImagePatchEnv    discrete: the action is a region r of the n x n patch grid; the content is that
//                    [p, p] patch; obs.read marks the regions read so far; obs.location holds the
//                    region's centre in retina coordinates (for readers that embed where they looked).
//
// Both: the preview is the canvas' thumbnail (average-pooled by `preview_factor`, e.g. 60 -> 15),
// the same in every observation of an episode (preview_factor 0: no preview, obs.preview has size 0).
// `reset(examples, seed)` draws example b's canvas from canvas_rng(seed, examples[b]), so a canvas
// depends only on (seed, example), never on the batch it is in. The reset observation reads nothing.
//
// Episode rules (per example):
//   - Each read costs one step of the budget; the read that spends the last step returns its content
//     with truncated = 1. STOP (glimpse: action.stop[b] = 1; patch: region -1) returns no content and
//     terminated = 1. The flags are set on that step only; `done()` keeps the state.
//   - Patch env: re-reading an already-read region is treated as STOP (terminated = 1, nothing read)
//     when options.repeat_stops (the default; a policy should mask read regions), else it throws.
//     Its budget is at most the number of regions (spec().max_steps = min(budget, n * n)).
//   - Done examples are never read again: their content rows are zeros, active = 0, region = -1,
//     location = 0, and their actions are ignored.
//   - Glimpse env: locations outside [-1, 1] are clipped when options.clamp_locations (default), else
//     read as given (pixels off the canvas are 0). A non-finite location throws.
// A malformed action (wrong batch size, region out of range) throws before any state changes.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "envs/env.hpp"
#include "envs/episodes.hpp"
#include "envs/image/canvas.hpp"
#include "envs/image/dataset.hpp"
#include "envs/image/patches.hpp"
#include "envs/image/retina.hpp"

namespace saccade {

struct ImageGlimpseOptions {
  RetinaSpec retina{};             // g = 12, k = 3
  std::size_t budget = 6;          // glimpses per example: spec().max_steps
  std::size_t preview_factor = 4;  // thumbnail pooling factor (must divide W); 0 = no preview
  bool clamp_locations = true;     // clip l to [-1, 1]^2 before reading (obs.location echoes the clipped l)
};

struct ImagePatchOptions {
  std::size_t grid = 5;            // n patches per side; p = W / n (n must divide W)
  std::size_t budget = 6;          // regions per example: spec().max_steps = min(budget, n * n)
  std::size_t preview_factor = 4;  // thumbnail pooling factor (must divide W); 0 = no preview
  bool repeat_stops = true;        // re-reading a region is STOP; false: std::invalid_argument
};

// What both image envs share: the split, the canvases of the current batch, budgets and previews.
class ImageEnvBase : public Env {
 public:
  const EnvSpec& spec() const override { return spec_; }
  std::size_t num_examples() const override { return data_->size(); }

  const ImageDataset& dataset() const { return *data_; }
  const CanvasSpec& canvas_spec() const { return canvas_; }
  std::size_t canvas_side() const { return side_; }
  const Array& canvases() const { return canvases_; }  // [B, W, W] of the current batch
  const std::vector<CanvasPlacement>& placements() const { return placements_; }  // [B] item top-left, clutter
  const std::vector<std::uint8_t>& done() const { return episodes_.done(); }      // [B] stopped or out of budget
  bool all_done() const { return episodes_.all_done(); }

 protected:
  ImageEnvBase(std::shared_ptr<const ImageDataset> data, const CanvasSpec& canvas, std::size_t preview_factor);
  // Renders the batch, fills the previews and starts the episodes; the caller has set spec_.
  std::pair<Observation, Info> start(const std::vector<std::size_t>& examples, std::uint64_t seed);
  // A step's result in which nothing was read yet (Episodes::blank_result).
  StepResult blank_result() const;

  std::shared_ptr<const ImageDataset> data_;
  CanvasSpec canvas_;
  std::size_t side_ = 0;
  std::size_t preview_factor_ = 0;
  EnvSpec spec_;
  Array canvases_;   // [B, W, W]
  Array previews_;   // [B, W/f, W/f], or size 0
  std::vector<CanvasPlacement> placements_;
  Info info_;
  Episodes episodes_;  // done, budget left and (patch env) regions read
};

class ImageGlimpseEnv : public ImageEnvBase {
 public:
  ImageGlimpseEnv(std::shared_ptr<const ImageDataset> data, const CanvasSpec& canvas,
                  const ImageGlimpseOptions& options = {});
  std::pair<Observation, Info> reset(const std::vector<std::size_t>& examples, std::uint64_t seed) override;
  StepResult step(const Action& action) override;
  const ImageGlimpseOptions& options() const { return options_; }

 private:
  ImageGlimpseOptions options_;
};

class ImagePatchEnv : public ImageEnvBase {
 public:
  ImagePatchEnv(std::shared_ptr<const ImageDataset> data, const CanvasSpec& canvas,
                const ImagePatchOptions& options = {});
  std::pair<Observation, Info> reset(const std::vector<std::size_t>& examples, std::uint64_t seed) override;
  StepResult step(const Action& action) override;
  const ImagePatchOptions& options() const { return options_; }
  const PatchGrid& grid() const { return grid_; }
  const std::vector<std::uint8_t>& read_mask() const { return episodes_.read(); }  // [B * n * n]

 private:
  ImagePatchOptions options_;
  PatchGrid grid_;
};

}  // namespace saccade
