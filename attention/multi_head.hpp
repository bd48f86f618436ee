// Multi-head attention (Vaswani et al. 2017): project queries, keys and values with Linear layers, split
// the features into `heads` groups of d_model / heads, run scaled dot-product attention in each group,
// concatenate the groups and project back:
//   out = concat_h(SDPA(query W_q^h, keys W_k^h, values W_v^h)) W_o
// All heads, queries and keys go through one fused op (attention/query_attention.hpp): the same numbers as
// a scaled dot-product attention per head (attention/scaled_dot_product.hpp), without splitting and
// merging the heads.
#pragma once

#include <cstddef>

#include "core/layers.hpp"
#include "core/module.hpp"
#include "core/random.hpp"

namespace saccade {

class MultiHeadAttention : public Module {
 public:
  MultiHeadAttention() = default;
  // d_model % heads must be 0. Parameters: q_proj, k_proj, v_proj, out_proj (each .weight, .bias).
  MultiHeadAttention(std::size_t d_model, std::size_t heads, Rng& rng);

  // query [B, Tq, d], keys [B, Tk, d], values [B, Tk, d], key_mask [B, Tk] (non-zero = attend;
  // see attention/scaled_dot_product.hpp) -> [B, Tq, d]. Records the weights for last_weights().
  Var forward(const Var& query, const Var& keys, const Var& values, const Array* key_mask = nullptr) const;
  Var operator()(const Var& query, const Var& keys, const Var& values, const Array* key_mask = nullptr) const {
    return forward(query, keys, values, key_mask);
  }

  // forward() with keys and values already through k_proj and v_proj ([B, Tk, d] each): a reader that
  // keeps a growing set projects each item once, when it arrives, instead of the whole set per query.
  Var attend_projected(const Var& query, const Var& projected_keys, const Var& projected_values,
                       const Array* key_mask = nullptr) const;

  // The attention weights of the most recent forward, for traces and plots (values, not on the tape):
  // per head [B, H, Tq, Tk], or averaged over heads [B, Tq, Tk]. Rank 0 before the first forward.
  // This cache is the one piece of mutable state: do not share one module across threads.
  const Array& last_weights_per_head() const { return last_weights_; }
  Array last_weights() const;

  std::size_t d_model() const { return d_model_; }
  std::size_t heads() const { return heads_; }
  const Linear& q_proj() const { return q_proj_; }
  const Linear& k_proj() const { return k_proj_; }
  const Linear& v_proj() const { return v_proj_; }
  const Linear& out_proj() const { return out_proj_; }

 private:
  std::size_t d_model_ = 0, heads_ = 0;
  Linear q_proj_, k_proj_, v_proj_, out_proj_;
  mutable Array last_weights_;
};

}  // namespace saccade
