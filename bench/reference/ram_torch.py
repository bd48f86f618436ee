#!/usr/bin/python3
"""RAM (Mnih et al. 2014) in PyTorch: the same model, losses and training step as saccade's, for
`make bench` to time side by side and for a check that both reach comparable accuracy.

It mirrors, file by file (read them for the why):
  envs/image/retina.{hpp,cpp}       the multi-scale retina: k scales of g x g, widths g * 2^s, centre
                                    (l + 1) / 2 * W, top-left round(centre - w / 2), zeros off the canvas
  attention/ram_reader.{hpp,cpp}    h_g = relu(rho W_g + b), h_l = relu(l W_l + b),
                                    e = relu(h_g W_hg + h_l W_hl + b), h = relu(h W_hh + b + e W_eh)
  agents/gaussian_location.cpp      mean = tanh(h.detach() W + b), l ~ N(mean, std^2), clipped to [-1, 1]
  agents/reinforce.cpp              loss = CE + sum_t mean_b (b_t - R)^2 - mean_b sum_t log pi(l_t) (R - b_t),
                                    b_t = h_t.detach() W_b + c, R = 1 if correct; clip the global grad
                                    norm to 5; Adam (lr 1e-3, betas 0.9/0.999, eps 1e-8)
  agents/episode.cpp                h_0 = 0; the first location comes from the policy on h_0
  core/layers.cpp                   Linear: weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
                                    which is nn.Linear's own default
The setting is bench/configs/ram.yaml (bench/model_bench.cpp times it): Fashion-MNIST 28x28 as is (pixels = byte / 255), 6 glimpses of a
12x12 retina at 3 scales, hidden 256 (glimpse network 128), std 0.1, batch 128.

The retina is vectorised (one window per example cut from the batch, zero-padded once per episode by
the margin the widest window needs, then average pooling): no Python loop over the batch, so PyTorch
is timed at its best, not through a per-example loop. --variant script compiles the whole model (the
episode: retina, reader and policy) with torch.jit.script; the loss, backward and Adam stay eager in
both variants.
"""
import math

import common

ARGS = common.setup(__doc__) if __name__ == "__main__" else None
import torch  # noqa: E402  (after common.setup has set the thread environment)
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402


class Retina(nn.Module):
    """k scales of g x g around l = (row, col) in [-1, 1]^2 (envs/image/retina.hpp's convention), cut
    from the batch padded once per episode (pad())."""

    def __init__(self, g=12, k=3):
        super().__init__()
        # The widest window, w = g * 2^(k-1), starts at floor(centre - w/2 + 0.5) >= -w/2 (centre in
        # [0, W], since l is clipped to [-1, 1]) and ends at most w/2 - 1 past the last pixel: a margin
        # of w/2 covers both sides; + 1 leaves room for an odd width.
        self.g, self.k, self.pad_width = g, k, g * 2 ** (k - 1) // 2 + 1

    @torch.jit.export
    def pad(self, images):
        """The batch with a zero margin (the retina's zeros off the canvas), made once per episode."""
        p = self.pad_width
        return F.pad(images, [p, p, p, p])

    def forward(self, padded, l):
        B, P = padded.shape[0], padded.shape[-1]
        centre = (l.detach() + 1.0) * 0.5 * (P - 2 * self.pad_width)
        batch = torch.arange(B)
        sb, sr, sc = padded.stride()[0], padded.stride()[1], padded.stride()[2]
        scales = []
        for s in range(self.k):
            w = self.g * (1 << s)  # an int, where TorchScript's 2 ** s is a float
            top_left = torch.floor(centre - 0.5 * w + 0.5).long() + self.pad_width  # [B, 2]
            # Every w x w window of the batch as a view; indexing it by (example, top, left) copies
            # one window per example. Indexing pixels by broadcast rows and columns (an index per
            # pixel) took 47% of the training step at batch 128 (torch.profiler).
            windows = padded.as_strided([B, P - w + 1, P - w + 1, w, w], [sb, sr, sc, sr, sc])
            window = windows[batch, top_left[:, 0], top_left[:, 1]]           # [B, w, w]
            scales.append(F.avg_pool2d(window[:, None], 1 << s).reshape(B, -1) if s > 0 else window.reshape(B, -1))
        return torch.cat(scales, dim=1)                                       # [B, k * g * g]


class RamReader(nn.Module):
    """attention/ram_reader.cpp with core "rnn"."""

    def __init__(self, glimpse_size=432, glimpse_hidden=128, hidden=256, classes=10):
        super().__init__()
        self.glimpse = nn.Linear(glimpse_size, glimpse_hidden)
        self.where = nn.Linear(2, glimpse_hidden)
        self.glimpse_to_e = nn.Linear(glimpse_hidden, hidden)
        self.where_to_e = nn.Linear(glimpse_hidden, hidden, bias=False)
        self.core_hh = nn.Linear(hidden, hidden)
        self.core_eh = nn.Linear(hidden, hidden, bias=False)
        self.out = nn.Linear(hidden, classes)
        self.hidden = hidden

    def encode(self, rho, l):
        return F.relu(self.glimpse_to_e(F.relu(self.glimpse(rho))) + self.where_to_e(F.relu(self.where(l))))

    def update(self, h, e):
        return F.relu(self.core_hh(h) + self.core_eh(e))


class GaussianLocation(nn.Module):
    """agents/gaussian_location.cpp: a fixed-std Gaussian whose mean reads the detached state."""

    def __init__(self, hidden=256, std=0.1):
        super().__init__()
        self.mean, self.std = nn.Linear(hidden, 2), std

    def forward(self, h, greedy: bool):
        """-> the location [B, 2], and its log-probability [B] (empty when greedy: no gradient to take,
        and saccade skips it under NoGrad too)."""
        mean = torch.tanh(self.mean(h.detach()))
        if greedy:
            return mean.detach().clamp(-1.0, 1.0), h.new_empty(0)
        sample = mean.detach() + self.std * torch.randn_like(mean)
        log_prob = (-0.5 * ((sample - mean) / self.std) ** 2 - math.log(self.std) - 0.5 * math.log(2 * math.pi)).sum(1)
        return sample.clamp(-1.0, 1.0), log_prob


class Ram(nn.Module):
    def __init__(self, glimpses=6, g=12, k=3, hidden=256, glimpse_hidden=128, std=0.1, classes=10):
        super().__init__()
        self.retina, self.glimpses = Retina(g, k), glimpses
        self.reader = RamReader(k * g * g, glimpse_hidden, hidden, classes)
        self.policy = GaussianLocation(hidden, std)
        self.baseline = nn.Linear(hidden, 1)

    def forward(self, images, greedy: bool):
        """agents/episode.cpp: logits [B, C], and per step [T, B] the log-probability and [T, B, H]
        the detached state the policy decided from (the baseline's input); both empty when greedy."""
        h = images.new_zeros([images.shape[0], self.reader.hidden])
        padded = self.retina.pad(images)
        log_probs, states = [], []
        for _ in range(self.glimpses):
            states.append(h.detach())
            l, log_prob = self.policy(h, greedy)
            log_probs.append(log_prob)
            h = self.reader.update(h, self.reader.encode(self.retina(padded, l), l))
        if greedy:
            return self.reader.out(h), h.new_empty(0), h.new_empty(0)
        return self.reader.out(h), torch.stack(log_probs), torch.stack(states)


def train_step(model, optimizer, inputs, labels):
    """agents/reinforce.cpp's ReinforceTrainer::train_batch with a learned baseline."""
    optimizer.zero_grad()
    logits, log_probs, states = model(*inputs, False)
    B = labels.shape[0]
    R = (logits.argmax(1) == labels).float()
    loss = F.cross_entropy(logits, labels)
    for log_prob, h in zip(log_probs, states):
        b = model.baseline(h).squeeze(1)
        loss = loss + ((b - R) ** 2).sum() / B - (log_prob * (R - b.detach())).sum() / B
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 5.0)
    optimizer.step()
    return loss.item()


if __name__ == "__main__":
    common.measure(ARGS, "ram", Ram, train_step, common.FashionMnist(ARGS.seed))
