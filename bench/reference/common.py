"""What the PyTorch references share: the command line, the thread settings (before torch loads), the
data, and the three measurements. A reference defines its model (with `episode(images, greedy)`, whose
first result is the logits) and `train_step(model, optimizer, images, labels)`, then calls `measure`.

Modes (one JSON line on stdout each; progress on stderr):
  --throughput --batch B --threads T    training samples/s, median over --repeats steps
  --latency                             greedy batch-1 inference, median ms over --repeats
  --train --epochs E                    train, keep the epoch with the best validation accuracy (as
                                        bench/configs/*.yaml's train.keep=best), report its greedy
                                        single-sample test accuracy
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
    p.add_argument("--batch", type=int, default=128, help="batch size (default 128)")
    p.add_argument("--threads", type=int, default=1, help="torch and OpenBLAS threads (default 1)")
    p.add_argument("--repeats", type=int, default=30, help="timed steps or inferences (default 30)")
    p.add_argument("--epochs", type=int, default=10, help="with --train (default 10)")
    p.add_argument("--seed", type=int, default=0, help="torch and data-split seed (default 0)")
    args = p.parse_args()
    thread_environment(args.threads)
    return args


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


def load_fashion_mnist(seed):
    """(train, validation, test) as (images [N, 28, 28] float in [0, 1], labels [N] int64). As in
    saccade, a tenth of the training set is held out for validation and the test set is t10k (the
    split itself differs: saccade draws it from its own random stream)."""
    import numpy as np
    import torch
    x, y = load_idx("train-images-idx3-ubyte"), load_idx("train-labels-idx1-ubyte")
    perm = np.random.default_rng(seed).permutation(len(x))
    nv = len(x) // 10
    val, train = np.sort(perm[:nv]), np.sort(perm[nv:])
    as_torch = lambda imgs, labels: (torch.from_numpy(imgs.astype(np.float32) / 255.0),
                                     torch.from_numpy(labels.astype(np.int64)))
    xt, yt = load_idx("t10k-images-idx3-ubyte"), load_idx("t10k-labels-idx1-ubyte")
    return as_torch(x[train], y[train]), as_torch(x[val], y[val]), as_torch(xt, yt)


def median_seconds(run, repeats, warmup):
    """Median seconds of run(i) over `repeats` calls after `warmup` (allocator, OpenBLAS buffers)."""
    times = []
    for i in range(warmup + repeats):
        t0 = time.perf_counter()
        run(i)
        times.append(time.perf_counter() - t0)
    return statistics.median(times[warmup:])


def accuracy(model, images, labels, batch=250):
    """Greedy single-sample accuracy."""
    import torch
    correct = 0
    with torch.no_grad():
        for i in range(0, len(images), batch):
            logits = model.episode(images[i:i + batch], greedy=True)[0]
            correct += (logits.argmax(1) == labels[i:i + batch]).sum().item()
    return correct / len(images)


def throughput(args, model, optimizer, train_step):
    (x, y), _, _ = load_fashion_mnist(args.seed)

    def step(i):  # consecutive batches, as bench/model_bench.cpp
        s = i * args.batch % (len(x) - args.batch)
        train_step(model, optimizer, x[s:s + args.batch], y[s:s + args.batch])
    return {"batch": args.batch, "threads": args.threads,
            "samples_per_s": args.batch / median_seconds(step, args.repeats, 3)}


def latency(args, model):
    import torch
    _, _, (x, _) = load_fashion_mnist(args.seed)

    def infer(i):
        with torch.no_grad():
            model.episode(x[i:i + 1], greedy=True)[0].argmax(1).item()
    return {"threads": args.threads, "latency_ms": 1e3 * median_seconds(infer, args.repeats, 10)}


def train(args, name, model, optimizer, train_step):
    import torch
    (x, y), (xv, yv), (xt, yt) = load_fashion_mnist(args.seed)
    best, best_val, best_epoch, start = None, -1.0, 0, time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        order = torch.randperm(len(x))
        for i in range(0, len(x) - args.batch + 1, args.batch):  # full batches only, as saccade
            idx = order[i:i + args.batch]
            train_step(model, optimizer, x[idx], y[idx])
        val = accuracy(model, xv, yv)
        print(f"[pytorch {name}] epoch {epoch}/{args.epochs}: validation accuracy {val:.4f} "
              f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
        if val > best_val:
            best_val, best_epoch = val, epoch
            best = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best)
    return {"epochs": args.epochs, "kept_epoch": best_epoch, "val_accuracy": best_val,
            "test_accuracy": accuracy(model, xt, yt), "seconds": time.perf_counter() - start}


def measure(args, name, make_model, train_step):
    """Seeds torch, builds the model and its Adam (saccade's settings), runs the mode the command line
    asked for and prints its JSON line."""
    import torch
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    model = make_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
    if args.throughput:
        result = throughput(args, model, optimizer, train_step)
    elif args.latency:
        result = latency(args, model)
    else:
        result = train(args, name, model, optimizer, train_step)
    print(json.dumps({"impl": "pytorch", "model": name, **result}), flush=True)
