// Multi-head attention from one query per example to a set, as one op with its forward and backward
// written out as loops (AttentionPooling's inner step):
//
//   q [Q, d] with Q = 1 (one query shared by every example) or Q = B; keys, values [B, T, d];
//   head h owns columns [h dh, (h + 1) dh), dh = d / heads;
//   w[b, h, t]            = softmax over the kept t (mask[b, t] != 0) of q[b, h] . k[b, t, h] / sqrt(dh)
//   out[b, h dh + j]      = sum_t w[b, h, t] v[b, t, h dh + j]                                  [B, d]
//
// An example with no kept key attends to nothing: its weights are all 0 and its output is 0, as
// masked_softmax's (attention/scaled_dot_product.hpp). The same numbers as split_heads +
// scaled_dot_product_attention + merge_heads, without their copies and their dozen small tensors: a
// pooling's scores and weighted sums are O(B T d), tiny next to the projections around them, so as
// separate ops their bookkeeping cost more than their arithmetic (bench/RESULTS.md).
#pragma once

#include <cstddef>

#include "core/autograd.hpp"

namespace saccade {

// weights (optional): set to the attention weights [B, heads, T], a copy off the tape.
Var query_attention(const Var& q, const Var& keys, const Var& values, std::size_t heads, const Array* mask,
                    Array* weights = nullptr);

}  // namespace saccade
