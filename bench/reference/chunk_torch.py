#!/usr/bin/python3
"""saccade's text CHUNK model in PyTorch: the same one-shot top-k policy over the chunks' previews, chunk
reader, losses and training step, on exactly saccade's documents (bench/reference/task_data.py), for a
benchmark to time side by side and a check that both reach comparable accuracy.

It mirrors (read them for the why):
  envs/text/{text_env,document}.cpp  through task_data.py: 16 chunks of 12 token ids (0 = <pad>), the
        4-chunk passage at a random place among distractor chunks, redrawn every epoch; the preview: per
        chunk a bag of 12 (bucket, weight) pairs over 4096 buckets
  agents/top_k_regions.cpp  (bench/reference/top_k_torch.py) scores: the MLP [4096, 128, 1] on each
        chunk's bag; 4 chunks by Gumbel-top-k (greedy: the top 4); log p: Plackett-Luce
  attention/chunk_reader.cpp  x_l = E[id_l] + Q[l] (Q ~ 0.1 N(0, 1)); h = LN1(x + MHA(x, x, x; pad keys
        masked)); h = LN2(h + relu(h W_f1 + b_f1) W_f2 + b_f2) (ffn width = dim); c = attention pooling
        of the real tokens with a learned query
  attention/set_reader.cpp  e = c + P[chunk] (P ~ 0.1 N(0, 1)); the set of the 4 e's pooled by a
        learned query (the keys and values projected as each chunk is read); logits =
        relu(pooled W3 + b3) W4 + b4
  attention/{multi_head,pooling,scaled_dot_product}.cpp, core/layers.cpp  (bench/reference/attention_torch.py)
  agents/{reinforce,episode}.cpp  (top_k_torch.py) CE - mean_b log p(set) (R - R_greedy), self-critical;
        grad norm clipped to 5; Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8)
Setting (bench/configs/chunk.yaml): env: {type: text, dataset: fortunes, text: {chunks: 16, chunk_tokens:
12, clutter: true, passage_chunks: 4, preview_size: 4096}}, reader: {type: chunk, hidden: 64, heads: 4},
policy: {type: topk, budget: 4, hidden: 128, baseline: self_critical}, train: {lr: 0.001, batch_size: 128}.
The vocabulary's size is not in the env's spec: the token table has 1 + the largest id in the data
(5,029, as in saccade's checkpoints; a table of saccade's with more rows, for ids no document holds, would
differ only in rows never looked up).

Vectorised, no Python loop over the batch or the chunks: the 4 chosen chunks of every example are
encoded in one call (saccade encodes one per step: the same numbers, since every example reads all 4
and the set needs no mask). --variant script compiles the whole model with torch.jit.script. Threads,
OpenBLAS kernels and the modes: bench/reference/common.py (--help).
"""
import os

import common

ARGS = common.setup(__doc__) if __name__ == "__main__" else None
import numpy as np  # noqa: E402  (after common.setup has set the thread environment)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

import task_data  # noqa: E402
from attention_torch import AttentionPooling, MultiHeadAttention, scaled  # noqa: E402
from top_k_torch import BagScorer, gather_rows, plan, self_critical_step  # noqa: E402

CONFIG = os.path.join(task_data.ROOT, "bench", "configs", "chunk.yaml")


class ChunkReader(nn.Module):
    """attention/chunk_reader.cpp + set_reader.cpp (parameters in saccade's order and names)."""

    def __init__(self, vocab, tokens=12, regions=16, dim=64, heads=4, classes=10):
        super().__init__()
        self.token = nn.Embedding(vocab, dim)
        self.token_position = scaled(nn.Embedding(tokens, dim), 0.1)
        self.attention = MultiHeadAttention(dim, heads)
        self.norm1 = nn.LayerNorm(dim)
        self.ffn1, self.ffn2 = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.chunk_pool = AttentionPooling(dim, heads)
        self.position = scaled(nn.Embedding(regions, dim), 0.1)
        self.pool = AttentionPooling(dim, heads)
        self.head1, self.head2 = nn.Linear(dim, dim), nn.Linear(dim, classes)

    def encode_content(self, ids):
        """ids [n, L] -> [n, D]. Pad keys get zero weight in both attentions."""
        keep = ids != 0
        x = self.token(ids) + self.token_position.weight
        h = self.norm1(x + self.attention(x, x, x, keep))
        h = self.norm2(h + self.ffn2(F.relu(self.ffn1(h))))
        return self.chunk_pool(h, keep)

    def forward(self, content, regions):
        """content [B, k, L] of chunks regions [B, k] -> logits [B, classes]."""
        B, k, L = content.shape
        e = self.encode_content(content.reshape(B * k, L)).reshape(B, k, -1) + self.position(regions)
        return self.head2(F.relu(self.head1(self.pool(e, None))))


class TopKChunks(nn.Module):
    """agents/top_k_regions.cpp with bag previews."""

    def __init__(self, features=4096, hidden=128, k=4):
        super().__init__()
        self.scorer, self.k = BagScorer(features, hidden), k

    def forward(self, bag_ids, bag_weights, greedy: bool):
        return plan(self.scorer(bag_ids, bag_weights), None, self.k, greedy)


class Chunk(nn.Module):
    def __init__(self, vocab, classes, tokens=12, regions=16, features=4096, dim=64, heads=4, k=4, hidden=128):
        super().__init__()
        self.reader = ChunkReader(vocab, tokens, regions, dim, heads, classes)
        self.policy = TopKChunks(features, hidden, k)

    def forward(self, content, bag_ids, bag_weights, greedy: bool):
        """agents/episode.cpp: plan 4 chunks from the previews, read them, predict -> logits, log p."""
        picks, log_p = self.policy(bag_ids, bag_weights, greedy)
        return self.reader(gather_rows(content, picks), picks), log_p


def to_split(a):
    """task_data arrays -> (content ids [N, R, L], bag ids [N, R, K], bag weights [N, R, K], labels)."""
    K = a["preview"].shape[2] // 2
    ids = lambda x: torch.from_numpy(x.astype(np.int64))
    weights = torch.from_numpy(np.ascontiguousarray(a["preview"][..., K:]))
    return ids(a["content"]), ids(a["preview"][..., :K]), weights, torch.from_numpy(a["labels"])


def data_for(seed, epochs=1, cache_dir=None):
    """The chunk task's data and the model's sizes from it (the vocabulary: see the docstring)."""
    data = task_data.TaskData(CONFIG, seed, to_split, redraw=True, cache_dir=cache_dir)
    data.prepare(epochs)
    splits = [data.arrays("train", data.train_seed(e)) for e in range(1, epochs + 1)]
    splits += [data.arrays("validation", task_data.VALIDATION_SEED), data.arrays("test", task_data.TEST_SEED)]
    data.vocab = 1 + max(int(s["content"].max()) for s in splits)
    data.classes = int(splits[-1]["num_classes"])
    return data


if __name__ == "__main__":
    DATA = data_for(ARGS.seed, ARGS.epochs if ARGS.train else 1)
    common.measure(ARGS, "chunk", lambda: Chunk(DATA.vocab, DATA.classes), self_critical_step, DATA)
