#include "agents/spatial_location.hpp"

#include <stdexcept>

#include "core/ops.hpp"

namespace saccade {

SpatialLocationPolicy::SpatialLocationPolicy(const SpatialLocationOptions& o, Rng& rng)
    : GaussianLocationPolicy(o.gaussian, rng),
      sopt_(o),
      local_(9, o.hidden, rng),
      local_score_(o.hidden, 1, rng),
      state_score_(o.gaussian.input, o.height * o.width, rng, /*bias=*/false) {
  register_module("local", local_);
  register_module("local_score", local_score_);
  register_module("state_score", state_score_);
  Array c = Array::from_shape({o.height * o.width, std::size_t{2}});
  for (std::size_t y = 0; y < o.height; ++y) {
    for (std::size_t x = 0; x < o.width; ++x) {
      c(y * o.width + x, 0) = static_cast<float>((y + 0.5) / o.height * 2.0 - 1.0);
      c(y * o.width + x, 1) = static_cast<float>((x + 0.5) / o.width * 2.0 - 1.0);
    }
  }
  centres_ = Var(std::move(c));
}

Var SpatialLocationPolicy::preview_code(const PolicyContext& ctx) const {
  const std::size_t H = sopt_.height, W = sopt_.width, P = H * W;
  const std::size_t B = ctx.obs.steps_left.size();
  const Array& t = ctx.obs.preview;
  if (t.size() != B * P) throw std::invalid_argument("spatial location policy: needs a [B, " + std::to_string(H) + ", " + std::to_string(W) + "] thumbnail preview");
  // 3x3 neighbourhoods, zero-padded: a constant input [B * P, 9].
  Array f = Array::from_shape({B * P, std::size_t{9}});
  for (std::size_t b = 0; b < B; ++b) {
    const float* img = t.data() + b * P;
    for (std::size_t y = 0; y < H; ++y) {
      for (std::size_t x = 0; x < W; ++x) {
        float* row = f.data() + ((b * P) + y * W + x) * 9;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            const long yy = static_cast<long>(y) + dy, xx = static_cast<long>(x) + dx;
            const bool in = yy >= 0 && xx >= 0 && yy < static_cast<long>(H) && xx < static_cast<long>(W);
            *row++ = in ? img[yy * static_cast<long>(W) + xx] : 0.0f;
          }
        }
      }
    }
  }
  return reshape(local_score_(relu(local_(Var(std::move(f))))), {B, P});
}

Var SpatialLocationPolicy::mean(const Var& h, const Var& local_scores) const {
  return matmul(softmax(local_scores + state_score_(h)), centres_);
}

double SpatialLocationPolicy::flops_per_episode(std::size_t decisions) const {
  const double P = static_cast<double>(sopt_.height * sopt_.width), hid = static_cast<double>(sopt_.hidden);
  const double once = 2.0 * P * (9.0 * hid + hid);
  const double per = 2.0 * (static_cast<double>(sopt_.gaussian.input) * P + 2.0 * P);
  return once + static_cast<double>(decisions) * per;
}

}  // namespace saccade
