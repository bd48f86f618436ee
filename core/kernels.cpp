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

namespace saccade::kernels {
namespace {

// sum_j (x[j] - shift)^p for p = 1 or 2, in double, in 8 interleaved partial sums added in order.
template <int p>
inline double lane_sum(const float* x, std::size_t n, double shift) {
  constexpr std::size_t lanes = 8;
  double part[lanes] = {};
  std::size_t j = 0;
  for (; j + lanes <= n; j += lanes) {
    for (std::size_t l = 0; l < lanes; ++l) {
      const double c = static_cast<double>(x[j + l]) - shift;
      part[l] += p == 1 ? c : c * c;
    }
  }
  double sum = 0.0;
  for (double q : part) sum += q;
  for (; j < n; ++j) {
    const double c = static_cast<double>(x[j]) - shift;
    sum += p == 1 ? c : c * c;
  }
  return sum;
}

}  // namespace

SACCADE_CLONES
void layer_norm_rows(const float* __restrict x, const float* __restrict gamma, const float* __restrict beta,
                     std::size_t rows, std::size_t d, float eps, float* __restrict y, float* __restrict xhat,
                     float* __restrict inv_std) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * d;
    const double mu = lane_sum<1>(xr, d, 0.0) / static_cast<double>(d);
    const double var = lane_sum<2>(xr, d, mu) / static_cast<double>(d);
    const float is = static_cast<float>(1.0 / __builtin_sqrt(var + eps)), m = static_cast<float>(mu);
    inv_std[r] = is;
    for (std::size_t j = 0; j < d; ++j) {
      const float h = (xr[j] - m) * is;
      xhat[r * d + j] = h;
      y[r * d + j] = h * gamma[j] + beta[j];
    }
  }
}

SACCADE_CLONES
void layer_norm_rows_backward(const float* __restrict g, const float* __restrict xhat, const float* __restrict inv_std,
                              const float* __restrict gamma, std::size_t rows, std::size_t d, float* __restrict gx,
                              float* __restrict gg, float* __restrict gb) {
  // With g_hat = g gamma: dx = inv_std (g_hat - mean(g_hat) - xhat mean(g_hat xhat)).
  constexpr std::size_t lanes = 8;
  for (std::size_t r = 0; r < rows; ++r) {
    const float* gr = g + r * d;
    const float* h = xhat + r * d;
    float p1[lanes] = {}, p2[lanes] = {};
    std::size_t j = 0;
    for (; j + lanes <= d; j += lanes) {
      for (std::size_t l = 0; l < lanes; ++l) {
        const float ghat = gr[j + l] * gamma[j + l];
        p1[l] += ghat;
        p2[l] += ghat * h[j + l];
      }
    }
    float m1 = 0.0f, m2 = 0.0f;
    for (std::size_t l = 0; l < lanes; ++l) m1 += p1[l], m2 += p2[l];
    for (; j < d; ++j) m1 += gr[j] * gamma[j], m2 += gr[j] * gamma[j] * h[j];
    m1 /= static_cast<float>(d);
    m2 /= static_cast<float>(d);
    if (gg)
      for (std::size_t c = 0; c < d; ++c) gg[c] += gr[c] * h[c];
    if (gb)
      for (std::size_t c = 0; c < d; ++c) gb[c] += gr[c];
    if (gx)
      for (std::size_t c = 0; c < d; ++c) gx[r * d + c] += inv_std[r] * (gr[c] * gamma[c] - m1 - h[c] * m2);
  }
}

SACCADE_CLONES
void bag_rows(const float* __restrict table, const int* __restrict index, const float* __restrict weight, std::size_t n,
              std::size_t k, std::size_t d, float* __restrict out) {
  for (std::size_t r = 0; r < n; ++r) {
    float* o = out + r * d;
    for (std::size_t j = 0; j < k; ++j) {
      const float w = weight[r * k + j];
      if (w == 0.0f) continue;  // an empty slot
      const float* row = table + static_cast<std::size_t>(index[r * k + j]) * d;
      for (std::size_t c = 0; c < d; ++c) o[c] += w * row[c];
    }
  }
}

SACCADE_CLONES
void bag_rows_backward(const float* __restrict go, const int* __restrict index, const float* __restrict weight,
                       std::size_t n, std::size_t k, std::size_t d, float* __restrict table_grad) {
  for (std::size_t r = 0; r < n; ++r) {
    const float* g = go + r * d;
    for (std::size_t j = 0; j < k; ++j) {
      const float w = weight[r * k + j];
      if (w == 0.0f) continue;
      float* dst = table_grad + static_cast<std::size_t>(index[r * k + j]) * d;
      for (std::size_t c = 0; c < d; ++c) dst[c] += w * g[c];
    }
  }
}

}  // namespace saccade::kernels
