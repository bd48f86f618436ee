#include "agents/fixed_regions.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace saccade {

namespace {

std::vector<int> top_k_by(const std::vector<double>& score, std::size_t k) {
  std::vector<int> idx(score.size());
  std::iota(idx.begin(), idx.end(), 0);
  // Stable: ties keep the lower index, so the plan is deterministic.
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return score[a] > score[b]; });
  idx.resize(std::min(k, idx.size()));
  return idx;
}

// Energy of each region from one example's previews.
std::vector<double> preview_energy(const Array& preview, PreviewKind kind, std::size_t b, std::size_t regions) {
  std::vector<double> e(regions, 0.0);
  const std::size_t per_example = preview.size() / preview.shape()[0];
  const float* p = preview.data() + b * per_example;
  if (kind == PreviewKind::image) {
    // A [h, w] thumbnail over a square n x n grid of regions: region (i, j) owns a block of it.
    const std::size_t h = preview.shape()[1], w = preview.shape()[2];
    const std::size_t n = static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(regions))));
    for (std::size_t y = 0; y < h; ++y) {
      for (std::size_t x = 0; x < w; ++x) e[(y * n / h) * n + (x * n / w)] += std::abs(p[y * w + x]);
    }
  } else {  // [R, P] previews: one row per region; a bag's row is its ids, then its weights
    const std::size_t width = per_example / regions, first = kind == PreviewKind::bag ? width / 2 : 0;
    for (std::size_t r = 0; r < regions; ++r) {
      for (std::size_t j = first; j < width; ++j) e[r] += std::abs(p[r * width + j]);
    }
  }
  return e;
}

}  // namespace

const std::vector<std::string>& FixedRegionPolicy::names() {
  static const std::vector<std::string> n = {"first", "last", "last_user", "random", "spaced", "grid", "all", "center", "saliency", "salient"};
  return n;
}

FixedRegionPolicy::FixedRegionPolicy(const std::string& name, std::size_t regions, std::size_t budget)
    : name_(name), regions_(regions), budget_(name == "all" ? regions : std::min(budget, regions)) {
  require_known_policy("fixed region policy", name, names());
}

void FixedRegionPolicy::begin(const PolicyContext& ctx, Rng& rng, bool) {
  const std::size_t B = ctx.obs.steps_left.size(), R = regions_;
  const bool flagged = ctx.obs.read.size() == B * R;
  plan_.assign(B, {});
  for (std::size_t b = 0; b < B; ++b) {
    std::vector<int> has;  // the regions example b has, in order
    for (std::size_t r = 0; r < R; ++r)
      if (!flagged || !ctx.obs.read[b * R + r]) has.push_back(static_cast<int>(r));
    const std::size_t n = has.size(), k = std::min(budget_, n);
    std::vector<int>& p = plan_[b];
    if (name_ == "first" || name_ == "all") {
      p.assign(has.begin(), has.begin() + static_cast<long>(k));
    } else if (name_ == "last") {
      p.assign(has.end() - static_cast<long>(k), has.end());
    } else if (name_ == "last_user") {
      const std::size_t P = ctx.obs.preview.size() / std::max<std::size_t>(1, B * R);
      if (P == 0) throw std::invalid_argument("last_user: needs [R, P] previews whose feature 0 flags a user turn");
      for (auto it = has.rbegin(); it != has.rend() && p.size() < k; ++it)
        if (ctx.obs.preview.data()[(b * R + static_cast<std::size_t>(*it)) * P] > 0.5f) p.insert(p.begin(), *it);
    } else if (name_ == "random") {
      for (std::size_t j : rng.permutation(n)) {
        if (p.size() == k) break;
        p.push_back(has[j]);
      }
    } else if (name_ == "spaced" || name_ == "grid") {
      for (std::size_t j = 0; j < k; ++j) p.push_back(has[(2 * j + 1) * n / (2 * k)]);
    } else {
      std::vector<double> score(R);
      if (name_ == "center") {
        const double side = std::sqrt(static_cast<double>(R)), c = (side - 1.0) / 2.0;
        for (std::size_t r = 0; r < R; ++r) {
          const double y = std::floor(r / side), x = static_cast<double>(r) - y * side;
          score[r] = -((y - c) * (y - c) + (x - c) * (x - c));  // closeness to the centre
        }
      } else {  // saliency, salient
        score = preview_energy(ctx.obs.preview, ctx.spec.preview_kind, b, R);
      }
      std::vector<double> has_score;
      for (int r : has) has_score.push_back(score[static_cast<std::size_t>(r)]);
      for (int j : top_k_by(has_score, k)) p.push_back(has[static_cast<std::size_t>(j)]);
    }
  }
}

Decision FixedRegionPolicy::act(const PolicyContext& ctx, Rng&, bool) {
  Decision d;
  d.action.region.assign(plan_.size(), -1);
  for (std::size_t b = 0; b < plan_.size(); ++b) {
    if (ctx.step < plan_[b].size()) d.action.region[b] = plan_[b][ctx.step];
  }
  return d;
}

}  // namespace saccade
