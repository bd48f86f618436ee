#include "attention/multi_head.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <xtensor/xmath.hpp>

#include "attention/query_attention.hpp"
#include "core/ops.hpp"

namespace saccade {

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
  const std::size_t b = query.shape(0), tk = projected_keys.shape(1);
  if (key_mask && (key_mask->dimension() != 2 || key_mask->shape()[0] != b || key_mask->shape()[1] != tk)) {
    throw std::invalid_argument("MultiHeadAttention: key_mask must be [B, Tk] = [" + std::to_string(b) + ", " +
                                std::to_string(tk) + "]");
  }
  // Every head, query and key in one fused op (attention/query_attention.hpp), which keeps the
  // weights as [B, H, Tq, Tk].
  const Var out = multi_head_attend(q_proj_(query), projected_keys, projected_values, heads_, key_mask, &last_weights_);
  return out_proj_(out);
}

Array MultiHeadAttention::last_weights() const {
  if (last_weights_.dimension() != 4) return Array();
  return xt::mean(last_weights_, {1});
}

}  // namespace saccade
