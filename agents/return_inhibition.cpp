#include "agents/return_inhibition.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "agents/glimpse_rules.hpp"
#include "agents/thumbnail_cells.hpp"
#include "core/ops.hpp"

namespace saccade {

Array visit_map(const Array& visited, const Array& centres, std::size_t B, float radius) {
  const std::size_t P = centres.shape()[0];
  Array v = Array::from_shape({B, P});
  std::fill(v.begin(), v.end(), 0.0f);
  // A default Array (no dimensions, one element) or an empty one: nothing read, or an env that keeps none.
  if (visited.dimension() == 0 || visited.size() == 0) return v;
  if (visited.dimension() != 3 || visited.shape()[0] != B || visited.shape()[2] != 3)
    throw std::invalid_argument("inhibition of return: Observation::visited must be [" + std::to_string(B) + ", steps, 3]");
  const std::size_t S = visited.shape()[1];
  const float k = -0.5f / (radius * radius);
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t j = 0; j < S; ++j) {
      const float* read = visited.data() + (b * S + j) * 3;
      if (read[2] == 0.0f) continue;  // past the example's last read
      for (std::size_t p = 0; p < P; ++p) {
        const float dy = centres(p, 0) - read[0], dx = centres(p, 1) - read[1];
        v(b, p) += read[2] * std::exp(k * (dy * dy + dx * dx));
      }
    }
  }
  return v;
}

ReturnInhibition::ReturnInhibition(float init, std::size_t H, std::size_t W) {
  if (init == 0.0f) return;
  weight_ = register_parameter("weight", Array({init}));
  centres_ = cell_centres(H, W);
  // The saliency rule's radius in cells, in the [-1, 1] coordinates (a cell is 2 / H).
  radius_ = static_cast<float>(saliency_radius(H)) * 2.0f / static_cast<float>(H);
}

double ReturnInhibition::flops_per_episode(std::size_t decisions) const {
  if (!on()) return 0.0;
  // Decision t sees t reads; each read costs every cell about 8 flops (distance, exp, weight, add).
  const double d = static_cast<double>(decisions);
  return 8.0 * static_cast<double>(centres_.shape()[0]) * d * (d - 1.0) / 2.0;
}

Var ReturnInhibition::operator()(const Observation& obs, std::size_t B) const {
  if (!on()) return Var();
  return Var(visit_map(obs.visited, centres_, B, radius_)) * weight_;
}

}  // namespace saccade
