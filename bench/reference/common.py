"""What the PyTorch references share: the command line, the thread settings (before torch loads), the
data, the variants and the four measurements. A reference defines its model, whose forward(*inputs,
greedy) returns the logits first, and train_step(model, optimizer, inputs, labels), then calls
measure() with its data (FashionMnist here; bench/reference/task_data.py for text and dialogue): an
object with train(epoch), validation() and test(), each a tuple (inputs..., labels) of tensors.

Modes (one JSON line on stdout each, with "impl", "model" and "variant"; progress on stderr):
  --throughput --batch B --threads T    training samples/s ("batch", "threads", "samples_per_s"),
                                        median over --repeats steps on consecutive batches
  --latency                             greedy batch-1 inference under torch.inference_mode(),
                                        median ms over --repeats ("threads", "latency_ms")
  --train --epochs E                    train, keep the epoch with the best validation accuracy (as
                                        bench/configs/*.yaml's train.keep=best), report its greedy
                                        single-sample test accuracy ("epochs", "kept_epoch",
                                        "val_accuracy", "test_accuracy", "seconds")
  --profile --batch B                   no JSON: a markdown table of the top ops by self CPU time over
                                        20 training steps (1 if a step runs very many ops; torch.profiler),
                                        eager variant
Variants: --variant eager (default) runs the nn.Module as written; --variant script runs it compiled
by torch.jit.script (each reference's docstring says what is compiled). An example is correct only
if every one of its answer slots is (agents/episode.cpp's correct_per_example).
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

DATA = "/usr/share/datasets/fashion-mnist"


def setup(doc):
    """Parses the command line and sets the thread environment; call before importing torch."""
    p = argparse.ArgumentParser(description=doc + "\n" + __doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--throughput", action="store_true", help="training samples/s at --batch")
    mode.add_argument("--latency", action="store_true", help="greedy batch-1 inference, ms")
    mode.add_argument("--train", action="store_true", help="train --epochs and report test accuracy")
    mode.add_argument("--profile", action="store_true", help="top ops of 20 training steps (or 1) at --batch")
    p.add_argument("--variant", choices=["eager", "script"], default="eager",
                   help="eager nn.Module or torch.jit.script (default eager)")
    p.add_argument("--batch", type=int, default=128, help="batch size (default 128)")
    p.add_argument("--threads", type=int, default=1, help="torch and OpenBLAS threads (default 1)")
    p.add_argument("--repeats", type=int, default=30, help="timed steps or inferences (default 30)")
    p.add_argument("--epochs", type=int, default=10, help="with --train (default 10)")
    p.add_argument("--seed", type=int, default=0, help="torch and data-split seed (default 0)")
    args = p.parse_args()
    thread_environment(args.threads)
    keep_freed_memory()
    return args


def keep_freed_memory():
    """glibc's malloc keeps freed blocks up to 32 MiB (mmap threshold) and trims the heap only past
    256 MiB, as saccade sets it for its own processes (core/allocator.cpp, the command line and the
    Python module). Without it every tensor over 128 KiB is a fresh mmap whose pages fault in again at
    every step: the chunk model's training step at batch 128 took 90 to 170 ms instead of 58."""
    import ctypes
    libc = ctypes.CDLL("libc.so.6")
    libc.mallopt(-3, 32 << 20)   # M_MMAP_THRESHOLD
    libc.mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD


def thread_environment(threads):
    """OpenBLAS and OpenMP read these once, when they load (with numpy or torch), so they are set first.
    - OPENBLAS_NUM_THREADS: PyTorch never tells OpenBLAS (its BLAS here) how many threads to use, so
      without it "1 thread" would multiply on 2.
    - OMP_WAIT_POLICY=PASSIVE: OpenMP workers spinning between ops made 2 threads up to 50x slower on
      this 2-core VM.
    - OPENBLAS_CORETYPE: the AVX-512 kernels saccade picks on such a CPU (core/blas_kernels.hpp), so both
      sides multiply with the same kernels (bench/run.sh sets it for both)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(threads))
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if "OPENBLAS_CORETYPE" not in os.environ:
        with open("/proc/cpuinfo") as f:
            flags = set(next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), []))
        if {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"} <= flags:
            os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"


def load_idx(name):
    """An IDX file of Debian's dataset-fashion-mnist as a numpy array (uint8)."""
    import numpy as np
    with gzip.open(f"{DATA}/{name}.gz", "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


class FashionMnist:
    """Splits of (images [N, 28, 28] float in [0, 1], labels [N] int64). As in saccade, a tenth of the
    training set is held out for validation and the test set is t10k (the split itself differs:
    saccade draws it from its own random stream). The same training images every epoch."""

    def __init__(self, seed):
        self.seed, self.splits = seed, None

    def _load(self):
        import numpy as np
        import torch
        if self.splits is None:
            x, y = load_idx("train-images-idx3-ubyte"), load_idx("train-labels-idx1-ubyte")
            perm = np.random.default_rng(self.seed).permutation(len(x))
            nv = len(x) // 10
            val, train = np.sort(perm[:nv]), np.sort(perm[nv:])
            as_torch = lambda imgs, labels: (torch.from_numpy(imgs.astype(np.float32) / 255.0),
                                             torch.from_numpy(labels.astype(np.int64)))
            xt, yt = load_idx("t10k-images-idx3-ubyte"), load_idx("t10k-labels-idx1-ubyte")
            self.splits = as_torch(x[train], y[train]), as_torch(x[val], y[val]), as_torch(xt, yt)
        return self.splits

    def train(self, epoch):
        return self._load()[0]

    def validation(self):
        return self._load()[1]

    def test(self):
        return self._load()[2]


def median_seconds(run, repeats, warmup):
    """Median seconds of run(i) over `repeats` calls after `warmup` (allocator, OpenBLAS buffers)."""
    times = []
    for i in range(warmup + repeats):
        t0 = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times[warmup:])


def rows(split, index):
    """The examples `index` (a slice or an index tensor) of every tensor of a split."""
    return tuple(t[index] for t in split)


def correct(logits, labels):
    """[B] bool: every slot's argmax right. logits [B * S, C] (row b * S + s), labels [B] or [B, S]."""
    right = logits.argmax(1).reshape(labels.shape) == labels
    return right.reshape(labels.shape[0], -1).all(1)


def accuracy(model, split, batch=250):
    """Greedy single-sample accuracy."""
    import torch
    hits, n = 0, len(split[-1])
    with torch.no_grad():
        for i in range(0, n, batch):
            *inputs, labels = rows(split, slice(i, i + batch))
            hits += correct(model(*inputs, True)[0], labels).sum().item()
    return hits / n


def throughput(args, model, optimizer, train_step, data):
    split = data.train(1)
    n = len(split[-1])

    def step(i):  # consecutive batches, as bench/model_bench.cpp
        s = i * args.batch % (n - args.batch)
        *inputs, labels = rows(split, slice(s, s + args.batch))
        train_step(model, optimizer, inputs, labels)
    # TorchScript's profiling executor runs a graph a few times before it optimises it, and a step
    # runs several (sampled and greedy episodes, backward): with 3 warm-up steps, 5 timed script
    # steps of RAM at batch 32 ran at a fifth to a third of the rate of 30.
    warmup = 10 if args.variant == "script" else 3
    return {"batch": args.batch, "threads": args.threads,
            "samples_per_s": args.batch / median_seconds(step, args.repeats, warmup)}


def latency(args, model, data):
    import torch
    split = data.test()
    # Nothing here trains. Without this, TorchScript's profiling executor (1.13) may build a
    # differentiable graph for parameters that require grad, which fails under inference_mode
    # ("Inference tensors cannot be saved for backward", seen with the chunk model).
    for p in model.parameters():
        p.requires_grad_(False)

    def infer(i):
        *inputs, _ = rows(split, slice(i, i + 1))
        with torch.inference_mode():  # no autograd bookkeeping at all (no_grad still tracks versions)
            model(*inputs, True)[0].argmax(1).tolist()
    return {"threads": args.threads, "latency_ms": 1e3 * median_seconds(infer, args.repeats, 10)}


def train(args, name, model, optimizer, train_step, data):
    import torch
    if hasattr(data, "prepare"):  # extracting the epochs' data is not training time
        data.prepare(args.epochs)
    validation, test = data.validation(), data.test()
    best, best_val, best_epoch, start = None, -1.0, 0, time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        split = data.train(epoch)
        order = torch.randperm(len(split[-1]))
        for i in range(0, len(order) - args.batch + 1, args.batch):  # full batches only, as saccade
            *inputs, labels = rows(split, order[i:i + args.batch])
            train_step(model, optimizer, inputs, labels)
        val = accuracy(model, validation)
        print(f"[pytorch {name}] epoch {epoch}/{args.epochs}: validation accuracy {val:.4f} "
              f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
        if val > best_val:
            best_val, best_epoch = val, epoch
            best = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best)
    return {"epochs": args.epochs, "kept_epoch": best_epoch, "val_accuracy": best_val,
            "test_accuracy": accuracy(model, test), "seconds": time.perf_counter() - start}


def profiled(steps, train_step, model, optimizer, batches):
    """key_averages() of `steps` training steps under torch.profiler (CPU)."""
    from torch.profiler import ProfilerActivity, profile as torch_profile
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        for *inputs, labels in batches[:steps]:
            train_step(model, optimizer, inputs, labels)
    return prof.key_averages()


def profile(args, model, optimizer, train_step, data, steps=20, max_events=200_000, top=12):
    """Prints the top ops by self CPU time over `steps` training steps (after 3 unprofiled ones), or
    over one if a step records more than max_events / steps ops: the profiler spends ~80 us an op
    sorting them out afterwards, and the chunk model's bmm records ~50,000 ops a step (one small gemm
    per batch entry, in a torch without MKL), so 20 of its steps took 165 s to report."""
    split = data.train(1)
    batches = [rows(split, slice(i * args.batch, (i + 1) * args.batch)) for i in range(steps + 4)]
    for *inputs, labels in batches[:3]:
        train_step(model, optimizer, inputs, labels)
    ops, done = profiled(1, train_step, model, optimizer, batches[3:]), 1
    if sum(e.count for e in ops) * steps <= max_events:
        ops, done = profiled(steps, train_step, model, optimizer, batches[4:]), steps
    ops = sorted(ops, key=lambda e: e.self_cpu_time_total, reverse=True)
    total = sum(e.self_cpu_time_total for e in ops)
    print(f"| op | self CPU ms per step | share | calls per step |\n|---|---|---|---|")
    for e in ops[:top]:
        print(f"| {e.key} | {e.self_cpu_time_total / 1e3 / done:.3f} | {100 * e.self_cpu_time_total / total:.1f}% "
              f"| {e.count / done:g} |")
    print(f"| all ops ({done} step(s) at batch {args.batch}, {args.threads} thread(s), under the profiler) "
          f"| {total / 1e3 / done:.3f} | 100% | |")


def compiled(model, variant):
    """The model as the variant runs it: itself, or compiled by TorchScript (sharing its parameters)."""
    import torch
    return torch.jit.script(model) if variant == "script" else model


def measure(args, name, make_model, train_step, data):
    """Seeds torch, builds the model (compiled for --variant script) and its Adam (saccade's settings),
    runs the mode the command line asked for and prints its JSON line (or, --profile, its table)."""
    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    model = compiled(make_model(), "eager" if args.profile else args.variant)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    if args.profile:
        return profile(args, model, optimizer, train_step, data)
    if args.throughput:
        result = throughput(args, model, optimizer, train_step, data)
    elif args.latency:
        result = latency(args, model, data)
    else:
        result = train(args, name, model, optimizer, train_step, data)
    print(json.dumps({"impl": "pytorch", "model": name, "variant": args.variant, **result}), flush=True)
