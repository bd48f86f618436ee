#include "envs/image/image_env.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace saccade {
namespace {

Array zeros(const Shape& shape) {
  Array a = Array::from_shape(shape);
  std::fill(a.begin(), a.end(), 0.0f);
  return a;
}

Shape batched(std::size_t b, const Shape& item) {
  Shape s{b};
  s.insert(s.end(), item.begin(), item.end());
  return s;
}

}  // namespace

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

bool ImageEnvBase::all_done() const {
  return std::all_of(done_.begin(), done_.end(), [](std::uint8_t d) { return d != 0; });
}

void ImageEnvBase::require_started(const char* who) const {
  if (done_.empty()) throw std::logic_error(std::string(who) + ": step before reset");
}

std::pair<Observation, Info> ImageEnvBase::start(const std::vector<std::size_t>& examples, std::uint64_t seed) {
  const std::size_t b = examples.size(), n = data_->size(), px = side_ * side_;
  if (b == 0) throw std::invalid_argument(spec_.name + ": reset with no examples");
  for (std::size_t e : examples) {
    if (e >= n) {
      throw std::out_of_range(spec_.name + ": example " + std::to_string(e) + " of " + data_->name + " (size " +
                              std::to_string(n) + ")");
    }
  }
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
  done_.assign(b, 0);
  steps_left_.assign(b, static_cast<int>(spec_.max_steps));
  return {blank_observation(), info_};
}

Observation ImageEnvBase::blank_observation() const {
  const std::size_t b = done_.size();
  Observation o;
  o.preview = previews_;
  o.content = zeros(batched(b, spec_.content_shape));
  o.location = zeros({b, 2});
  o.region.assign(b, -1);
  o.active.assign(b, 0);
  o.steps_left = steps_left_;
  return o;
}

StepResult ImageEnvBase::blank_result() const {
  const std::size_t b = done_.size();
  StepResult r;
  r.obs = blank_observation();
  r.reward.assign(b, 0.0f);
  r.terminated.assign(b, 0);
  r.truncated.assign(b, 0);
  r.info = info_;
  return r;
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
  require_started("image-glimpse");
  const std::size_t b = done_.size();
  const Array& loc = action.location;
  if (loc.dimension() != 2 || loc.shape()[0] != b || loc.shape()[1] != 2) {
    throw std::invalid_argument("image-glimpse: action.location must be [" + std::to_string(b) + ", 2]");
  }
  if (!action.stop.empty() && action.stop.size() != b) {
    throw std::invalid_argument("image-glimpse: action.stop must be empty or have " + std::to_string(b) + " entries");
  }
  for (std::size_t i = 0; i < b; ++i) {
    const bool stops = !action.stop.empty() && action.stop[i];
    if (!done_[i] && !stops && (!std::isfinite(loc.data()[2 * i]) || !std::isfinite(loc.data()[2 * i + 1]))) {
      throw std::invalid_argument("image-glimpse: location of example " + std::to_string(i) + " is not finite");
    }
  }

  StepResult r = blank_result();
  float* where = r.obs.location.data();
  for (std::size_t i = 0; i < b; ++i) {
    if (done_[i]) continue;
    if (!action.stop.empty() && action.stop[i]) {
      r.terminated[i] = 1;
      done_[i] = 1;
      continue;
    }
    for (std::size_t a = 0; a < 2; ++a) {
      const float l = loc.data()[2 * i + a];
      where[2 * i + a] = options_.clamp_locations ? std::clamp(l, -1.0f, 1.0f) : l;
    }
    r.obs.active[i] = 1;
    if (--steps_left_[i] == 0) {
      r.truncated[i] = 1;
      done_[i] = 1;
    }
  }
  retina_batch(canvases_, r.obs.location, options_.retina, r.obs.content, r.obs.active.data());
  r.obs.steps_left = steps_left_;
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
  auto out = start(examples, seed);
  read_.assign(examples.size() * grid_.regions(), 0);
  out.first.read = read_;
  return out;
}

StepResult ImagePatchEnv::step(const Action& action) {
  require_started("image-patch");
  const std::size_t b = done_.size(), nr = grid_.regions(), pp = grid_.p * grid_.p;
  if (action.region.size() != b) {
    throw std::invalid_argument("image-patch: action.region must have " + std::to_string(b) + " entries");
  }
  for (std::size_t i = 0; i < b; ++i) {
    if (done_[i]) continue;
    const int g = action.region[i];
    if (g < -1 || g >= static_cast<int>(nr)) {
      throw std::out_of_range("image-patch: region " + std::to_string(g) + " for example " + std::to_string(i) +
                              "; expected -1 (STOP) or 0.." + std::to_string(nr - 1));
    }
    if (g >= 0 && read_[i * nr + g] && !options_.repeat_stops) {
      throw std::invalid_argument("image-patch: region " + std::to_string(g) + " of example " + std::to_string(i) +
                                  " was already read");
    }
  }

  StepResult r = blank_result();
  const std::size_t px = side_ * side_;
  for (std::size_t i = 0; i < b; ++i) {
    if (done_[i]) continue;
    const int g = action.region[i];
    if (g < 0 || read_[i * nr + g]) {  // STOP, or a repeat read treated as STOP
      r.terminated[i] = 1;
      done_[i] = 1;
      continue;
    }
    read_[i * nr + g] = 1;
    read_patch(canvases_.data() + i * px, grid_, static_cast<std::size_t>(g), r.obs.content.data() + i * pp);
    const auto [lr, lc] = patch_centre(grid_, static_cast<std::size_t>(g));
    r.obs.location.data()[2 * i] = lr;
    r.obs.location.data()[2 * i + 1] = lc;
    r.obs.region[i] = g;
    r.obs.active[i] = 1;
    if (--steps_left_[i] == 0) {
      r.truncated[i] = 1;
      done_[i] = 1;
    }
  }
  r.obs.read = read_;
  r.obs.steps_left = steps_left_;
  return r;
}

}  // namespace saccade
