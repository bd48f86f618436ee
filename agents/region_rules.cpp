#include "agents/region_rules.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace saccade {

namespace {

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

std::vector<int> top_scored(const std::vector<int>& has, const std::vector<double>& score, std::size_t k) {
  std::vector<int> idx(has.size());
  std::iota(idx.begin(), idx.end(), 0);
  // Stable: ties keep the lower index, so the plan is deterministic.
  std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) {
    return score[static_cast<std::size_t>(has[static_cast<std::size_t>(a)])] >
           score[static_cast<std::size_t>(has[static_cast<std::size_t>(b)])];
  });
  idx.resize(std::min(k, idx.size()));
  std::vector<int> out;
  for (int j : idx) out.push_back(has[static_cast<std::size_t>(j)]);
  return out;
}

std::vector<int> first_regions(const RegionPlanInput& in) {
  return {in.has.begin(), in.has.begin() + static_cast<long>(in.k)};
}

std::vector<int> last_regions(const RegionPlanInput& in) { return {in.has.end() - static_cast<long>(in.k), in.has.end()}; }

std::vector<int> last_user_turns(const RegionPlanInput& in) {
  const std::size_t B = in.obs.steps_left.size(), R = in.spec.num_regions;
  const std::size_t P = in.obs.preview.size() / std::max<std::size_t>(1, B * R);
  if (P == 0) throw std::invalid_argument("last_user: needs [R, P] previews whose feature 0 flags a user turn");
  std::vector<int> p;
  for (auto it = in.has.rbegin(); it != in.has.rend() && p.size() < in.k; ++it)
    if (in.obs.preview.data()[(in.example * R + static_cast<std::size_t>(*it)) * P] > 0.5f) p.insert(p.begin(), *it);
  return p;
}

std::vector<int> random_regions(const RegionPlanInput& in) {
  std::vector<int> p;
  for (std::size_t j : in.rng.permutation(in.has.size())) {
    if (p.size() == in.k) break;
    p.push_back(in.has[j]);
  }
  return p;
}

std::vector<int> spaced_regions(const RegionPlanInput& in) {
  const std::size_t n = in.has.size();
  std::vector<int> p;
  for (std::size_t j = 0; j < in.k; ++j) p.push_back(in.has[(2 * j + 1) * n / (2 * in.k)]);
  return p;
}

std::vector<int> center_regions(const RegionPlanInput& in) {
  const std::size_t R = in.spec.num_regions;
  std::vector<double> score(R);
  const double side = std::sqrt(static_cast<double>(R)), c = (side - 1.0) / 2.0;
  for (std::size_t r = 0; r < R; ++r) {
    const double y = std::floor(r / side), x = static_cast<double>(r) - y * side;
    score[r] = -((y - c) * (y - c) + (x - c) * (x - c));  // closeness to the centre
  }
  return top_scored(in.has, score, in.k);
}

std::vector<int> salient_regions(const RegionPlanInput& in) {
  return top_scored(in.has, preview_energy(in.obs.preview, in.spec.preview_kind, in.example, in.spec.num_regions), in.k);
}

}  // namespace saccade
