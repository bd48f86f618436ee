#include "agents/glimpse_rules.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace saccade {

Thumbnail thumbnail(const GlimpsePlanInput& in, const char* rule) {
  const Array& t = in.obs.preview;
  if (t.dimension() != 3) throw std::invalid_argument(std::string(rule) + " glimpses need a [B, h, w] thumbnail preview");
  const std::size_t h = t.shape()[1], w = t.shape()[2];
  return {t.data() + in.example * h * w, h, w};
}

GlimpsePlan center_glimpses(const GlimpsePlanInput& in) { return GlimpsePlan(in.budget, {0.0f, 0.0f}); }

GlimpsePlan random_glimpses(const GlimpsePlanInput& in) {
  GlimpsePlan p;
  for (std::size_t j = 0; j < in.budget; ++j) {
    p.emplace_back(static_cast<float>(in.rng.uniform(-1, 1)), static_cast<float>(in.rng.uniform(-1, 1)));
  }
  return p;
}

GlimpsePlan grid_glimpses(const GlimpsePlanInput& in) {
  const std::size_t n = in.budget;
  const std::size_t rows = static_cast<std::size_t>(std::floor(std::sqrt(static_cast<double>(n))));
  const std::size_t cols = (n + rows - 1) / rows;
  GlimpsePlan p;
  for (std::size_t i = 0; i < rows && p.size() < n; ++i) {
    for (std::size_t j = 0; j < cols && p.size() < n; ++j) {
      p.emplace_back(static_cast<float>((2.0 * i + 1.0) / rows - 1.0), static_cast<float>((2.0 * j + 1.0) / cols - 1.0));
    }
  }
  return p;
}

GlimpsePlan saliency_glimpses(const GlimpsePlanInput& in) {
  const auto [thumb, h, w] = thumbnail(in, "saliency");
  std::vector<double> score(h * w, 0.0);
  for (std::size_t y = 0; y < h; ++y) {
    for (std::size_t x = 0; x < w; ++x) {
      double s = 0.0;
      for (std::size_t yy = y ? y - 1 : 0; yy <= std::min(y + 1, h - 1); ++yy) {
        for (std::size_t xx = x ? x - 1 : 0; xx <= std::min(x + 1, w - 1); ++xx) s += std::abs(thumb[yy * w + xx]);
      }
      score[y * w + x] = s;
    }
  }
  const long radius = static_cast<long>(saliency_radius(h));
  GlimpsePlan p;
  for (std::size_t j = 0; j < in.budget; ++j) {
    const std::size_t best = static_cast<std::size_t>(std::max_element(score.begin(), score.end()) - score.begin());
    const long by = static_cast<long>(best / w), bx = static_cast<long>(best % w);
    p.emplace_back(static_cast<float>((by + 0.5) / h * 2.0 - 1.0), static_cast<float>((bx + 0.5) / w * 2.0 - 1.0));
    for (long y = std::max(0L, by - radius); y <= std::min<long>(h - 1, by + radius); ++y) {
      for (long x = std::max(0L, bx - radius); x <= std::min<long>(w - 1, bx + radius); ++x) score[y * w + x] = -1.0;
    }
  }
  return p;
}

}  // namespace saccade
