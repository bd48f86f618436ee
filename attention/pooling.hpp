// Attention pooling: a set of T vectors [B, T, d] (with a mask [B, T] for padding or unread regions)
// summarised as one vector [B, d] per example by a weighted sum whose weights the model learns.
// Both poolings treat the set as a set: permuting the T positions (and the mask) leaves the output
// unchanged. Both expose their weights over the T positions of the last forward, for traces and plots.
//
// An example whose positions are all masked attends to nothing: its weights are all 0 and it pools to
// a constant (zeros for AdditivePooling, out_proj's bias for AttentionPooling), never NaN.
#pragma once

#include <cstddef>

#include "attention/multi_head.hpp"
#include "core/layers.hpp"
#include "core/module.hpp"
#include "core/random.hpp"

namespace saccade {

// Multi-head attention from one learned query to the set: Set Transformer's PMA with k = 1 seed
// (Lee et al. 2019), without the MAB's residual, LayerNorm and feed-forward, which a reader adds if it
// wants them. Parameters: query [1, 1, d], attention.{q,k,v,out}_proj.
class AttentionPooling : public Module {
 public:
  AttentionPooling() = default;
  AttentionPooling(std::size_t d_model, std::size_t heads, Rng& rng);

  // x [B, T, d], mask [B, T] (non-zero = attend) -> [B, d].
  Var forward(const Var& x, const Array* mask = nullptr) const;
  Var operator()(const Var& x, const Array* mask = nullptr) const { return forward(x, mask); }

  // The same pooling over a set whose keys and values are already projected (attention().k_proj()
  // and v_proj() of x, [B, T, d] each), for a set that grows one item at a time.
  Var forward_projected(const Var& keys, const Var& values, const Array* mask = nullptr) const;

  // Weights of the last forward: averaged over heads [B, T], or per head [B, H, T].
  Array last_weights() const;
  Array last_weights_per_head() const;

  const Var& query() const { return query_; }
  const MultiHeadAttention& attention() const { return attention_; }

 private:
  Var query_;
  MultiHeadAttention attention_;
  mutable Array last_weights_;  // [B, H, T] of the last forward; do not share across threads
};

// Bahdanau-style additive scoring (Bahdanau et al. 2015; the attention of HAN readers):
//   score_t = w^T tanh(W x_t + b),  a = softmax_t(score, mask),  out = sum_t a_t x_t.
// Parameters: proj.weight [d, hidden], proj.bias [hidden], score.weight [hidden, 1].
class AdditivePooling : public Module {
 public:
  AdditivePooling() = default;
  AdditivePooling(std::size_t d_model, std::size_t hidden, Rng& rng);

  // x [B, T, d], mask [B, T] (non-zero = attend) -> [B, d].
  Var forward(const Var& x, const Array* mask = nullptr) const;
  Var operator()(const Var& x, const Array* mask = nullptr) const { return forward(x, mask); }

  // Weights of the last forward [B, T] (a copy, off the tape). Rank 0 before the first forward.
  const Array& last_weights() const { return last_weights_; }

  const Linear& proj() const { return proj_; }
  const Linear& score() const { return score_; }

 private:
  Linear proj_, score_;
  mutable Array last_weights_;  // the one piece of mutable state: do not share across threads
};

}  // namespace saccade
