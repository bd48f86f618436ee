#include "attention/head_kernels.hpp"

#include <cmath>

#include "core/clones.hpp"

namespace saccade::kernels {
namespace {

// to[j * t + u] = from[u * row + j]: the head's [t, dh] block as [dh, t].
inline void transpose_head(const float* __restrict from, std::size_t t, std::size_t dh, std::size_t row,
                           float* __restrict to) {
  for (std::size_t u = 0; u < t; ++u) {
    for (std::size_t j = 0; j < dh; ++j) to[j * t + u] = from[u * row + j];
  }
}

// out[u] = sum_j a[j] bt[j * t + u] (bt a [dh, t] block).
inline void row_times_transposed(const float* __restrict a, const float* __restrict bt, std::size_t dh, std::size_t t,
                                 float scale, float* __restrict out) {
  for (std::size_t u = 0; u < t; ++u) out[u] = 0.0f;
  for (std::size_t j = 0; j < dh; ++j) {
    const float aj = scale * a[j];
    const float* b = bt + j * t;
    for (std::size_t u = 0; u < t; ++u) out[u] += aj * b[u];
  }
}

}  // namespace

SACCADE_CLONES
void attend_head(const HeadShape& s, const float* q, const float* k, const float* v, const float* keep,
                 float* scratch, float* w, float* out) {
  const std::size_t T = s.t, dh = s.dh;
  transpose_head(k, T, dh, s.row, scratch);
  for (std::size_t i = 0; i < s.tq; ++i) {
    float* __restrict wi = w + i * T;
    row_times_transposed(q + i * s.row, scratch, dh, T, s.scale, wi);
    float top = -INFINITY;
    for (std::size_t u = 0; u < T; ++u) {
      if (keep && keep[u] == 0.0f) continue;
      top = wi[u] > top ? wi[u] : top;
    }
    float total = 0.0f;
    for (std::size_t u = 0; u < T; ++u) {
      wi[u] = keep && keep[u] == 0.0f ? 0.0f : std::exp(wi[u] - top);
      total += wi[u];
    }
    float* __restrict o = out + i * s.row;
    for (std::size_t j = 0; j < dh; ++j) o[j] = 0.0f;
    if (total == 0.0f) continue;  // no kept key: all weights 0, output 0
    for (std::size_t u = 0; u < T; ++u) {
      wi[u] /= total;
      const float wu = wi[u];
      const float* vu = v + u * s.row;
      if (wu != 0.0f)
        for (std::size_t j = 0; j < dh; ++j) o[j] += wu * vu[j];
    }
  }
}

SACCADE_CLONES
void attend_head_backward(const HeadShape& s, const float* q, const float* k, const float* v, const float* w,
                          const float* go, float* scratch, float* gq, float* gk, float* gv) {
  const std::size_t T = s.t, dh = s.dh;
  float* vt = scratch;
  float* dw = scratch + dh * T;
  transpose_head(v, T, dh, s.row, vt);
  for (std::size_t i = 0; i < s.tq; ++i) {
    const float* wi = w + i * T;
    const float* goi = go + i * s.row;
    const float* qi = q + i * s.row;
    // d out_i / d w_t = go_i . v_t; through the softmax, ds_t = w_t (dw_t - sum_u w_u dw_u).
    row_times_transposed(goi, vt, dh, T, 1.0f, dw);
    float mean = 0.0f;
    for (std::size_t u = 0; u < T; ++u) mean += wi[u] * dw[u];
    for (std::size_t u = 0; u < T; ++u) {
      if (wi[u] == 0.0f) continue;  // masked (or underflowed): no gradient, as softmax's would be 0
      const float wu = wi[u], ds = wu * (dw[u] - mean) * s.scale;
      if (gv)
        for (std::size_t j = 0; j < dh; ++j) gv[u * s.row + j] += wu * goi[j];
      if (gk)
        for (std::size_t j = 0; j < dh; ++j) gk[u * s.row + j] += ds * qi[j];
      if (gq)
        for (std::size_t j = 0; j < dh; ++j) gq[i * s.row + j] += ds * k[u * s.row + j];
    }
  }
}

}  // namespace saccade::kernels
