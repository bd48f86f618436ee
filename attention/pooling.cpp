#include "attention/pooling.hpp"

#include <stdexcept>
#include <string>

#include <xtensor/xbuilder.hpp>

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
  const std::size_t b = keys.shape(0);
  // One query per example: broadcasting the seed against zeros [B, 1, d] repeats it, and the add's
  // backward sums the B gradients back into the one seed.
  Var queries = Var(xt::zeros<float>({b, std::size_t{1}, d})) + query_;
  return reshape(attention_.attend_projected(queries, keys, values, mask), {b, d});
}

Array AttentionPooling::last_weights_per_head() const {
  Array w = attention_.last_weights_per_head();  // [B, H, 1, T]
  if (w.dimension() == 4) w.reshape({w.shape()[0], w.shape()[1], w.shape()[3]});
  return w;
}

Array AttentionPooling::last_weights() const {
  Array w = attention_.last_weights();  // [B, 1, T]
  if (w.dimension() == 3) w.reshape({w.shape()[0], w.shape()[2]});
  return w;
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
