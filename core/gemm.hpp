// C = alpha * op(A) * op(B) + beta * C on contiguous row-major float buffers, through cblas_sgemm
// (cblas_sgemv when C is a single row or column).
// The only door to BLAS, so the thread count and the layout convention live in one place.
#pragma once

#include <cstddef>

namespace saccade {

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
          const float* a, const float* b, float beta, float* c);

// OpenBLAS's worker threads (1 is fastest for the small matrices of one step on 2 cores).
void set_blas_threads(int n);
int blas_threads();

}  // namespace saccade
