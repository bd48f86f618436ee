#include "core/gemm.hpp"

#include <cblas.h>

#include "core/kernels.hpp"

namespace saccade {
namespace {
constexpr std::size_t kSmallGemm = 4096;  // multiply-adds; bench/RESULTS.md has the measurement
thread_local std::vector<GemmCall>* recording = nullptr;
}  // namespace

GemmRecorder::GemmRecorder() { recording = &calls_; }
GemmRecorder::~GemmRecorder() { recording = nullptr; }

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
          const float* a, const float* b, float beta, float* c) {
  if (m == 0 || n == 0) return;
  if (recording) recording->push_back({transpose_a, transpose_b, m, n, k});
  // A product this small (attention's per-example scores and weighted sums), or with an inner dimension
  // of a few (a location's 2 coordinates), costs less than the BLAS call and its packing: a plain
  // vectorised loop (core/kernels.hpp).
  if (m * n * k <= kSmallGemm || k <= 4) {
    kernels::small_gemm(transpose_a, transpose_b, m, n, k, alpha, a, b, beta, c);
    return;
  }
  // A single row or column is a matrix-vector product: sgemv reads the matrix once, where sgemm
  // would first pack (copy) it, which costs more than the product itself at batch 1.
  if (m == 1 && k > 0) {  // c[1, n] = a[1, k] op(B): op(B)^T a; a is contiguous either way (one row or column)
    if (transpose_b) cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(n), static_cast<int>(k), alpha, b, static_cast<int>(k), a, 1, beta, c, 1);
    else cblas_sgemv(CblasRowMajor, CblasTrans, static_cast<int>(k), static_cast<int>(n), alpha, b, static_cast<int>(n), a, 1, beta, c, 1);
    return;
  }
  if (n == 1 && k > 0) {  // c[m, 1] = op(A) b[k, 1]; b is contiguous either way
    if (transpose_a) cblas_sgemv(CblasRowMajor, CblasTrans, static_cast<int>(k), static_cast<int>(m), alpha, a, static_cast<int>(m), b, 1, beta, c, 1);
    else cblas_sgemv(CblasRowMajor, CblasNoTrans, static_cast<int>(m), static_cast<int>(k), alpha, a, static_cast<int>(k), b, 1, beta, c, 1);
    return;
  }
  const int lda = static_cast<int>(transpose_a ? m : k);
  const int ldb = static_cast<int>(transpose_b ? k : n);
  cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans,
              static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a, lda, b, ldb, beta, c,
              static_cast<int>(n));
}

void set_blas_threads(int n) { openblas_set_num_threads(n); }
int blas_threads() { return openblas_get_num_threads(); }

}  // namespace saccade
