// Scaled dot-product attention (Vaswani et al. 2017), built from core ops so the tape differentiates it:
//   out = softmax(Q K^T / sqrt(D), masked) V
// One batched matmul with transpose_b for Q K^T (no copy of K), one for the weighted sum of V; no
// per-example loops. Multi-head attention and the poolings build on these two functions.
//
// Masks are [B, Tk] per key: non-zero = attend, 0 = ignore (padding, regions not yet read). A masked key
// gets exactly zero weight, so neither its key nor its value can change the output. A row whose keys are
// all masked has all-zero weights and therefore a zero output (not NaN, and not a uniform average of
// padding); no gradient flows through such a row.
#pragma once

#include "core/autograd.hpp"

namespace saccade {

// softmax over the last axis of scores [B, ..., Tk], with keys where key_mask [B, Tk] is 0 excluded.
// Without a mask this is plain softmax. Rows with every key masked come out as zeros.
Var masked_softmax(const Var& scores, const Array* key_mask = nullptr);

// q [B, Tq, D], k [B, Tk, D], v [B, Tk, Dv] -> [B, Tq, Dv]. key_mask [B, Tk] as above (nullptr: attend
// to every key). If `weights` is given it receives the attention weights [B, Tq, Tk] (rows sum to 1,
// or are all 0 when every key is masked); it is part of the graph, so a loss may use it.
Var scaled_dot_product_attention(const Var& q, const Var& k, const Var& v, const Array* key_mask = nullptr,
                                 Var* weights = nullptr);

}  // namespace saccade
