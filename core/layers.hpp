// Standard layers built from the ops in core/ops.hpp, so their gradients come from the autograd.
//
// Weight layout differs from PyTorch on purpose: a Linear weight is [in, out] (PyTorch: [out, in]) so
// that forward is one row-major matmul x @ W without a transpose. Initialisation follows PyTorch's
// defaults, drawn from the Rng passed to the constructor, so a seed fixes every weight.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/module.hpp"
#include "core/random.hpp"

namespace saccade {

// Sparse input rows, each K (feature, weight) pairs over `in` features: a bag of hashed tokens with
// their weights, as a text chunk's preview holds it. Stored in a float array [N, 2K] as K feature ids
// then K weights; an empty slot has weight 0 (its id does not matter). bag_rows() splits and checks it.
struct BagRows {
  std::vector<int> index;  // [N * K] feature ids in [0, in)
  Array weight;            // [N, K]
};
BagRows bag_rows(const Array& rows, std::size_t features);

// y = x @ W + b. x: [..., in] -> [..., out]. W, b ~ U(-1/sqrt(in), 1/sqrt(in)).
class Linear : public Module {
 public:
  Linear() = default;
  Linear(std::size_t in, std::size_t out, Rng& rng, bool bias = true);
  Var forward(const Var& x) const;
  Var operator()(const Var& x) const { return forward(x); }
  // The same map on sparse rows [N] -> [N, out]: sum_k w_k W[id_k] + b, 2 K out FLOPs a row instead of
  // 2 in out, equal to forward() on the dense rows the bag stands for.
  Var forward(const BagRows& x) const;
  Var operator()(const BagRows& x) const { return forward(x); }

  const Var& weight() const { return weight_; }  // [in, out]
  const Var& bias() const { return bias_; }      // [out]; undefined without bias
  std::size_t in_features() const { return in_; }
  std::size_t out_features() const { return out_; }

 private:
  std::size_t in_ = 0, out_ = 0;
  Var weight_, bias_;
};

// y = conv2d(x, W, b, padding) (core/ops.hpp): x [B, in, H, W] -> [B, out, H + 2p - k + 1, W + 2p - k + 1].
// W [out, in, k, k] (PyTorch's layout), W, b ~ U(-1/sqrt(in k k), 1/sqrt(in k k)) as PyTorch's Conv2d.
class Conv2d : public Module {
 public:
  Conv2d() = default;
  Conv2d(std::size_t in, std::size_t out, std::size_t kernel, std::size_t padding, Rng& rng);
  Var forward(const Var& x) const;
  Var operator()(const Var& x) const { return forward(x); }

  const Var& weight() const { return weight_; }  // [out, in, k, k]
  const Var& bias() const { return bias_; }      // [out]
  std::size_t in_channels() const { return in_; }
  std::size_t out_channels() const { return out_; }
  std::size_t kernel() const { return kernel_; }
  std::size_t padding() const { return padding_; }

 private:
  std::size_t in_ = 0, out_ = 0, kernel_ = 1, padding_ = 0;
  Var weight_, bias_;
};

// A table of `num` vectors of size `dim`, initialised N(0, 1). forward(ids) -> [ids.size(), dim].
class Embedding : public Module {
 public:
  Embedding() = default;
  Embedding(std::size_t num, std::size_t dim, Rng& rng);
  Var forward(const std::vector<int>& ids) const;
  Var operator()(const std::vector<int>& ids) const { return forward(ids); }

  const Var& weight() const { return weight_; }  // [num, dim]
  std::size_t num_embeddings() const { return num_; }
  std::size_t embedding_dim() const { return dim_; }

 private:
  std::size_t num_ = 0, dim_ = 0;
  Var weight_;
};

enum class Activation { relu, tanh };
// "relu" or "tanh" (as written in configs); anything else throws naming the value.
Activation activation_from_string(const std::string& name);
Var apply_activation(Activation a, const Var& x);

// Linear layers of sizes[0] -> sizes[1] -> ... -> sizes.back(), `activation` between them and none
// after the last, so the output can be logits. Parameters are "layers.<i>.weight" / ".bias".
class MLP : public Module {
 public:
  MLP() = default;
  MLP(const std::vector<std::size_t>& sizes, Rng& rng, Activation activation = Activation::relu);
  Var forward(const Var& x) const;
  Var operator()(const Var& x) const { return forward(x); }
  Var forward(const BagRows& x) const;  // the first layer on sparse rows (Linear::forward(BagRows))
  Var operator()(const BagRows& x) const { return forward(x); }

  const std::vector<Linear>& layers() const { return layers_; }

 private:
  std::vector<Linear> layers_;
  Activation activation_ = Activation::relu;
};

// Normalises the last axis: (x - mean) / sqrt(var + eps) * gamma + beta; gamma = 1, beta = 0 at start.
class LayerNorm : public Module {
 public:
  LayerNorm() = default;
  explicit LayerNorm(std::size_t dim, float eps = 1e-5f);
  Var forward(const Var& x) const;
  Var operator()(const Var& x) const { return forward(x); }

  const Var& gamma() const { return gamma_; }
  const Var& beta() const { return beta_; }

 private:
  float eps_ = 1e-5f;
  Var gamma_, beta_;
};

// PyTorch's GRUCell:
//   r  = sigmoid(x W_ir + b_ir + h W_hr + b_hr)
//   z  = sigmoid(x W_iz + b_iz + h W_hz + b_hz)
//   n  = tanh(x W_in + b_in + r * (h W_hn + b_hn))
//   h' = (1 - z) * n + z * h
// The three gates are stacked along the output axis in the order (r, z, n):
// weight_ih [in, 3H], weight_hh [H, 3H], bias_ih [3H], bias_hh [3H], all ~ U(-1/sqrt(H), 1/sqrt(H)).
// forward(x [B, in], h [B, H]) -> h' [B, H].
class GRUCell : public Module {
 public:
  GRUCell() = default;
  GRUCell(std::size_t input, std::size_t hidden, Rng& rng);
  Var forward(const Var& x, const Var& h) const;
  Var operator()(const Var& x, const Var& h) const { return forward(x, h); }

  std::size_t input_size() const { return input_; }
  std::size_t hidden_size() const { return hidden_; }
  const Var& weight_ih() const { return w_ih_; }
  const Var& weight_hh() const { return w_hh_; }
  const Var& bias_ih() const { return b_ih_; }
  const Var& bias_hh() const { return b_hh_; }

 private:
  std::size_t input_ = 0, hidden_ = 0;
  Var w_ih_, w_hh_, b_ih_, b_hh_;
};

}  // namespace saccade
