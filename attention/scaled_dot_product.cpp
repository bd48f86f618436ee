#include "attention/scaled_dot_product.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include <xtensor/xoperation.hpp>

#include "core/ops.hpp"

namespace saccade {
namespace {

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

[[noreturn]] void fail(const char* fn, const std::string& what) {
  throw std::invalid_argument(std::string(fn) + ": " + what);
}

// Large enough that exp(fill - max) underflows to exactly 0 next to any real score, finite so that a
// row with every key masked stays finite (softmax of all -inf would be NaN).
constexpr float kMaskedScore = -1e9f;

}  // namespace

Var masked_softmax(const Var& scores, const Array* key_mask) {
  if (!key_mask) return softmax(scores);
  const Shape s = scores.shape();
  const auto& m = key_mask->shape();
  if (s.size() < 2 || key_mask->dimension() != 2 || m[0] != s.front() || m[1] != s.back()) {
    fail("masked_softmax", "key_mask " + shape_str(Shape(m.begin(), m.end())) + " does not fit scores " +
                               shape_str(s) + " (expected [B, Tk] for scores [B, ..., Tk])");
  }
  // The mask as [B, 1, ..., 1, Tk], broadcasting over the query axes of the scores.
  Shape bshape(s.size(), 1);
  bshape.front() = s.front();
  bshape.back() = s.back();
  Array keep = xt::where(xt::not_equal(*key_mask, 0.0f), 1.0f, 0.0f);
  keep.reshape(bshape);
  Array ignore = 1.0f - keep;
  Var w = softmax(masked_fill(scores, ignore, kMaskedScore));
  // Where at least one key is kept this changes nothing (masked weights are already exactly 0); where
  // none is, softmax gave a uniform row over padding, which this zeroes.
  return w * Var(std::move(keep));
}

Var scaled_dot_product_attention(const Var& q, const Var& k, const Var& v, const Array* key_mask, Var* weights) {
  if (q.dim() != 3 || k.dim() != 3 || v.dim() != 3) {
    fail("scaled_dot_product_attention", "q, k, v must be rank 3, got " + shape_str(q.shape()) + ", " +
                                             shape_str(k.shape()) + ", " + shape_str(v.shape()));
  }
  if (k.shape(0) != q.shape(0) || v.shape(0) != q.shape(0) || k.shape(2) != q.shape(2) ||
      v.shape(1) != k.shape(1)) {
    fail("scaled_dot_product_attention", "shapes q " + shape_str(q.shape()) + ", k " + shape_str(k.shape()) +
                                             ", v " + shape_str(v.shape()) +
                                             " do not fit [B, Tq, D], [B, Tk, D], [B, Tk, Dv]");
  }
  // Scaling Q rather than the scores costs Tq*D multiplies instead of Tq*Tk (pooling has Tq = 1).
  const float scale = 1.0f / std::sqrt(static_cast<float>(q.shape(2)));
  Var scores = matmul(q * scale, k, /*transpose_b=*/true);  // [B, Tq, Tk]
  Var w = masked_softmax(scores, key_mask);
  if (weights) *weights = w;
  return matmul(w, v);  // [B, Tq, Dv]
}

}  // namespace saccade
