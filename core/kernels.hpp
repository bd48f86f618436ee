// The hot loops of a training step that BLAS does not serve well: Adam's update, the gradient norm,
// summing a gradient over the rows it was broadcast to, and matrix products too small for a BLAS call
// (attention's per-example products: a call and its packing cost more than the arithmetic). They are most of the step's time outside
// sgemm (perf, bench/RESULTS.md), and g++ -O2 for the portable x86-64 baseline runs them one float
// at a time. kernels.cpp is compiled at -O3 with one clone per instruction set (AVX-512, AVX2,
// baseline), picked when the program loads, and with -ffp-contract=off so that every clone computes
// exactly what the plain loop does, bit for bit (no fused multiply-adds, the same order of additions).
// Output arrays must not overlap the inputs (they are __restrict).
#pragma once

#include <cstddef>

namespace saccade::kernels {

// out[j] += sum over r of rows[r * n + j], the rows added in order (r = 0, 1, ...).
void add_rows(float* out, const float* rows, std::size_t num_rows, std::size_t n);

// Adam's update of n parameters (core/optim.hpp has the formula; Adam::step computes the scalars), with
// subnormal floats flushed to 0 (kernels.cpp says why).
struct AdamStep {
  float step_size, bc2_sqrt, beta1, beta2, one_minus_beta1, one_minus_beta2, eps, decay, l2;
};
void adam_update(float* w, const float* grad, float* m, float* v, std::size_t n, const AdamStep& s);

// The sum of g[j]^2 in double (in 8 interleaved partial sums, then added in order).
double sum_squares(const float* g, std::size_t n);

// C[m, n] = alpha op(A) op(B) + beta C (row-major; op(A) [m, k], op(B) [k, n]), as cblas_sgemm computes
// it, for small products (core/gemm.cpp decides which): each row of C is accumulated over l in order.
// With beta = 0, C is not read (as in BLAS).
void small_gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
                const float* a, const float* b, float beta, float* c);

// g[j] *= scale.
void scale(float* g, std::size_t n, float scale);

}  // namespace saccade::kernels

namespace saccade::kernels {

// Layer normalisation of `rows` rows of d floats (core/ops_normalize.cpp has the formulas): y, the
// normalised xhat and each row's 1 / std, kept for the backward. Means and variances are summed in
// double, in 8 interleaved partial sums (one running sum is a chain of dependent adds).
void layer_norm_rows(const float* x, const float* gamma, const float* beta, std::size_t rows, std::size_t d,
                     float eps, float* y, float* xhat, float* inv_std);
// Its backward given the output's gradient g: adds into gx, gamma's gg and beta's gb (each may be null).
void layer_norm_rows_backward(const float* g, const float* xhat, const float* inv_std, const float* gamma,
                              std::size_t rows, std::size_t d, float* gx, float* gg, float* gb);

// out[r, :] += sum_j weight[r * k + j] table[index[r * k + j], :] over the slots with a non-zero weight
// (bag_sum, core/ops.hpp), and its backward into the table's gradient.
void bag_rows(const float* table, const int* index, const float* weight, std::size_t n, std::size_t k,
              std::size_t d, float* out);
void bag_rows_backward(const float* go, const int* index, const float* weight, std::size_t n, std::size_t k,
                       std::size_t d, float* table_grad);

}  // namespace saccade::kernels
