// The hot loops of a training step that are not matrix products: Adam's update, the gradient norm,
// and summing a gradient over the rows it was broadcast to. They are most of the step's time outside
// sgemm (perf, bench/RESULTS.md), and g++ -O2 for the portable x86-64 baseline runs them one float
// at a time. kernels.cpp is compiled at -O3 with one clone per instruction set (AVX-512, AVX2,
// baseline), picked when the program loads, and with -ffp-contract=off so that every clone computes
// exactly what the plain loop does, bit for bit (no fused multiply-adds, the same order of additions).
#pragma once

#include <cstddef>

namespace saccade::kernels {

// out[j] += sum over r of rows[r * n + j], the rows added in order (r = 0, 1, ...).
void add_rows(float* out, const float* rows, std::size_t num_rows, std::size_t n);

// Adam's update of n parameters (core/optim.hpp has the formula; Adam::step computes the scalars).
struct AdamStep {
  float step_size, bc2_sqrt, beta1, beta2, one_minus_beta1, one_minus_beta2, eps, decay, l2;
};
void adam_update(float* w, const float* grad, float* m, float* v, std::size_t n, const AdamStep& s);

// The sum of g[j]^2 in double (in 8 interleaved partial sums, then added in order).
double sum_squares(const float* g, std::size_t n);

// g[j] *= scale.
void scale(float* g, std::size_t n, float scale);

}  // namespace saccade::kernels
