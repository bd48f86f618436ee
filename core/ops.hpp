// The differentiable ops. Each is defined, forward next to backward, in one of:
//   ops_elementwise.cpp  add sub mul div (numpy broadcasting), scalar forms, relu tanh sigmoid exp log
//   ops_matmul.cpp       matmul and affine (x W + b) through cblas_sgemm
//   ops_reduce.cpp       sum, mean (all or one axis)
//   ops_shape.cpp        reshape, concat, slice, gather_rows, scatter_rows, take_last, masked_fill,
//                        transpose_last
//   ops_normalize.cpp    softmax, log_softmax, layer_norm
//   ops_losses.cpp       cross_entropy, mse, gaussian/categorical/bernoulli log-probabilities, entropies
//   ops_conv.cpp         conv2d (im2col + one sgemm per batch), max_pool2d
//   ops_dropout.cpp      dropout (inverted) and its mask
// Every op has a finite-difference gradient check in tests/cpp/core/test_ops_grad.cpp (the convolution's
// and the pooling's: tests/cpp/core/test_conv_grad.cpp).
#pragma once

#include <vector>

#include "core/autograd.hpp"

namespace saccade {

class Rng;

// ---- elementwise, broadcasting like numpy (e.g. [B,D] + [D], [B,T,D] * [B,T,1]) ----
Var add(const Var& a, const Var& b);
Var sub(const Var& a, const Var& b);
Var mul(const Var& a, const Var& b);
Var div(const Var& a, const Var& b);
Var add(const Var& a, float s);
Var mul(const Var& a, float s);
Var neg(const Var& a);
Var relu(const Var& a);
Var tanh(const Var& a);
Var sigmoid(const Var& a);
Var exp(const Var& a);
Var log(const Var& a);  // natural log; inputs must be > 0

inline Var operator+(const Var& a, const Var& b) { return add(a, b); }
inline Var operator-(const Var& a, const Var& b) { return sub(a, b); }
inline Var operator*(const Var& a, const Var& b) { return mul(a, b); }
inline Var operator/(const Var& a, const Var& b) { return div(a, b); }
inline Var operator+(const Var& a, float s) { return add(a, s); }
inline Var operator+(float s, const Var& a) { return add(a, s); }
inline Var operator-(const Var& a, float s) { return add(a, -s); }
inline Var operator-(float s, const Var& a) { return add(neg(a), s); }
inline Var operator*(const Var& a, float s) { return mul(a, s); }
inline Var operator*(float s, const Var& a) { return mul(a, s); }
inline Var operator/(const Var& a, float s) { return mul(a, 1.0f / s); }
inline Var operator-(const Var& a) { return neg(a); }

// ---- matrix products (cblas_sgemm on contiguous row-major buffers) ----
// a: [..., M, K], b: [K, N] (or [N, K] with transpose_b) -> [..., M, N]; leading axes of a are rows.
// a: [B, M, K], b: [B, K, N] (or [B, N, K] with transpose_b) -> [B, M, N]: a batch of products.
Var matmul(const Var& a, const Var& b, bool transpose_b = false);
// x [..., K] W [K, N] + b [N]: matmul and the bias in one op (Linear's forward); and
// sum_i x_i W_i + b, several products into one output (all x_i with the same rows).
Var affine(const Var& x, const Var& w, const Var& b);
Var affine(const std::vector<std::pair<Var, Var>>& terms, const Var& b);

// ---- images, NCHW ----
// x [B, C, H, W] convolved with w [O, C, kh, kw] (cross-correlation, as in PyTorch), stride 1, `padding`
// zeros on each side, plus b [O] (b may be an undefined Var: no bias) -> [B, O, H + 2p - kh + 1, W + 2p - kw + 1].
Var conv2d(const Var& x, const Var& w, const Var& b, std::size_t padding = 0);
// The maximum of each k x k window, stride k: [B, C, H, W] -> [B, C, H / k, W / k] (rows and columns
// that do not fill a window are dropped). The gradient goes to the first maximum of each window.
Var max_pool2d(const Var& x, std::size_t k);

// ---- reductions ----
Var sum(const Var& a);                                   // all elements -> scalar (shape {})
Var sum(const Var& a, int axis, bool keepdims = false);  // negative axis counts from the end
Var mean(const Var& a);
Var mean(const Var& a, int axis, bool keepdims = false);

// ---- shape ----
Var reshape(const Var& a, const Shape& shape);
Var concat(const std::vector<Var>& parts, int axis);
Var slice(const Var& a, int axis, std::size_t begin, std::size_t end);  // [begin, end) along axis
// rows[i] = table[index[i]]: table [V, ...] -> [n, ...] (embeddings; repeated indices add gradients).
Var gather_rows(const Var& table, const std::vector<int>& index);
// The same on a plain array, off the tape (e.g. the rows of a batch still being read).
Array gather_rows(const Array& table, const std::vector<int>& index);
// out row i = sum_t tables[t][index[t][i]], laid out as `shape` (n * w elements): tables [V_t, w], each
// index of n ids. Several embeddings of the same tokens summed (token, kind, position) in one op,
// without the gathered copies, their adds and a reshape.
Var gather_sum(const std::vector<Var>& tables, const std::vector<std::vector<int>>& index, const Shape& shape);
// out[i] = sum_j weight[i, j] * table[index[i * K + j]]: table [V, d], weight [N, K] (a constant, off
// the tape) -> [N, d]. A sparse row times a matrix (an embedding bag) without the [N, K, d] gather.
Var bag_sum(const Var& table, const std::vector<int>& index, const Array& weight);
// out = base with out[index[i]] = rows[i]: base [N, ...], rows [n, ...], distinct indices. The inverse
// of gather_rows, used to update only the examples still active in a batch.
Var scatter_rows(const Var& base, const std::vector<int>& index, const Var& rows);
// The same into zeros of `shape`, seen as rows of rows' width (e.g. [B, S, w] as B * S rows of w), so
// a set of rows lands in a larger layout in one copy, without a zero base to copy or a reshape.
Var scatter_rows(const Shape& shape, const std::vector<int>& index, const Var& rows);
// out[i] = a[i, index[i]]: a [N, C] -> [N] (the chosen entry of each row).
Var take_last(const Var& a, const std::vector<int>& index);
// out = mask ? value : a, with mask (same shape as a, or broadcastable to it) non-zero where filled.
// No gradient flows to filled entries.
Var masked_fill(const Var& a, const Array& mask, float value);
// Swaps the last two axes: [..., M, N] -> [..., N, M].
Var transpose_last(const Var& a);

// ---- normalisation over the last axis ----
Var softmax(const Var& a);      // numerically stable (max subtracted)
Var log_softmax(const Var& a);  // numerically stable (log-sum-exp)
// (x - mean) / sqrt(var + eps) * gamma + beta, statistics over the last axis; gamma, beta: [D].
Var layer_norm(const Var& x, const Var& gamma, const Var& beta, float eps = 1e-5f);

// ---- losses and log-probabilities ----
// Mean over the batch of -log softmax(logits)[label]: logits [N, C], labels in [0, C).
Var cross_entropy(const Var& logits, const std::vector<int>& labels);
// Mean of (a - b)^2 over all elements.
Var mse(const Var& a, const Var& b);
// Elementwise log N(x; mean, std^2); std > 0, broadcastable against x and mean.
Var gaussian_log_prob(const Var& x, const Var& mean, const Var& std);
// log softmax(logits)[i, action[i]]: logits [N, C] -> [N].
Var categorical_log_prob(const Var& logits, const std::vector<int>& actions);
// -sum_c p log p per row: logits [N, C] -> [N].
Var categorical_entropy(const Var& logits);
// Elementwise log p(action) of Bernoulli(sigmoid(logits)), actions 0/1 of the same shape.
Var bernoulli_log_prob(const Var& logits, const Array& actions);
// Elementwise entropy of Bernoulli(sigmoid(logits)).
Var bernoulli_entropy(const Var& logits);

// ---- dropout ----
// 0/1 entries of `shape`, each 0 with probability p, from `rng` (in order, one uniform per entry).
Array dropout_mask(const Shape& shape, double p, Rng& rng);
// Inverted dropout: x * keep / (1 - p), keep as dropout_mask gives, p in [0, 1).
Var dropout(const Var& x, const Array& keep, double p);

}  // namespace saccade
