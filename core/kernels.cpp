#include "core/kernels.hpp"

#include <xmmintrin.h>

#include "core/clones.hpp"

namespace saccade::kernels {
namespace {
constexpr unsigned int kFlushToZero = 0x8000, kDenormalsAreZero = 0x0040;  // MXCSR bits
}  // namespace

SACCADE_CLONES
void add_rows(float* __restrict out, const float* __restrict rows, std::size_t num_rows, std::size_t n) {
  for (std::size_t r = 0; r < num_rows; ++r) {
    const float* row = rows + r * n;
    for (std::size_t j = 0; j < n; ++j) out[j] += row[j];
  }
}

SACCADE_CLONES
void adam_update(float* __restrict w, const float* __restrict grad, float* __restrict m, float* __restrict v,
                 std::size_t n, const AdamStep& step) {
  const AdamStep s = step;  // a local copy: the stores to w, m, v cannot change it, so the loop vectorises
  // Subnormal floats flush to 0 here (MXCSR's FTZ and DAZ, restored after). A parameter whose gradient
  // stays 0 (a weight reading a pixel that is always black) has its moments decay by beta every step
  // into subnormals, and tiny gradients square into them; on x86 each such multiply takes a microcode
  // assist, and Adam took a fifth of a RAM step after a thousand steps. What flushing drops is below
  // 1e-38, far under any update.
  const unsigned int mxcsr = _mm_getcsr();
  _mm_setcsr(mxcsr | kFlushToZero | kDenormalsAreZero);
  for (std::size_t j = 0; j < n; ++j) {
    const float g = grad[j] + s.l2 * w[j];
    const float wj = w[j] * s.decay;
    const float mj = s.beta1 * m[j] + s.one_minus_beta1 * g;
    const float vj = s.beta2 * v[j] + s.one_minus_beta2 * g * g;
    m[j] = mj;
    v[j] = vj;
    w[j] = wj - s.step_size * mj / (__builtin_sqrtf(vj) / s.bc2_sqrt + s.eps);
  }
  _mm_setcsr(mxcsr);
}

SACCADE_CLONES
double sum_squares(const float* g, std::size_t n) {
  constexpr std::size_t lanes = 8;
  double part[lanes] = {};
  std::size_t j = 0;
  for (; j + lanes <= n; j += lanes) {
    for (std::size_t k = 0; k < lanes; ++k) part[k] += static_cast<double>(g[j + k]) * g[j + k];
  }
  double sum = 0.0;
  for (double p : part) sum += p;
  for (; j < n; ++j) sum += static_cast<double>(g[j]) * g[j];
  return sum;
}

SACCADE_CLONES
void small_gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
                const float* a, const float* b, float beta, float* c) {
  for (std::size_t i = 0; i < m; ++i) {
    float* ci = c + i * n;
    if (beta == 0.0f) {
      for (std::size_t j = 0; j < n; ++j) ci[j] = 0.0f;
    } else if (beta != 1.0f) {
      for (std::size_t j = 0; j < n; ++j) ci[j] *= beta;
    }
    if (transpose_b || n < 8) {  // one dot product per element: op(B)[l, j] = b[j * k + l] (or b[l * n + j])
      for (std::size_t j = 0; j < n; ++j) {
        float sum = 0.0f;
        for (std::size_t l = 0; l < k; ++l) {
          sum += (transpose_a ? a[l * m + i] : a[i * k + l]) * (transpose_b ? b[j * k + l] : b[l * n + j]);
        }
        ci[j] += alpha * sum;
      }
    } else {  // op(B)[l, :] = b[l * n : (l + 1) * n]: rows of B scaled into the row of C (vectorised over j)
      for (std::size_t l = 0; l < k; ++l) {
        const float ail = alpha * (transpose_a ? a[l * m + i] : a[i * k + l]);
        const float* bl = b + l * n;
        for (std::size_t j = 0; j < n; ++j) ci[j] += ail * bl[j];
      }
    }
  }
}

SACCADE_CLONES
void scale(float* g, std::size_t n, float scale) {
  for (std::size_t j = 0; j < n; ++j) g[j] *= scale;
}

}  // namespace saccade::kernels
