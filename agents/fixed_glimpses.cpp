#include "agents/fixed_glimpses.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace saccade {

namespace {

std::vector<std::pair<float, float>> grid_scan(std::size_t n) {
  const std::size_t rows = static_cast<std::size_t>(std::floor(std::sqrt(static_cast<double>(n))));
  const std::size_t cols = (n + rows - 1) / rows;
  std::vector<std::pair<float, float>> p;
  for (std::size_t i = 0; i < rows && p.size() < n; ++i) {
    for (std::size_t j = 0; j < cols && p.size() < n; ++j) {
      p.emplace_back(static_cast<float>((2.0 * i + 1.0) / rows - 1.0), static_cast<float>((2.0 * j + 1.0) / cols - 1.0));
    }
  }
  return p;
}

std::vector<std::pair<float, float>> saliency_peaks(const float* thumb, std::size_t h, std::size_t w, std::size_t n) {
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
  const long radius = static_cast<long>(std::max<std::size_t>(1, h / 6));
  std::vector<std::pair<float, float>> p;
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t best = static_cast<std::size_t>(std::max_element(score.begin(), score.end()) - score.begin());
    const long by = static_cast<long>(best / w), bx = static_cast<long>(best % w);
    p.emplace_back(static_cast<float>((by + 0.5) / h * 2.0 - 1.0), static_cast<float>((bx + 0.5) / w * 2.0 - 1.0));
    for (long y = std::max(0L, by - radius); y <= std::min<long>(h - 1, by + radius); ++y) {
      for (long x = std::max(0L, bx - radius); x <= std::min<long>(w - 1, bx + radius); ++x) score[y * w + x] = -1.0;
    }
  }
  return p;
}

}  // namespace

const std::vector<std::string>& FixedGlimpsePolicy::names() {
  static const std::vector<std::string> n = {"center", "random", "grid", "saliency"};
  return n;
}

FixedGlimpsePolicy::FixedGlimpsePolicy(const std::string& name, std::size_t budget) : name_(name), budget_(budget) {
  if (budget == 0) throw std::invalid_argument("fixed glimpse policy \"" + name + "\": the budget must be at least 1");
  require_known_policy("fixed glimpse policy", name, names());
}

void FixedGlimpsePolicy::begin(const PolicyContext& ctx, Rng& rng, bool) {
  const std::size_t B = ctx.obs.steps_left.size();
  plan_.assign(B, {});
  for (std::size_t b = 0; b < B; ++b) {
    auto& p = plan_[b];
    if (name_ == "center") {
      p.assign(budget_, {0.0f, 0.0f});
    } else if (name_ == "random") {
      for (std::size_t j = 0; j < budget_; ++j) {
        p.emplace_back(static_cast<float>(rng.uniform(-1, 1)), static_cast<float>(rng.uniform(-1, 1)));
      }
    } else if (name_ == "grid") {
      p = grid_scan(budget_);
    } else {
      const Array& t = ctx.obs.preview;
      if (t.dimension() != 3) throw std::invalid_argument("saliency glimpses need a [B, h, w] thumbnail preview");
      const std::size_t h = t.shape()[1], w = t.shape()[2];
      p = saliency_peaks(t.data() + b * h * w, h, w, budget_);
    }
  }
}

Decision FixedGlimpsePolicy::act(const PolicyContext& ctx, Rng&, bool) {
  const std::size_t B = plan_.size();
  Decision d;
  d.action.location = Array::from_shape({B, 2});
  d.action.stop.assign(B, 0);
  for (std::size_t b = 0; b < B; ++b) {
    const auto& p = plan_[b];
    const auto& loc = p[std::min(ctx.step, p.size() - 1)];
    d.action.location(b, 0) = loc.first;
    d.action.location(b, 1) = loc.second;
    if (ctx.step >= p.size()) d.action.stop[b] = 1;
  }
  return d;
}

}  // namespace saccade
