#include "envs/image/image_env.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace saccade {

// ---- shared -------------------------------------------------------------------------------------

ImageEnvBase::ImageEnvBase(std::shared_ptr<const ImageDataset> data, const CanvasSpec& canvas,
                           std::size_t preview_factor)
    : data_(std::move(data)), canvas_(canvas), preview_factor_(preview_factor) {
  if (!data_) throw std::invalid_argument("image env: no dataset");
  side_ = saccade::canvas_side(canvas_, *data_);
  spec_.num_classes = data_->num_classes;
  if (preview_factor_ > 0) {
    check_thumbnail_factor(side_, preview_factor_);
    spec_.preview_shape = {side_ / preview_factor_, side_ / preview_factor_};
    spec_.preview_kind = PreviewKind::image;
  }
}

std::pair<Observation, Info> ImageEnvBase::start(const std::vector<std::size_t>& examples, std::uint64_t seed) {
  const std::size_t b = examples.size(), px = side_ * side_;
  check_reset_examples(examples, data_->size(), spec_.name, data_->name);
  // Batches keep their size during training: reuse the buffers rather than fault in fresh pages.
  if (canvases_.dimension() != 3 || canvases_.shape()[0] != b) canvases_ = Array::from_shape({b, side_, side_});
  placements_.resize(b);
  info_.examples = examples;
  info_.labels.resize(b);
  for (std::size_t i = 0; i < b; ++i) {
    Rng rng = canvas_rng(seed, examples[i]);
    placements_[i] = render_canvas_into(*data_, examples[i], canvas_, rng, canvases_.data() + i * px);
    info_.labels[i] = data_->labels[examples[i]];
  }
  if (preview_factor_ > 0) {
    const std::size_t t = side_ / preview_factor_;
    if (previews_.dimension() != 3 || previews_.shape()[0] != b) previews_ = Array::from_shape({b, t, t});
    for (std::size_t i = 0; i < b; ++i) {
      thumbnail(canvases_.data() + i * px, side_, preview_factor_, previews_.data() + i * t * t);
    }
  } else {
    previews_ = Array::from_shape({0});
  }
  episodes_.reset(b, spec_.num_regions, spec_.max_steps);
  return {episodes_.blank_observation(previews_, spec_.content_shape), info_};
}

StepResult ImageEnvBase::blank_result() const {
  return episodes_.blank_result(previews_, spec_.content_shape, info_);
}

// ---- glimpses -----------------------------------------------------------------------------------

ImageGlimpseEnv::ImageGlimpseEnv(std::shared_ptr<const ImageDataset> data, const CanvasSpec& canvas,
                                 const ImageGlimpseOptions& options)
    : ImageEnvBase(std::move(data), canvas, options.preview_factor), options_(options) {
  if (options_.budget == 0) throw std::invalid_argument("image-glimpse: budget must be >= 1");
  if (options_.retina.glimpse == 0 || options_.retina.scales == 0) {
    throw std::invalid_argument("image-glimpse: retina glimpse size and scales must be >= 1");
  }
  spec_.name = "image-glimpse";
  spec_.num_regions = 0;
  spec_.max_steps = options_.budget;
  spec_.content_shape = {options_.retina.scales, options_.retina.glimpse, options_.retina.glimpse};
}

std::pair<Observation, Info> ImageGlimpseEnv::reset(const std::vector<std::size_t>& examples, std::uint64_t seed) {
  return start(examples, seed);
}

StepResult ImageGlimpseEnv::step(const Action& action) {
  episodes_.require_started("image-glimpse");
  const std::size_t b = episodes_.batch();
  const std::vector<std::uint8_t>& done = episodes_.done();
  const Array& loc = action.location;
  if (loc.dimension() != 2 || loc.shape()[0] != b || loc.shape()[1] != 2) {
    throw std::invalid_argument("image-glimpse: action.location must be [" + std::to_string(b) + ", 2]");
  }
  if (!action.stop.empty() && action.stop.size() != b) {
    throw std::invalid_argument("image-glimpse: action.stop must be empty or have " + std::to_string(b) + " entries");
  }
  for (std::size_t i = 0; i < b; ++i) {
    const bool stops = !action.stop.empty() && action.stop[i];
    if (!done[i] && !stops && (!std::isfinite(loc.data()[2 * i]) || !std::isfinite(loc.data()[2 * i + 1]))) {
      throw std::invalid_argument("image-glimpse: location of example " + std::to_string(i) + " is not finite");
    }
  }

  StepResult r = blank_result();
  float* where = r.obs.location.data();
  for (std::size_t i = 0; i < b; ++i) {
    if (done[i]) continue;
    if (!action.stop.empty() && action.stop[i]) {
      episodes_.stop(i, r);
      continue;
    }
    for (std::size_t a = 0; a < 2; ++a) {
      const float l = loc.data()[2 * i + a];
      where[2 * i + a] = options_.clamp_locations ? std::clamp(l, -1.0f, 1.0f) : l;
    }
    episodes_.spend(i, r);
  }
  retina_batch(canvases_, r.obs.location, options_.retina, r.obs.content, r.obs.active.data());
  return r;
}

// ---- patches ------------------------------------------------------------------------------------

ImagePatchEnv::ImagePatchEnv(std::shared_ptr<const ImageDataset> data, const CanvasSpec& canvas,
                             const ImagePatchOptions& options)
    : ImageEnvBase(std::move(data), canvas, options.preview_factor), options_(options) {
  if (options_.budget == 0) throw std::invalid_argument("image-patch: budget must be >= 1");
  grid_ = PatchGrid::for_canvas(side_, options_.grid);
  spec_.name = "image-patch";
  spec_.num_regions = grid_.regions();
  spec_.max_steps = std::min(options_.budget, grid_.regions());
  spec_.content_shape = {grid_.p, grid_.p};
}

std::pair<Observation, Info> ImagePatchEnv::reset(const std::vector<std::size_t>& examples, std::uint64_t seed) {
  return start(examples, seed);
}

StepResult ImagePatchEnv::step(const Action& action) {
  episodes_.validate(action, "image-patch", options_.repeat_stops);
  StepResult r = blank_result();
  const std::size_t px = side_ * side_;
  episodes_.step(action, r, [&](std::size_t i, std::size_t g, float* content, float* location) {
    read_patch(canvases_.data() + i * px, grid_, g, content);
    const auto [lr, lc] = patch_centre(grid_, g);
    location[0] = lr;
    location[1] = lc;
  });
  return r;
}

}  // namespace saccade
