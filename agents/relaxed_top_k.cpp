#include "agents/relaxed_top_k.hpp"

#include <stdexcept>

#include "core/ops.hpp"

namespace saccade {

Var relaxed_top_k(const Var& keys, const Array& missing, std::size_t k, float tau) {
  if (!(tau > 0.0f)) throw std::invalid_argument("relaxed_top_k: the temperature must be > 0");
  const std::size_t B = keys.shape(0), R = keys.shape(1);
  constexpr float eps = 1e-6f;
  std::vector<std::size_t> available(B, 0);
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t r = 0; r < R; ++r) available[b] += missing(b, r) == 0.0f ? 1 : 0;
  Var z = masked_fill(keys, missing, -1e9f);
  Var khot;
  for (std::size_t j = 0; j < k; ++j) {
    const Var a = softmax(z * (1.0f / tau));
    Array has = Array::from_shape({B, std::size_t{1}});  // 1 where the example draws a j-th region
    for (std::size_t b = 0; b < B; ++b) has(b, 0) = j < available[b] ? 1.0f : 0.0f;
    const Var term = a * Var(has);
    khot = khot.defined() ? khot + term : term;
    // max(1 - a, eps) = relu(1 - a - eps) + eps
    if (j + 1 < k) z = z + log(relu((1.0f - a) - eps) + eps);
  }
  return khot;
}

Var straight_through(const Array& hard, const Var& soft) { return Var(hard) + (soft - soft.detach()); }

}  // namespace saccade
