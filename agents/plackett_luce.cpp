#include "agents/plackett_luce.hpp"

#include <algorithm>
#include <cmath>

#include "core/ops.hpp"

namespace saccade {

TopKDraw gumbel_top_k(const Array& logits, const Array& missing, std::size_t k, Rng& rng, bool greedy) {
  const std::size_t B = logits.shape()[0], R = logits.shape()[1];
  TopKDraw out{std::vector<int>(B * k, -1), Array::from_shape({B, R})};
  std::vector<std::pair<float, int>> keys;
  for (std::size_t b = 0; b < B; ++b) {
    keys.clear();
    for (std::size_t r = 0; r < R; ++r) {
      float key = logits(b, r);
      if (!greedy) key -= static_cast<float>(std::log(-std::log(std::max(rng.uniform(), 1e-12))));
      out.keys(b, r) = key;
      if (missing(b, r) == 0.0f) keys.emplace_back(key, static_cast<int>(r));
    }
    const std::size_t kb = std::min(k, keys.size());
    std::partial_sort(keys.begin(), keys.begin() + static_cast<long>(kb), keys.end(),
                      [](auto& a, auto& b) { return a.first > b.first; });
    for (std::size_t j = 0; j < kb; ++j) out.plan[b * k + j] = keys[j].second;
  }
  return out;
}

PlackettLucePicks plackett_luce_picks(const Var& logits, Array drawn, const std::vector<int>& plan, std::size_t k,
                                      std::size_t first, std::size_t last) {
  const std::size_t B = drawn.shape()[0];
  PlackettLucePicks out;
  std::vector<int> pick(B);
  for (std::size_t j = 0; j < last; ++j) {
    Array has = Array::from_shape({B});
    for (std::size_t b = 0; b < B; ++b) {
      const int r = plan[b * k + j];
      has(b) = r >= 0 ? 1.0f : 0.0f;
      pick[b] = r >= 0 ? r : 0;
    }
    if (j >= first) {
      Var masked = masked_fill(logits, drawn, -1e9f);
      out.log_prob.push_back(categorical_log_prob(masked, pick) * Var(has));
      if (j == 0) out.entropy = categorical_entropy(masked) * Var(has);  // entropy of the first pick
    }
    for (std::size_t b = 0; b < B; ++b)
      if (has(b) != 0.0f) drawn(b, pick[b]) = 1.0f;
    if (j >= first) out.has.push_back(std::move(has));
  }
  return out;
}

std::vector<int> plan_from(const std::vector<Action>& taken, std::size_t B, std::size_t k) {
  std::vector<int> plan(B * k, -1);
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t j = 0; j < k && j < taken.size(); ++j) {
      const int r = taken[j].region.at(b);
      if (r < 0) break;
      plan[b * k + j] = r;
    }
  }
  return plan;
}

}  // namespace saccade
