#include "attention/multi_head.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <xtensor/xmath.hpp>

#include "attention/scaled_dot_product.hpp"
#include "core/ops.hpp"

namespace saccade {
namespace {

// [B, T, H*dh] -> [H*B, T, dh], head-major, so every head runs in the same batched matmul.
// Slices and a concat because core has no general permute (a reshape to [B, T, H, dh] plus a swap of
// axes 1 and 2 would do it in one copy instead of two).
Var split_heads(const Var& x, std::size_t heads) {
  if (heads == 1) return x;
  const std::size_t dh = x.shape(2) / heads;
  std::vector<Var> parts;
  for (std::size_t h = 0; h < heads; ++h) parts.push_back(slice(x, 2, h * dh, (h + 1) * dh));
  return concat(parts, 0);
}

// The inverse: [H*B, T, dh] -> [B, T, H*dh].
Var merge_heads(const Var& x, std::size_t heads) {
  if (heads == 1) return x;
  const std::size_t b = x.shape(0) / heads;
  std::vector<Var> parts;
  for (std::size_t h = 0; h < heads; ++h) parts.push_back(slice(x, 0, h * b, (h + 1) * b));
  return concat(parts, 2);
}

// The key mask [B, Tk] repeated for each head, in split_heads' order: [H*B, Tk].
Array tile_mask(const Array& mask, std::size_t heads) {
  Array out = Array::from_shape({heads * mask.shape()[0], mask.shape()[1]});
  for (std::size_t h = 0; h < heads; ++h) std::copy(mask.begin(), mask.end(), out.begin() + h * mask.size());
  return out;
}

}  // namespace

MultiHeadAttention::MultiHeadAttention(std::size_t d_model, std::size_t heads, Rng& rng)
    : d_model_(d_model), heads_(heads) {
  if (heads == 0 || d_model == 0 || d_model % heads != 0) {
    throw std::invalid_argument("MultiHeadAttention: d_model (" + std::to_string(d_model) +
                                ") must be a positive multiple of heads (" + std::to_string(heads) + ")");
  }
  q_proj_ = Linear(d_model, d_model, rng);
  k_proj_ = Linear(d_model, d_model, rng);
  v_proj_ = Linear(d_model, d_model, rng);
  out_proj_ = Linear(d_model, d_model, rng);
  register_module("q_proj", q_proj_);
  register_module("k_proj", k_proj_);
  register_module("v_proj", v_proj_);
  register_module("out_proj", out_proj_);
}

Var MultiHeadAttention::forward(const Var& query, const Var& keys, const Var& values, const Array* key_mask) const {
  // The projections keep the rank, so attend_projected's check covers keys and values too.
  return attend_projected(query, k_proj_(keys), v_proj_(values), key_mask);
}

Var MultiHeadAttention::attend_projected(const Var& query, const Var& projected_keys, const Var& projected_values,
                                         const Array* key_mask) const {
  if (query.dim() != 3 || projected_keys.dim() != 3 || projected_values.dim() != 3) {
    throw std::invalid_argument("MultiHeadAttention: query, keys and values must be [B, T, d_model]");
  }
  const std::size_t b = query.shape(0), tq = query.shape(1), tk = projected_keys.shape(1);
  Var q = split_heads(q_proj_(query), heads_);
  Var k = split_heads(projected_keys, heads_);
  Var v = split_heads(projected_values, heads_);
  Array tiled;
  const Array* mask = key_mask;
  if (key_mask && heads_ > 1) {
    if (key_mask->dimension() != 2 || key_mask->shape()[0] != b || key_mask->shape()[1] != tk) {
      throw std::invalid_argument("MultiHeadAttention: key_mask must be [B, Tk] = [" + std::to_string(b) + ", " +
                                  std::to_string(tk) + "]");
    }
    tiled = tile_mask(*key_mask, heads_);
    mask = &tiled;
  }
  Var w;
  Var out = merge_heads(scaled_dot_product_attention(q, k, v, mask, &w), heads_);

  // Keep the weights as [B, H, Tq, Tk] (from head-major [H*B, Tq, Tk]): a copy, off the tape.
  const std::size_t block = tq * tk;
  last_weights_ = Array::from_shape({b, heads_, tq, tk});
  for (std::size_t h = 0; h < heads_; ++h) {
    for (std::size_t i = 0; i < b; ++i) {
      std::copy_n(w.data() + (h * b + i) * block, block, last_weights_.data() + (i * heads_ + h) * block);
    }
  }
  return out_proj_(out);
}

Array MultiHeadAttention::last_weights() const {
  if (last_weights_.dimension() != 4) return Array();
  return xt::mean(last_weights_, {1});
}

}  // namespace saccade
