// Matrix products on the tape. Both forms reduce to row-major sgemm calls on the inputs' buffers:
//   2-D weight:  a [..., M, K] x b [K, N]      -> [..., M, N]  (leading axes of a flattened into rows)
//   batched:     a [B, M, K]   x b [B, K, N]   -> [B, M, N]
// with `transpose_b` reading b as [N, K] (or [B, N, K]), so attention's Q K^T needs no copy.
// Backward: dA = dC · op(B)^T, dB = A^T · dC (or dC^T · A when b was transposed).
// affine(x, W, b) is the 2-D weight form with a bias row added by the same gemm.
#include <cstring>

#include "core/gemm.hpp"
#include "core/kernels.hpp"
#include "core/ops.hpp"
#include "core/ops_util.hpp"

namespace saccade {

namespace {

Var matmul_2d_weight(const Var& a, const Var& b, bool tb) {
  const Array& A = a.value();
  const Array& B = b.value();
  const std::size_t K = A.shape().back();
  const std::size_t M = A.size() / (K ? K : 1);
  const std::size_t N = tb ? B.shape()[0] : B.shape()[1];
  if ((tb ? B.shape()[1] : B.shape()[0]) != K) {
    detail::shape_error("matmul", "cannot multiply " + detail::shape_str(A) + " by " + detail::shape_str(B) +
                                      (tb ? " transposed" : ""));
  }
  auto out_shape = A.shape();
  out_shape.back() = N;
  Array C = Array::from_shape(out_shape);
  gemm(false, tb, M, N, K, 1.0f, A.data(), B.data(), 0.0f, C.data());
  return make_op_result(std::move(C), "matmul", {a, b}, [a, b, M, N, K, tb](Node& out) {
    const float* G = out.grad.data();
    if (a.requires_grad()) {
      Array& GA = a.node()->grad_or_zeros();  // [M, K] += G [M, N] · op(B)^T
      gemm(false, !tb, M, K, N, 1.0f, G, b.data(), 1.0f, GA.data());
    }
    if (b.requires_grad()) {
      Array& GB = b.node()->grad_or_zeros();
      if (tb) {
        gemm(true, false, N, K, M, 1.0f, G, a.data(), 1.0f, GB.data());  // [N, K] += G^T · A
      } else {
        gemm(true, false, K, N, M, 1.0f, a.data(), G, 1.0f, GB.data());  // [K, N] += A^T · G
      }
    }
  });
}

Var matmul_batched(const Var& a, const Var& b, bool tb) {
  const Array& A = a.value();
  const Array& B = b.value();
  const std::size_t batch = A.shape()[0], M = A.shape()[1], K = A.shape()[2];
  const std::size_t N = tb ? B.shape()[1] : B.shape()[2];
  if (B.shape()[0] != batch || (tb ? B.shape()[2] : B.shape()[1]) != K) {
    detail::shape_error("matmul", "cannot batch-multiply " + detail::shape_str(A) + " by " +
                                      detail::shape_str(B) + (tb ? " transposed" : ""));
  }
  Array C = Array::from_shape({batch, M, N});
  for (std::size_t i = 0; i < batch; ++i) {
    gemm(false, tb, M, N, K, 1.0f, A.data() + i * M * K, B.data() + i * K * N, 0.0f, C.data() + i * M * N);
  }
  return make_op_result(std::move(C), "matmul", {a, b}, [a, b, batch, M, N, K, tb](Node& out) {
    const float* G = out.grad.data();
    float* GA = a.requires_grad() ? a.node()->grad_or_zeros().data() : nullptr;
    float* GB = b.requires_grad() ? b.node()->grad_or_zeros().data() : nullptr;
    for (std::size_t i = 0; i < batch; ++i) {
      const float* Gi = G + i * M * N;
      const float* Ai = a.data() + i * M * K;
      const float* Bi = b.data() + i * K * N;
      if (GA) gemm(false, !tb, M, K, N, 1.0f, Gi, Bi, 1.0f, GA + i * M * K);
      if (GB && tb) gemm(true, false, N, K, M, 1.0f, Gi, Ai, 1.0f, GB + i * K * N);
      if (GB && !tb) gemm(true, false, K, N, M, 1.0f, Ai, Gi, 1.0f, GB + i * K * N);
    }
  });
}

}  // namespace

// sum_i x_i [..., K_i] W_i [K_i, N] + b [N] in one op: C starts as b in every row and each gemm adds
// its x_i W_i onto it (beta = 1), so the bias and the sum cost no extra op, array or pass (RAM's
// e = h_g W_hg + h_l W_hl + b and h = h W_hh + e W_eh + b). Backward: dx_i = G W_i^T, dW_i = x_i^T G
// (as matmul's), db = G summed over the rows.
Var affine(const std::vector<std::pair<Var, Var>>& terms, const Var& b) {
  if (terms.empty()) throw std::invalid_argument("affine: no terms");
  const std::size_t N = b.dim() == 1 ? b.shape(0) : 0;
  const Array& X0 = terms.front().first.value();
  const std::size_t M = X0.size() / (X0.shape().back() ? X0.shape().back() : 1);
  for (const auto& [x, w] : terms) {
    const Array& X = x.value();
    const Array& W = w.value();
    const std::size_t K = X.shape().back();
    if (W.dimension() != 2 || W.shape()[0] != K || W.shape()[1] != N || X.size() != M * K) {
      detail::shape_error("affine", "cannot add " + detail::shape_str(X) + " x " + detail::shape_str(W) + " to rows of " +
                                        std::to_string(M) + " x " + detail::shape_str(b.value()));
    }
  }
  auto out_shape = X0.shape();
  out_shape.back() = N;
  Array C = Array::from_shape(out_shape);
  for (std::size_t i = 0; i < M; ++i) std::memcpy(C.data() + i * N, b.data(), N * sizeof(float));
  for (const auto& [x, w] : terms) {
    gemm(false, false, M, N, x.value().shape().back(), 1.0f, x.data(), w.data(), 1.0f, C.data());
  }
  if (!grad_enabled()) {  // inference: skip building the input list and the closure
    Var out(std::move(C));
    out.node()->op = "affine";
    return out;
  }
  std::vector<Var> inputs{b};
  for (const auto& [x, w] : terms) inputs.insert(inputs.end(), {x, w});
  return make_op_result(std::move(C), "affine", inputs, [terms, b, M, N](Node& out) {
    const float* G = out.grad.data();
    for (const auto& [x, w] : terms) {
      const std::size_t K = x.value().shape().back();
      if (x.requires_grad()) gemm(false, true, M, K, N, 1.0f, G, w.data(), 1.0f, x.node()->grad_or_zeros().data());
      if (w.requires_grad()) gemm(true, false, K, N, M, 1.0f, x.data(), G, 1.0f, w.node()->grad_or_zeros().data());
    }
    if (b.requires_grad()) kernels::add_rows(b.node()->grad_or_zeros().data(), G, M, N);
  });
}

Var affine(const Var& x, const Var& w, const Var& b) { return affine({{x, w}}, b); }

Var matmul(const Var& a, const Var& b, bool transpose_b) {
  if (a.dim() >= 1 && b.dim() == 2) return matmul_2d_weight(a, b, transpose_b);
  if (a.dim() == 3 && b.dim() == 3) return matmul_batched(a, b, transpose_b);
  detail::shape_error("matmul", "unsupported ranks " + detail::shape_str(a.value()) + " x " +
                                    detail::shape_str(b.value()));
}

}  // namespace saccade
