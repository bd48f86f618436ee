"""The attention parts the text chunk and dialogue turn references share, mirroring (read them for the
why):
  attention/scaled_dot_product.cpp  masked_softmax: softmax(scores with masked keys at -1e9) * keep,
        so a row with every key masked gets all-zero weights (not a uniform row, not NaN); the query
        scaled by 1 / sqrt(d_head) before the product
  attention/multi_head.cpp  q, k, v, out projections (Linear, with bias); head h is the feature columns
        [h * d_head, (h + 1) * d_head) (split_heads); heads concatenated in order before out
  attention/pooling.cpp  AttentionPooling: one learned query (N(0, 1), [1, 1, d]) for every example,
        through the multi-head attention; forward_projected takes keys and values already projected
  core/layers.cpp  Linear ~ U(-1/sqrt(fan_in), ..) (nn.Linear's default, weight [out, in] where saccade
        keeps [in, out]); Embedding ~ N(0, 1) (nn.Embedding's default); LayerNorm gamma 1, beta 0,
        eps 1e-5, biased variance (nn.LayerNorm's)
Module and parameter names follow saccade's (q_proj, k_proj, ..., query, attention), so a checkpoint of
saccade maps onto them by name (bench/reference/checkpoint.py).

Vectorised over the batch and the set; written for torch.jit.script (typed Optional masks, no Python
objects in forward).
"""
import math
from typing import Optional

import torch
from torch import nn


def masked_softmax(scores, keep: Optional[torch.Tensor]):
    """Softmax over the last axis; keep (bool, broadcasting against scores) marks the real keys."""
    if keep is None:
        return scores.softmax(-1)
    return scores.masked_fill(~keep, -1e9).softmax(-1) * keep


def scaled(embedding: nn.Embedding, factor: float):
    """Scales an embedding's initial table (saccade starts positions and speakers at 0.1 x N(0, 1), so
    content dominates early training)."""
    with torch.no_grad():
        embedding.weight.mul_(factor)
    return embedding


class MultiHeadAttention(nn.Module):
    """attention/multi_head.cpp: [B, Tq, d] attends to [B, Tk, d]; keep [B, Tk] masks keys."""

    def __init__(self, d, heads):
        super().__init__()
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))
        self.heads = heads

    def forward(self, query, keys, values, keep: Optional[torch.Tensor]):
        return self.attend_projected(query, self.k_proj(keys), self.v_proj(values), keep)

    def attend_projected(self, query, keys, values, keep: Optional[torch.Tensor]):
        B, Tq, d = query.shape
        Tk, H = keys.shape[1], self.heads
        dh = d // H
        # Heads as contiguous [B * H, T, dh] for torch.bmm: 5 to 10% faster than torch.matmul on the
        # 4-d views (the self-attention of 512 chunks, forward and backward: 19 ms against 20 to 22).
        # Debian's torch (no MKL) runs a bmm as one small gemm per batch entry.
        q = self.q_proj(query).reshape(B, Tq, H, dh).transpose(1, 2).reshape(B * H, Tq, dh) * (1.0 / math.sqrt(dh))
        k = keys.reshape(B, Tk, H, dh).transpose(1, 2).reshape(B * H, Tk, dh)
        v = values.reshape(B, Tk, H, dh).transpose(1, 2).reshape(B * H, Tk, dh)
        mask = None if keep is None else keep[:, None, None, :]
        w = masked_softmax(torch.bmm(q, k.transpose(1, 2)).reshape(B, H, Tq, Tk), mask)
        out = torch.bmm(w.reshape(B * H, Tq, Tk), v).reshape(B, H, Tq, dh)
        return self.out_proj(out.transpose(1, 2).reshape(B, Tq, d))


class AttentionPooling(nn.Module):
    """attention/pooling.cpp: a learned query attends to a set [B, T, d] -> [B, d]. The query is the
    same for every example, so it is projected once, not once per example (the same numbers)."""

    def __init__(self, d, heads):
        super().__init__()
        self.query = nn.Parameter(torch.randn(1, 1, d))
        self.attention = MultiHeadAttention(d, heads)

    def forward(self, x, keep: Optional[torch.Tensor]):
        return self.forward_projected(self.attention.k_proj(x), self.attention.v_proj(x), keep)

    def forward_projected(self, keys, values, keep: Optional[torch.Tensor]):
        B, T, d = keys.shape
        H = self.attention.heads
        dh = d // H
        q = self.attention.q_proj(self.query.reshape(1, d)).reshape(H, dh) * (1.0 / math.sqrt(dh))
        # With one query a broadcast product beats a batched matmul of [.., 1, dh] x [.., dh, T].
        scores = (keys.reshape(B, T, H, dh) * q).sum(-1).transpose(1, 2)     # [B, H, T]
        w = masked_softmax(scores, None if keep is None else keep[:, None, :])
        pooled = (w.transpose(1, 2)[..., None] * values.reshape(B, T, H, dh)).sum(1)  # [B, H, dh]
        return self.attention.out_proj(pooled.reshape(B, d))
