#!/usr/bin/python3
"""saccade's PATCH model in PyTorch: the same one-shot top-k policy, attention reader, losses and
training step, for a benchmark to time side by side and a check that both reach comparable accuracy.

It mirrors (read them for the why):
  envs/image/{patches,canvas,dataset}.cpp  n x n patches of p x p, region r = row * n + col; the thumbnail
        preview = the canvas average-pooled by the preview factor; canvas 28 without clutter = the image
        as is; pixels = byte / 255
  agents/top_k_regions.cpp  scores = MLP(thumbnail) [B, R]; k regions by Gumbel-top-k (greedy: the top k
        scores); log p = the Plackett-Luce log-prob of the ordered draw
  attention/{patch_reader,set_reader,pooling,multi_head,scaled_dot_product}.cpp
        e_i = relu(relu(x_i W1 + b1) W2 + b2) + P[r_i] (P ~ N(0, 1) * 0.1); a learned query (N(0, 1))
        attends to the set, 4 heads, q/k/v/out projections, softmax(q k^T / sqrt(d / heads));
        logits = relu(pooled W3 + b3) W4 + b4
  agents/{reinforce,episode}.cpp  loss = CE - mean_b log p(set) (R - R_greedy), R = 1 if correct, R_greedy
        from a greedy episode on the same batch under no_grad (self-critical); grad norm clipped to 5;
        Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8: saccade's AdamW with weight decay 0)
  core/layers.cpp  Linear ~ U(-1/sqrt(fan_in), ..) (nn.Linear's default); Embedding N(0, 1)
Setting (bench/configs/patch.yaml): env: {type: image, dataset: fashion-mnist, region: patch, canvas: 28, clutter:
{pieces: 0}, grid: 4, preview_factor: 4}, reader: {type: patch, hidden: 128, heads: 4}, policy: {type: topk,
budget: 8, hidden: 128, baseline: self_critical}, train: {lr: 0.001, batch_size: 128}: 16 patches of 7x7,
a 7x7 thumbnail, 8 patches read.

Vectorised, no Python loop over the batch or the patches. Every episode cuts the patches and thumbnail
from the batch's images (saccade's env renders each batch); the 8 chosen patches are encoded in one call
(saccade encodes one per step: the same numbers, since a one-shot plan without STOP reads all 8 for every
example and the set needs no mask); the learned query is projected once, not once per example.
--variant script compiles the whole model (the episode: views, policy and reader) with torch.jit.script;
the loss, backward and Adam stay eager in both variants. Threads, OpenBLAS kernels and the modes:
bench/reference/common.py (--help).
"""
import math

import common

ARGS = common.setup(__doc__) if __name__ == "__main__" else None
import torch  # noqa: E402  (after common.setup has set the thread environment)
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402


class PatchView(nn.Module):
    """envs/image/patches.cpp: the patch grid and the thumbnail of a batch of W x W canvases."""

    def __init__(self, grid=4, preview_factor=4):
        super().__init__()
        self.n, self.f = grid, preview_factor

    def forward(self, images):
        B, W = images.shape[0], images.shape[-1]
        p = W // self.n
        patches = images.reshape(B, self.n, p, self.n, p).transpose(2, 3).reshape(B, self.n * self.n, p * p)
        return patches, F.avg_pool2d(images[:, None], self.f).reshape(B, -1)  # [B, R, p*p], [B, (W/f)^2]


class TopKPolicy(nn.Module):
    """agents/top_k_regions.cpp without STOP: k regions of R chosen at once from the thumbnail."""

    def __init__(self, preview_size=49, regions=16, k=8, hidden=128):
        super().__init__()
        self.scorer = nn.Sequential(nn.Linear(preview_size, hidden), nn.ReLU(), nn.Linear(hidden, regions))
        self.k = k

    def forward(self, preview, greedy: bool):
        """-> the picks [B, k] in draw order, and log p of that ordered draw [B] (empty when greedy)."""
        scores = self.scorer(preview)
        keys = scores.detach()
        if not greedy:  # Gumbel-top-k: an exact Plackett-Luce draw of k without replacement
            keys = keys - torch.log(-torch.log(torch.rand_like(keys).clamp_min(1e-12)))
        picks = keys.topk(self.k, dim=1).indices  # sorted: the j-th largest key is the j-th draw
        if greedy:
            return picks, scores.new_empty(0)
        one_hot = F.one_hot(picks, scores.shape[1]) != 0                      # [B, k, R]
        drawn_before = (one_hot.cumsum(1) != 0) & ~one_hot                    # regions drawn before pick j
        log_p = scores[:, None, :].masked_fill(drawn_before, -1e9).log_softmax(-1)
        return picks, log_p.gather(2, picks[..., None]).squeeze(2).sum(1)


class AttentionPooling(nn.Module):
    """attention/pooling.cpp + multi_head.cpp: one learned query attends to the set, `heads` heads."""

    def __init__(self, d=128, heads=4):
        super().__init__()
        self.query = nn.Parameter(torch.randn(1, 1, d))
        self.q_proj, self.k_proj, self.v_proj, self.out_proj = (nn.Linear(d, d) for _ in range(4))
        self.heads = heads

    def forward(self, x):
        B, T, d = x.shape
        H, dh = self.heads, d // self.heads
        q = self.q_proj(self.query.reshape(1, d)).reshape(H, dh) / math.sqrt(dh)  # the same for every example
        k, v = self.k_proj(x).reshape(B, T, H, dh), self.v_proj(x).reshape(B, T, H, dh)
        w = (k * q).sum(-1).softmax(1)  # [B, T, H]: with one query, a broadcast beats einsum's bmm
        return self.out_proj((w[..., None] * v).sum(1).reshape(B, d))


class PatchReader(nn.Module):
    """attention/patch_reader.cpp + set_reader.cpp."""

    def __init__(self, content_size=49, regions=16, dim=128, heads=4, classes=10):
        super().__init__()
        self.in1, self.in2 = nn.Linear(content_size, dim), nn.Linear(dim, dim)
        self.position = nn.Embedding(regions, dim)
        with torch.no_grad():
            self.position.weight.mul_(0.1)  # starts small so content dominates early training
        self.pool = AttentionPooling(dim, heads)
        self.head1, self.head2 = nn.Linear(dim, dim), nn.Linear(dim, classes)

    def forward(self, content, regions):
        """content [B, T, p*p] of regions [B, T] -> logits [B, classes]."""
        e = F.relu(self.in2(F.relu(self.in1(content)))) + self.position(regions)
        return self.head2(F.relu(self.head1(self.pool(e))))


class Patch(nn.Module):
    def __init__(self, grid=4, preview_factor=4, side=28, budget=8, hidden=128, heads=4, policy_hidden=128):
        super().__init__()
        self.view = PatchView(grid, preview_factor)
        self.policy = TopKPolicy((side // preview_factor) ** 2, grid * grid, budget, policy_hidden)
        self.reader = PatchReader((side // grid) ** 2, grid * grid, hidden, heads)

    def forward(self, images, greedy: bool):
        """agents/episode.cpp: cut the views, plan k regions from the thumbnail, read them, predict."""
        patches, preview = self.view(images)
        picks, log_p = self.policy(preview, greedy)
        content = patches.gather(1, picks[..., None].expand(-1, -1, patches.shape[2]))  # only the chosen
        return self.reader(content, picks), log_p


def train_step(model, optimizer, inputs, labels):
    """agents/reinforce.cpp's ReinforceTrainer::train_batch with the self-critical baseline."""
    optimizer.zero_grad()
    logits, log_p = model(*inputs, False)
    reward = (logits.argmax(1) == labels).float()
    with torch.no_grad():  # the greedy policy's reward on the same examples
        greedy_logits, _ = model(*inputs, True)
        baseline = (greedy_logits.argmax(1) == labels).float()
    loss = F.cross_entropy(logits, labels) - (log_p * (reward - baseline)).mean()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    optimizer.step()
    return loss.item()


if __name__ == "__main__":
    common.measure(ARGS, "patch", Patch, train_step, common.FashionMnist(ARGS.seed))
