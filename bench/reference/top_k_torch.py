"""The one-shot region policy and the self-critical training step the text chunk and dialogue turn
references share, mirroring (read them for the why):
  agents/top_k_regions.cpp  scores [B, R]: one small MLP [features, hidden, 1] (ReLU between) on each
        region's preview row, shared by the regions (`features` > 0); on a bag of (bucket, weight)
        pairs (`bag_slots` > 0, text chunks) its first layer is sum_k w_k W[bucket_k] + b
        (core/layers.cpp's Linear::forward(BagRows); here a sparse-dense product, see BagLinear).
        k regions by Gumbel-top-k (greedy: the k highest scores); regions flagged read at reset (a
        dialogue's missing turns) are never drawn; log p = the Plackett-Luce log-prob of the ordered
        draw, each pick a categorical over the regions not drawn before it (masked at -1e9)
  agents/reinforce.cpp, agents/episode.cpp  loss = CE over every answer slot's row (mean over B * S
        rows) - mean_b log p(set) (R - R_greedy); R = 1 if every slot of the example is right
        (correct_per_example), R_greedy the same for a greedy episode of the same batch under no_grad
        (self-critical); the global grad norm clipped to 5; Adam (common.py)
The scorer's parameters are named as saccade's MLP's (scorer.layers.0, scorer.layers.1).
"""
from typing import Optional

import torch
import torch.nn.functional as F
from torch import nn

import common


class BagLinear(nn.Module):
    """core/layers.cpp's Linear on bag rows: ids, weights [N, K] -> sum_k w_k W[id_k] + b [N, out].
    W is kept as saccade keeps a Linear's weight, [in, out] (a table of rows), initialised as a
    Linear of fan-in `in`."""

    def __init__(self, features, out):
        super().__init__()
        bound = 1.0 / features ** 0.5
        self.weight = nn.Parameter(torch.empty(features, out).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(out).uniform_(-bound, bound))

    def forward(self, ids, weights):
        # As a sparse [N, in] x dense [in, out] product: the same sums as F.embedding_bag with
        # per_sample_weights, faster here (2,048 bags of 12, forward and backward: 2.1 ms against
        # 3.2; gathering the rows and summing them, 6.3 ms).
        N, K = ids.shape
        rows = torch.arange(N, device=ids.device).repeat_interleave(K)
        bags = torch.sparse_coo_tensor(torch.stack([rows, ids.reshape(-1)]), weights.reshape(-1),
                                       [N, self.weight.shape[0]])
        return torch.sparse.mm(bags, self.weight) + self.bias


class RowScorer(nn.Module):
    """saccade's MLP [features, hidden, 1] on each row of a dense preview [B, R, features] -> [B, R]."""

    def __init__(self, features, hidden):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(features, hidden), nn.Linear(hidden, 1)])

    def forward(self, rows):
        return self.layers[1](torch.relu(self.layers[0](rows))).squeeze(-1)


class BagScorer(nn.Module):
    """The same MLP with its first layer on bag rows: ids, weights [B, R, K] -> [B, R]."""

    def __init__(self, features, hidden):
        super().__init__()
        self.layers = nn.ModuleList([BagLinear(features, hidden), nn.Linear(hidden, 1)])

    def forward(self, ids, weights):
        B, R, K = ids.shape
        h = self.layers[0](ids.reshape(B * R, K), weights.reshape(B * R, K))
        return self.layers[1](torch.relu(h)).reshape(B, R)


def plan(scores, missing: Optional[torch.Tensor], k: int, greedy: bool):
    """k regions of scores [B, R] -> the picks [B, k] in draw order and log p of that ordered draw [B]
    (empty when greedy). missing [B, R] bool: regions never drawn (every example has at least k)."""
    keys = scores.detach()
    if not greedy:  # Gumbel-top-k: an exact Plackett-Luce draw of k without replacement
        keys = keys - torch.log(-torch.log(torch.rand_like(keys).clamp_min(1e-12)))
    if missing is not None:
        keys = keys.masked_fill(missing, float("-inf"))
    picks = keys.topk(k, dim=1).indices  # sorted: the j-th largest key is the j-th draw
    if greedy:
        return picks, scores.new_empty(0)
    one_hot = F.one_hot(picks, scores.shape[1]) != 0                     # [B, k, R]
    out_of_reach = (one_hot.cumsum(1) != 0) & ~one_hot                   # drawn before pick j
    if missing is not None:
        out_of_reach = out_of_reach | missing[:, None, :]
    log_p = scores[:, None, :].masked_fill(out_of_reach, -1e9).log_softmax(-1)
    return picks, log_p.gather(2, picks[..., None]).squeeze(2).sum(1)


def gather_rows(x, picks):
    """The picked regions' rows of x [B, R, L] -> [B, k, L]."""
    return x.gather(1, picks[:, :, None].expand(-1, -1, x.shape[2]))


def self_critical_step(model, optimizer, inputs, labels):
    """agents/reinforce.cpp's ReinforceTrainer::train_batch with the self-critical baseline; labels
    [B] or [B, S] (the logits' rows are b * S + s)."""
    optimizer.zero_grad()
    logits, log_p = model(*inputs, False)
    reward = common.correct(logits, labels).float()
    with torch.no_grad():  # the greedy policy's reward on the same examples
        baseline = common.correct(model(*inputs, True)[0], labels).float()
    loss = F.cross_entropy(logits, labels.reshape(-1)) - (log_p * (reward - baseline)).mean()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    optimizer.step()
    return loss.item()
