// C = alpha * op(A) * op(B) + beta * C on contiguous row-major float buffers, through cblas_sgemm
// (cblas_sgemv when C is a single row or column).
// The only door to BLAS, so the thread count and the layout convention live in one place.
#pragma once

#include <cstddef>
#include <vector>

namespace saccade {

void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
          const float* a, const float* b, float beta, float* c);

// Benchmarks only: while a GemmRecorder lives, every gemm call's shape is appended to it (from the
// thread that made the recorder; one recorder at a time). bench/ replays a training step's calls as
// bare sgemm to measure what OpenBLAS itself reaches on exactly those shapes.
struct GemmCall {
  bool transpose_a, transpose_b;
  std::size_t m, n, k;
};
class GemmRecorder {
 public:
  GemmRecorder();
  ~GemmRecorder();
  GemmRecorder(const GemmRecorder&) = delete;
  GemmRecorder& operator=(const GemmRecorder&) = delete;
  const std::vector<GemmCall>& calls() const { return calls_; }

 private:
  std::vector<GemmCall> calls_;
};

// OpenBLAS's worker threads (1 is fastest for the small matrices of one step on 2 cores).
void set_blas_threads(int n);
int blas_threads();

}  // namespace saccade
