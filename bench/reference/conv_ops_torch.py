"""PyTorch's side of build/saccade_bench's BM_Conv2dStep: one 3x3 convolution (padding 1) forward and
backward, y = conv2d(x, W, b), y.backward(ones), at the `cnn` reference's three layers (batch, input
channels, side, output channels); the first layer's input gets no gradient. Prints the median ms per
step over --repeats, one line per layer. Usage: conv_ops_torch.py [--threads T] [--batch B] [--repeats N]"""
import argparse
import os
import statistics
import time

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--batch", type=int, default=64)
p.add_argument("--repeats", type=int, default=30)
args = p.parse_args()
# As bench/reference/common.py: threads fixed before torch loads, idle OpenMP workers sleep.
os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402

torch.set_num_threads(args.threads)
torch.manual_seed(1)
for c, side, o in [(1, 60, 32), (32, 30, 64), (64, 15, 64)]:
    x = torch.rand(args.batch, c, side, side, requires_grad=c > 1)
    conv = torch.nn.Conv2d(c, o, 3, padding=1)
    ones = torch.ones(args.batch, o, side, side)
    times = []
    for i in range(args.repeats + 3):  # the first 3 warm up
        start = time.perf_counter()
        conv(x).backward(ones)
        times.append(time.perf_counter() - start)
        conv.zero_grad()
        x.grad = None
    ms = 1000 * statistics.median(times[3:])
    flops = 2 * args.batch * side * side * o * c * 9 * (3 if c > 1 else 2)
    print(f"torch conv B={args.batch} C={c} side={side} O={o} threads={args.threads}: "
          f"{ms:.2f} ms/step, {flops / ms / 1e6:.1f} GFLOP/s")
