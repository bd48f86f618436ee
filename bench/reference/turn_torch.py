#!/usr/bin/python3
"""saccade's dialogue TURN model in PyTorch: the same one-shot top-k policy over the turns' previews,
turn reader (an attention-sum pointer per slot), losses and training step, on exactly saccade's
dialogues (bench/reference/task_data.py), for a benchmark to time side by side and a check that both
reach comparable accuracy.

It mirrors (read them for the why):
  envs/dialogue/{dialogue_env,turns}.cpp  through task_data.py: 24 turn slots, a dialogue of 16 to 24
        turns in the last ones (the first 24 - turns are missing: flagged read at reset, never drawn); a
        turn's content [speaker, L token ids (0 = <pad>, 1 = <unk>), L value codes (0: none; 1 + g: the
        global candidate g)]; its preview a row of 7 + 64 features; labels [B, 4] (cuisine, location,
        price, people)
  envs/dialogue/generator.cpp  restaurant_kb(): 16 cuisines, 16 locations, 3 prices, 4 party sizes, so
        G = 39 candidates and Vmax = 16 (the task's reader reads slot_values from it)
  agents/top_k_regions.cpp  (bench/reference/top_k_torch.py) scores: the MLP [71, 128, 1] on each turn's
        row; 4 turns by Gumbel-top-k (greedy: the top 4); log p: Plackett-Luce
  attention/turn_reader.cpp  x_l = E[id_l] + K[kind_l] + Q[l] (kind 0, or 1 + the slot of code_l);
        c = attention pooling of the real tokens; h = c + Sp[speaker] + P[turn] (Q, Sp, P ~ 0.1 N(0, 1));
        m[g] = 1 if the turn holds code 1 + g; score = (q_s W_k^T) . h_t / sqrt(D); alpha = softmax
        over the turns read that mention a value of slot s (all zero if none); P = alpha m;
        logits [B * 4, 16] = log(P[s, offset_s + v] + 1e-4), -30 past a slot's own values
  attention/{multi_head,pooling,scaled_dot_product}.cpp, core/layers.cpp  (bench/reference/attention_torch.py)
  agents/{reinforce,episode}.cpp  (top_k_torch.py) CE over the B * 4 slot rows - mean_b log p(set)
        (R - R_greedy), R = 1 only if all 4 slots are right; grad norm clipped to 5; Adam
Setting (bench/configs/turn.yaml): env: {type: dialogue, dataset: generated, dialogue: {turns: 24,
min_turns: 16, max_turns: 24, change_rate: 0.5}}, reader: {type: turn, hidden: 64, heads: 4}, policy:
{type: topk, budget: 4, hidden: 128, baseline: self_critical}, train: {lr: 0.001, batch_size: 128}.
The vocabulary (from the training dialogues, every token kept) has 1 + the largest id in the data.

The summary pooling (summary_pool) is built, so a checkpoint loads, but not run: saccade's update()
projects each turn's keys and values for it and nothing of this model reads them (the one-shot policy
does not read the summary), so they change no number. Vectorised, no Python loop over the batch, the
turns or the slots. --variant script compiles the whole model with torch.jit.script. Threads, OpenBLAS
kernels and the modes: bench/reference/common.py (--help).
"""
import math
import os

import common

ARGS = common.setup(__doc__) if __name__ == "__main__" else None
import numpy as np  # noqa: E402  (after common.setup has set the thread environment)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

import task_data  # noqa: E402
from attention_torch import AttentionPooling, masked_softmax, scaled  # noqa: E402
from top_k_torch import RowScorer, gather_rows, plan, self_critical_step  # noqa: E402

CONFIG = os.path.join(task_data.ROOT, "bench", "configs", "turn.yaml")
SLOT_VALUES = (16, 16, 3, 4)  # restaurant_kb(): cuisine, location, price, people


class TurnReader(nn.Module):
    """attention/turn_reader.cpp (parameters in saccade's order and names)."""

    def __init__(self, vocab, tokens, regions=24, dim=64, heads=4, slot_values=SLOT_VALUES):
        super().__init__()
        S, G, V = len(slot_values), sum(slot_values), max(slot_values)
        self.token, self.kind = nn.Embedding(vocab, dim), nn.Embedding(S + 1, dim)
        self.token_position = scaled(nn.Embedding(tokens, dim), 0.1)
        self.turn_pool = AttentionPooling(dim, heads)
        self.speaker = scaled(nn.Embedding(2, dim), 0.1)
        self.position = scaled(nn.Embedding(regions, dim), 0.1)
        self.summary_pool = AttentionPooling(dim, heads)
        self.slot_query = nn.Parameter(torch.randn(S, dim))
        self.slot_key = nn.Linear(dim, dim, bias=False)
        offsets = np.concatenate([[0], np.cumsum(slot_values)])
        slot_of = np.repeat(np.arange(S), slot_values)                                   # [G]
        self.register_buffer("code_kind", torch.tensor(np.concatenate([[0], 1 + slot_of])))  # [G + 1]
        self.register_buffer("slot_member", torch.tensor(np.eye(S, dtype=np.float32)[slot_of]))  # [G, S]
        v, n = np.arange(V), np.array(slot_values)[:, None]
        # Slot s's logits read P[s, offset_s + v] for its own values v < n_s (columns past them are
        # clamped to a valid one and then replaced by the constant -30).
        self.register_buffer("column", torch.tensor(offsets[:-1, None] + np.minimum(v, n - 1)))  # [S, V]
        self.register_buffer("own", torch.tensor(v < n))                                        # [S, V]
        self.candidates, self.dim = G, dim

    def encode(self, speaker, ids, codes, regions):
        """One turn per row: speaker [n], ids, codes [n, L], regions [n] -> h [n, D], mentions m [n, G]."""
        keep = ids != 0
        x = self.token(ids) + self.kind(self.code_kind[codes]) + self.token_position.weight
        h = self.turn_pool(x, keep) + self.speaker(speaker) + self.position(regions)
        mentions = F.one_hot(codes, self.candidates + 1).amax(1)[:, 1:].float()
        return h, mentions

    def predict(self, h, mentions):
        """h [B, T, D], m [B, T, G] of the turns read -> logits [B * S, V], row b * S + s."""
        B = h.shape[0]
        keep = (torch.matmul(mentions, self.slot_member) > 0).transpose(1, 2)  # [B, S, T]: mentions slot s
        # q_s . (h_t W_k) = (q_s W_k^T) . h_t: the queries go through W_k once (nn.Linear keeps W_k^T).
        q = torch.matmul(self.slot_query, self.slot_key.weight) * (1.0 / math.sqrt(self.dim))
        alpha = masked_softmax(torch.matmul(q, h.transpose(1, 2)), keep)         # [B, S, T]
        pointer = torch.matmul(alpha, mentions)                                  # [B, S, G]
        own = pointer.gather(2, self.column.expand(B, -1, -1))                   # [B, S, V]
        logits = torch.where(self.own, torch.log(own + 1e-4), torch.full_like(own, -30.0))
        return logits.reshape(-1, logits.shape[2])


class Turn(nn.Module):
    def __init__(self, vocab, tokens, features, regions=24, dim=64, heads=4, k=4, hidden=128):
        super().__init__()
        self.reader = TurnReader(vocab, tokens, regions, dim, heads)
        self.policy = nn.Module()
        self.policy.scorer = RowScorer(features, hidden)
        self.k = k

    def forward(self, speaker, ids, codes, preview, missing, greedy: bool):
        """agents/episode.cpp: plan 4 turns from the previews, read them, predict -> logits, log p."""
        picks, log_p = plan(self.policy.scorer(preview), missing, self.k, greedy)
        B, k = picks.shape
        L = ids.shape[2]
        h, m = self.reader.encode(speaker.gather(1, picks).reshape(-1), gather_rows(ids, picks).reshape(-1, L),
                                  gather_rows(codes, picks).reshape(-1, L), picks.reshape(-1))
        return self.reader.predict(h.reshape(B, k, -1), m.reshape(B, k, -1)), log_p


def to_split(a):
    """task_data arrays -> (speaker [N, R], ids, codes [N, R, L], preview [N, R, P], missing [N, R], labels [N, 4])."""
    c = a["content"].astype(np.int64)
    L = (c.shape[2] - 1) // 2
    if (~a["missing"]).sum(1).min() < 4 or c[..., 1 + L:].max() > sum(SLOT_VALUES):
        raise ValueError("turn_torch: a dialogue with fewer than 4 turns, or a value code past restaurant_kb()'s")
    t = torch.from_numpy
    return (t(c[..., 0].copy()), t(c[..., 1:1 + L].copy()), t(c[..., 1 + L:].copy()), t(a["preview"]),
            t(a["missing"]), t(a["labels"]))


def data_for(seed, cache_dir=None):
    """The dialogue task's data (the same dialogues every epoch) and the model's sizes from it."""
    data = task_data.TaskData(CONFIG, seed, to_split, redraw=False, cache_dir=cache_dir)
    splits = [data.arrays("train", data.train_seed(1)), data.arrays("validation", task_data.VALIDATION_SEED),
              data.arrays("test", task_data.TEST_SEED)]
    if int(splits[0]["num_classes"]) != max(SLOT_VALUES):
        raise ValueError(f"turn_torch: the env has {int(splits[0]['num_classes'])} classes, "
                         f"restaurant_kb() {max(SLOT_VALUES)}")
    data.vocab = 1 + max(int(s["content"][..., 1:1 + (s["content"].shape[2] - 1) // 2].max()) for s in splits)
    data.tokens, data.features = (splits[0]["content"].shape[2] - 1) // 2, splits[0]["preview"].shape[2]
    return data


if __name__ == "__main__":
    DATA = data_for(ARGS.seed)
    common.measure(ARGS, "turn", lambda: Turn(DATA.vocab, DATA.tokens, DATA.features), self_critical_step, DATA)
