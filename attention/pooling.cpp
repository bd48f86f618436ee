#include "attention/pooling.hpp"

#include <stdexcept>
#include <string>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>

#include "attention/query_attention.hpp"
#include "attention/scaled_dot_product.hpp"
#include "core/ops.hpp"

namespace saccade {
namespace {

void require_set(const Var& x, std::size_t d, const char* who) {
  if (x.dim() != 3 || x.shape(2) != d) {
    throw std::invalid_argument(std::string(who) + ": input must be [B, T, " + std::to_string(d) + "]");
  }
}

}  // namespace

// ---- AttentionPooling ----

AttentionPooling::AttentionPooling(std::size_t d_model, std::size_t heads, Rng& rng) {
  // The seed is initialised like an input token (N(0, 1), as Embedding does), so its projection starts
  // on the same scale as the keys'.
  query_ = register_parameter("query", rng.normal_array({1, 1, d_model}, 0.0f, 1.0f));
  attention_ = MultiHeadAttention(d_model, heads, rng);
  register_module("attention", attention_);
}

Var AttentionPooling::forward(const Var& x, const Array* mask) const {
  require_set(x, attention_.d_model(), "AttentionPooling");
  return forward_projected(attention_.k_proj()(x), attention_.v_proj()(x), mask);
}

Var AttentionPooling::forward_projected(const Var& keys, const Var& values, const Array* mask) const {
  const std::size_t d = attention_.d_model();
  require_set(keys, d, "AttentionPooling");
  require_set(values, d, "AttentionPooling");
  // The seed's projection is the same for every example: made once [1, d] and shared by all of them
  // (query_attention's backward sums the examples' gradients into it).
  const Var q = attention_.q_proj()(reshape(query_, {1, d}));
  return attention_.out_proj()(query_attention(q, keys, values, attention_.heads(), mask, &last_weights_));
}

Array AttentionPooling::last_weights_per_head() const { return last_weights_; }

Array AttentionPooling::last_weights() const {
  if (last_weights_.dimension() != 3) return Array();
  return xt::mean(last_weights_, {1});
}

// ---- AdditivePooling ----

AdditivePooling::AdditivePooling(std::size_t d_model, std::size_t hidden, Rng& rng) {
  proj_ = Linear(d_model, hidden, rng);
  // No bias on the score: softmax over t ignores a constant added to every score.
  score_ = Linear(hidden, 1, rng, /*bias=*/false);
  register_module("proj", proj_);
  register_module("score", score_);
}

Var AdditivePooling::forward(const Var& x, const Array* mask) const {
  const std::size_t d = proj_.in_features();
  require_set(x, d, "AdditivePooling");
  const std::size_t b = x.shape(0), t = x.shape(1);
  Var scores = reshape(score_(tanh(proj_(x))), {b, t});
  Var w = masked_softmax(scores, mask);  // [B, T]
  last_weights_ = w.value();
  // The weighted sum as one batched matmul: [B, 1, T] x [B, T, d] -> [B, 1, d].
  return reshape(matmul(reshape(w, {b, 1, t}), x), {b, d});
}

}  // namespace saccade
