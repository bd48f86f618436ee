#include "core/kernels.hpp"

// One clone per instruction set; the loader's ifunc picks the best the CPU has.
#define SACCADE_CLONES __attribute__((target_clones("arch=skylake-avx512", "arch=haswell", "default")))

namespace saccade::kernels {

SACCADE_CLONES
void add_rows(float* out, const float* rows, std::size_t num_rows, std::size_t n) {
  for (std::size_t r = 0; r < num_rows; ++r) {
    const float* row = rows + r * n;
    for (std::size_t j = 0; j < n; ++j) out[j] += row[j];
  }
}

SACCADE_CLONES
void adam_update(float* w, const float* grad, float* m, float* v, std::size_t n, const AdamStep& s) {
  for (std::size_t j = 0; j < n; ++j) {
    const float g = grad[j] + s.l2 * w[j];
    const float wj = w[j] * s.decay;
    const float mj = s.beta1 * m[j] + s.one_minus_beta1 * g;
    const float vj = s.beta2 * v[j] + s.one_minus_beta2 * g * g;
    m[j] = mj;
    v[j] = vj;
    w[j] = wj - s.step_size * mj / (__builtin_sqrtf(vj) / s.bc2_sqrt + s.eps);
  }
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
void scale(float* g, std::size_t n, float scale) {
  for (std::size_t j = 0; j < n; ++j) g[j] *= scale;
}

}  // namespace saccade::kernels
