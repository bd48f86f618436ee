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

// out[i, u] = scale sum_j a[i * row + j] bt[j * t + u], for i < tq (bt a [dh, t] block). The loop over
// the rows i sits inside the loop over j, so consecutive updates go to different rows of out: one row's
// updates in a row would wait on each other through memory.
inline void rows_times_transposed(const float* __restrict a, std::size_t tq, std::size_t row,
                                  const float* __restrict bt, std::size_t dh, std::size_t t, float scale,
                                  float* __restrict out) {
  for (std::size_t n = 0; n < tq * t; ++n) out[n] = 0.0f;
  for (std::size_t j = 0; j < dh; ++j) {
    const float* b = bt + j * t;
    for (std::size_t i = 0; i < tq; ++i) {
      const float aij = scale * a[i * row + j];
      float* o = out + i * t;
      for (std::size_t u = 0; u < t; ++u) o[u] += aij * b[u];
    }
  }
}

}  // namespace

SACCADE_CLONES
void attend_head(const HeadShape& s, const float* q, const float* k, const float* v, const float* keep,
                 float* scratch, float* w, float* out) {
  const std::size_t T = s.t, dh = s.dh, Tq = s.tq;
  transpose_head(k, T, dh, s.row, scratch);
  rows_times_transposed(q, Tq, s.row, scratch, dh, T, s.scale, w);
  // Softmax of each query's scores over the kept keys; no kept key: all 0.
  for (std::size_t i = 0; i < Tq; ++i) {
    float* wi = w + i * T;
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
    for (std::size_t u = 0; u < T; ++u) wi[u] = total > 0.0f ? wi[u] / total : 0.0f;
  }
  // out_i = sum_u w[i, u] v_u, the queries inside (see rows_times_transposed).
  for (std::size_t i = 0; i < Tq; ++i) {
    for (std::size_t j = 0; j < dh; ++j) out[i * s.row + j] = 0.0f;
  }
  for (std::size_t u = 0; u < T; ++u) {
    const float* vu = v + u * s.row;
    for (std::size_t i = 0; i < Tq; ++i) {
      const float wiu = w[i * T + u];
      float* oi = out + i * s.row;
      if (wiu != 0.0f)
        for (std::size_t j = 0; j < dh; ++j) oi[j] += wiu * vu[j];
    }
  }
}

SACCADE_CLONES
void attend_head_backward(const HeadShape& s, const float* q, const float* k, const float* v, const float* w,
                          const float* go, float* scratch, float* gq, float* gk, float* gv) {
  const std::size_t T = s.t, dh = s.dh, Tq = s.tq;
  float* vt = scratch;
  float* ds = scratch + dh * T;  // [Tq, T]: first d out / d w, then d out / d score
  transpose_head(v, T, dh, s.row, vt);
  rows_times_transposed(go, Tq, s.row, vt, dh, T, 1.0f, ds);  // d out_i / d w_iu = go_i . v_u
  // Through the softmax: ds_iu = w_iu (dw_iu - sum_u' w_iu' dw_iu'), times the scores' scale.
  for (std::size_t i = 0; i < Tq; ++i) {
    const float* wi = w + i * T;
    float* di = ds + i * T;
    float mean = 0.0f;
    for (std::size_t u = 0; u < T; ++u) mean += wi[u] * di[u];
    for (std::size_t u = 0; u < T; ++u) di[u] = wi[u] * (di[u] - mean) * s.scale;
  }
  // Masked (or underflowed) weights are exactly 0 and so are their ds: they add nothing below.
  for (std::size_t i = 0; i < Tq; ++i) {  // into each key's and value's row: the keys inside
    const float* goi = go + i * s.row;
    const float* qi = q + i * s.row;
    for (std::size_t u = 0; u < T; ++u) {
      const float wiu = w[i * T + u], dsiu = ds[i * T + u];
      if (wiu == 0.0f) continue;
      if (gv)
        for (std::size_t j = 0; j < dh; ++j) gv[u * s.row + j] += wiu * goi[j];
      if (gk)
        for (std::size_t j = 0; j < dh; ++j) gk[u * s.row + j] += dsiu * qi[j];
    }
  }
  if (!gq) return;
  for (std::size_t u = 0; u < T; ++u) {  // into each query's row: the queries inside
    const float* ku = k + u * s.row;
    for (std::size_t i = 0; i < Tq; ++i) {
      const float dsiu = ds[i * T + u];
      if (dsiu != 0.0f)
        for (std::size_t j = 0; j < dh; ++j) gq[i * s.row + j] += dsiu * ku[j];
    }
  }
}

}  // namespace saccade::kernels
