#include "core/layers.hpp"

#include <cmath>
#include <stdexcept>

#include "core/ops.hpp"

namespace saccade {
namespace {

// PyTorch's default bound for a layer reading `fan_in` inputs: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
float fan_in_bound(std::size_t fan_in) { return 1.0f / std::sqrt(static_cast<float>(fan_in)); }

void require_positive(std::size_t n, const char* what) {
  if (n == 0) throw std::invalid_argument(std::string(what) + " must be positive");
}

}  // namespace

// ---- Linear ----

Linear::Linear(std::size_t in, std::size_t out, Rng& rng, bool bias) : in_(in), out_(out) {
  require_positive(in, "Linear: in_features");
  require_positive(out, "Linear: out_features");
  const float k = fan_in_bound(in);
  weight_ = register_parameter("weight", rng.uniform_array({in, out}, -k, k));
  if (bias) bias_ = register_parameter("bias", rng.uniform_array({out}, -k, k));
}

Var Linear::forward(const Var& x) const {
  if (x.dim() == 0 || x.shape(x.dim() - 1) != in_) {
    throw std::invalid_argument("Linear: input's last axis must be " + std::to_string(in_));
  }
  // matmul wants [..., M, K]; a single vector is a batch of one row.
  const bool vector = x.dim() == 1;
  const Var rows = vector ? reshape(x, {1, in_}) : x;
  Var y = bias_.defined() ? affine(rows, weight_, bias_) : matmul(rows, weight_);
  return vector ? reshape(y, {out_}) : y;
}

// ---- Conv2d ----

Conv2d::Conv2d(std::size_t in, std::size_t out, std::size_t kernel, std::size_t padding, Rng& rng)
    : in_(in), out_(out), kernel_(kernel), padding_(padding) {
  require_positive(in, "Conv2d: in_channels");
  require_positive(out, "Conv2d: out_channels");
  require_positive(kernel, "Conv2d: kernel");
  const float k = fan_in_bound(in * kernel * kernel);
  weight_ = register_parameter("weight", rng.uniform_array({out, in, kernel, kernel}, -k, k));
  bias_ = register_parameter("bias", rng.uniform_array({out}, -k, k));
}

Var Conv2d::forward(const Var& x) const {
  if (x.dim() != 4 || x.shape(1) != in_) {
    throw std::invalid_argument("Conv2d: input must be [B, " + std::to_string(in_) + ", H, W]");
  }
  return conv2d(x, weight_, bias_, padding_);
}

BagRows bag_rows(const Array& rows, std::size_t features) {
  const std::size_t width = rows.dimension() == 0 ? 0 : rows.shape()[rows.dimension() - 1];
  if (width == 0 || width % 2 != 0) {
    throw std::invalid_argument("bag_rows: rows must be [..., 2K] (K feature ids, then K weights), got a last axis of " +
                                std::to_string(width));
  }
  const std::size_t k = width / 2, n = rows.size() / width;
  BagRows bag;
  bag.index.resize(n * k);
  bag.weight = Array::from_shape({n, k});
  const float* p = rows.data();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      const float id = p[i * width + j], w = p[i * width + k + j];
      if (!(id >= 0.0f && id < static_cast<float>(features) && id == std::floor(id))) {
        throw std::invalid_argument("bag_rows: row " + std::to_string(i) + ", slot " + std::to_string(j) + ": feature " +
                                    std::to_string(id) + " is not an integer in [0, " + std::to_string(features) + ")");
      }
      bag.index[i * k + j] = static_cast<int>(id);
      bag.weight(i, j) = w;
    }
  }
  return bag;
}

Var Linear::forward(const BagRows& x) const {
  Var y = bag_sum(weight_, x.index, x.weight);  // each row's weights times the weight rows of its features
  if (bias_.defined()) y = y + bias_;
  return y;
}

// ---- Embedding ----

Embedding::Embedding(std::size_t num, std::size_t dim, Rng& rng) : num_(num), dim_(dim) {
  require_positive(num, "Embedding: num_embeddings");
  require_positive(dim, "Embedding: embedding_dim");
  weight_ = register_parameter("weight", rng.normal_array({num, dim}, 0.0f, 1.0f));
}

Var Embedding::forward(const std::vector<int>& ids) const {
  for (int id : ids) {
    if (id < 0 || static_cast<std::size_t>(id) >= num_) {
      throw std::out_of_range("Embedding: id " + std::to_string(id) + " outside [0, " + std::to_string(num_) + ")");
    }
  }
  return gather_rows(weight_, ids);
}

// ---- MLP ----

Activation activation_from_string(const std::string& name) {
  if (name == "relu") return Activation::relu;
  if (name == "tanh") return Activation::tanh;
  throw std::invalid_argument("unknown activation '" + name + "' (expected relu or tanh)");
}

Var apply_activation(Activation a, const Var& x) {
  switch (a) {
    case Activation::relu: return relu(x);
    case Activation::tanh: return tanh(x);
  }
  throw std::logic_error("apply_activation: bad enum value");
}

MLP::MLP(const std::vector<std::size_t>& sizes, Rng& rng, Activation activation) : activation_(activation) {
  if (sizes.size() < 2) throw std::invalid_argument("MLP: needs at least an input and an output size");
  layers_.reserve(sizes.size() - 1);
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    layers_.emplace_back(sizes[i], sizes[i + 1], rng);
    register_module("layers." + std::to_string(i), layers_.back());
  }
}

Var MLP::forward(const Var& x) const {
  Var h = x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    h = layers_[i](h);
    if (i + 1 < layers_.size()) h = apply_activation(activation_, h);
  }
  return h;
}

Var MLP::forward(const BagRows& x) const {
  Var h = layers_.front()(x);
  for (std::size_t i = 1; i < layers_.size(); ++i) h = layers_[i](apply_activation(activation_, h));
  return h;
}

// ---- LayerNorm ----

LayerNorm::LayerNorm(std::size_t dim, float eps) : eps_(eps) {
  require_positive(dim, "LayerNorm: dim");
  gamma_ = register_parameter("gamma", xt::ones<float>({dim}));
  beta_ = register_parameter("beta", xt::zeros<float>({dim}));
}

Var LayerNorm::forward(const Var& x) const { return layer_norm(x, gamma_, beta_, eps_); }

// ---- GRUCell ----

GRUCell::GRUCell(std::size_t input, std::size_t hidden, Rng& rng) : input_(input), hidden_(hidden) {
  require_positive(input, "GRUCell: input_size");
  require_positive(hidden, "GRUCell: hidden_size");
  const float k = fan_in_bound(hidden);  // PyTorch bounds every GRU tensor by the hidden size
  w_ih_ = register_parameter("weight_ih", rng.uniform_array({input, 3 * hidden}, -k, k));
  w_hh_ = register_parameter("weight_hh", rng.uniform_array({hidden, 3 * hidden}, -k, k));
  b_ih_ = register_parameter("bias_ih", rng.uniform_array({3 * hidden}, -k, k));
  b_hh_ = register_parameter("bias_hh", rng.uniform_array({3 * hidden}, -k, k));
}

Var GRUCell::forward(const Var& x, const Var& h) const {
  if (x.dim() != 2 || x.shape(1) != input_ || h.dim() != 2 || h.shape(1) != hidden_ || x.shape(0) != h.shape(0)) {
    throw std::invalid_argument("GRUCell: expected x [B, " + std::to_string(input_) + "] and h [B, " +
                                std::to_string(hidden_) + "]");
  }
  const std::size_t H = hidden_;
  const Var gi = matmul(x, w_ih_) + b_ih_;  // [B, 3H]: input contributions to r, z, n
  const Var gh = matmul(h, w_hh_) + b_hh_;  // [B, 3H]: hidden contributions to r, z, n
  const Var r = sigmoid(slice(gi, 1, 0, H) + slice(gh, 1, 0, H));
  const Var z = sigmoid(slice(gi, 1, H, 2 * H) + slice(gh, 1, H, 2 * H));
  // The reset gate scales the hidden contribution *including* its bias, as in PyTorch (b_hn inside r*).
  const Var n = tanh(slice(gi, 1, 2 * H, 3 * H) + r * slice(gh, 1, 2 * H, 3 * H));
  return n + z * (h - n);  // = (1 - z) * n + z * h, written as PyTorch computes it
}

}  // namespace saccade
