// The loops of one attention head of one example, forward and backward (multi_head_attend,
// attention/query_attention.hpp, runs them per example and head). Compiled at -O3 with one clone per
// instruction set (core/clones.hpp): the heads here are 16 or 32 wide and the sets a dozen long, so
// everything is short vector loops. Scores are made against the keys transposed ([dh, T] in scratch),
// so that their inner loop runs along the keys; weighted sums and gradients run along the head's
// features.
//
// Layout: q, k, v, out, go, gq, gk, gv point at the head's first feature in row 0; consecutive rows
// (queries, keys) are `row` floats apart. w is [tq, t], contiguous. keep is [t] (0 = masked) or null.
// scratch holds head_scratch(shape) floats.
#pragma once

#include <cstddef>

namespace saccade::kernels {

struct HeadShape {
  std::size_t tq, t, dh, row;
  float scale;  // 1 / sqrt(dh)
};

inline std::size_t head_scratch(const HeadShape& s) { return s.dh * s.t + s.tq * s.t; }

// w[i, :] = softmax over the kept keys of scale q_i . k_t (all 0 if none is kept);
// out[i, :] = sum_t w[i, t] v_t.
void attend_head(const HeadShape& s, const float* q, const float* k, const float* v, const float* keep,
                 float* scratch, float* w, float* out);

// Accumulates into gq, gk, gv (each may be null: no gradient wanted) the gradient of the output
// given go, the output's gradient, and w, the forward's weights.
void attend_head_backward(const HeadShape& s, const float* q, const float* k, const float* v, const float* w,
                          const float* go, float* scratch, float* gq, float* gk, float* gv);

}  // namespace saccade::kernels
