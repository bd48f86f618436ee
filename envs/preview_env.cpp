#include "envs/preview_env.hpp"

#include <algorithm>
#include <stdexcept>

namespace saccade {

PreviewEnv::PreviewEnv(std::unique_ptr<Env> inner) : inner_(std::move(inner)) {
  if (!inner_) throw std::invalid_argument("preview env: no inner env");
  const EnvSpec& in = inner_->spec();
  if (in.preview_shape.empty() || shape_size(in.preview_shape) == 0)
    throw std::invalid_argument("preview env: " + in.name +
                                " has no previews to classify (images: env.preview_factor > 0; text: env.text.preview_size > 0)");
  spec_ = in;
  spec_.name = in.name + "-preview";
  spec_.num_regions = 1;
  spec_.max_steps = 1;
  spec_.content_shape = in.preview_shape;
  spec_.preview_shape = {};
  spec_.region_is_preview = true;
}

std::pair<Observation, Info> PreviewEnv::reset(const std::vector<std::size_t>& examples, std::uint64_t seed) {
  auto [obs, info] = inner_->reset(examples, seed);
  previews_ = std::move(obs.preview);
  info_.labels = std::move(info.labels);
  info_.examples = std::move(info.examples);
  info_.evidence.clear();
  episodes_.reset(examples.size(), 1, 1);
  return {episodes_.blank_observation(none_, spec_.content_shape), info_};
}

StepResult PreviewEnv::step(const Action& action) {
  episodes_.validate(action, spec_.name, false);
  StepResult r = episodes_.blank_result(none_, spec_.content_shape, info_);
  const std::size_t width = shape_size(spec_.content_shape);
  episodes_.step(action, r, [&](std::size_t i, std::size_t, float* content, float*) {
    const float* src = previews_.data() + i * width;
    std::copy(src, src + width, content);
  });
  return r;
}

}  // namespace saccade
