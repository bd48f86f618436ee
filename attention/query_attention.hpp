// Multi-head attention of a few queries per example over a set, as one op with its forward and backward
// written out as loops (MultiHeadAttention's and AttentionPooling's inner step):
//
//   q [B, Tq, d] (or [1, Tq, d], shared by every example); keys, values [B, Tk, d];
//   head h owns columns [h dh, (h + 1) dh), dh = d / heads;
//   w[b, h, i, t]          = softmax over the kept t (mask[b, t] != 0) of q[b, i, h] . k[b, t, h] / sqrt(dh)
//   out[b, i, h dh + j]    = sum_t w[b, h, i, t] v[b, t, h dh + j]                           [B, Tq, d]
//
// An example with no kept key attends to nothing: its weights are all 0 and its output is 0, as
// masked_softmax's (attention/scaled_dot_product.hpp). The same numbers as splitting the heads, scaled
// dot-product attention and merging the heads, without their copies and their dozen small tensors: with
// the short sets and few queries of the readers here (a pooling's one query; a chunk's 12 tokens) the
// scores and weighted sums are tiny next to the projections around them, and as separate ops, or as one
// small matrix product per example and head, their bookkeeping cost more than their arithmetic
// (bench/RESULTS.md).
#pragma once

#include <cstddef>

#include "core/autograd.hpp"

namespace saccade {

// weights (optional): set to the attention weights [B, heads, Tq, Tk], a copy off the tape.
Var multi_head_attend(const Var& q, const Var& keys, const Var& values, std::size_t heads, const Array* mask,
                      Array* weights = nullptr);

// One query per example: q [1, d] (shared by every example) or [B, d] -> [B, d]; weights [B, heads, Tk].
Var query_attention(const Var& q, const Var& keys, const Var& values, std::size_t heads, const Array* mask,
                    Array* weights = nullptr);

}  // namespace saccade
