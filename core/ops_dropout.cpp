// Inverted dropout (reader.dropout): forward and backward side by side, and the mask from a seeded
// stream. Scaling the kept entries by 1 / (1 - p) while training keeps their expected value, so
// evaluation uses the network as it is, with no rescaling.
#include <stdexcept>

#include "core/ops.hpp"
#include "core/random.hpp"

namespace saccade {

Array dropout_mask(const Shape& shape, double p, Rng& rng) {
  Array keep = Array::from_shape(shape);
  for (std::size_t i = 0; i < keep.size(); ++i) keep.flat(i) = rng.uniform() < p ? 0.0f : 1.0f;
  return keep;
}

Var dropout(const Var& x, const Array& keep, double p) {
  if (keep.shape() != x.value().shape()) throw std::invalid_argument("dropout: the mask's shape is not the input's");
  const float scale = static_cast<float>(1.0 / (1.0 - p));
  Array mask = keep * scale;  // what both directions multiply by: 0, or 1 / (1 - p)
  Array y = x.value() * mask;
  return make_op_result(std::move(y), "dropout", {x}, [x, mask = std::move(mask)](Node& out) {
    x.node()->accumulate(out.grad * mask);
  });
}

}  // namespace saccade
