"""Prints `make bench`'s side-by-side tables from BUILD/bench and writes its figures to a JSON file.

    /usr/bin/python3 bench/compare.py [BUILD/bench] [--json bench/results.json]

Reads what bench/run.sh left in BUILD/bench: saccade's Google Benchmark JSON at 1 and 2 threads
(saccade-t1.json, saccade-t2.json; medians of repetitions), the JSON lines of the PyTorch references
(torch.jsonl: bench/reference/MODEL_torch.py, each line "impl": "pytorch", "model", "variant" and either
"batch", "threads", "samples_per_s" or "threads", "latency_ms"; a line without "variant" is eager, as
the references were before they had a TorchScript variant) and of bench/peak_memory.py ("memory",
"peak_rss_mb"), and the profiles profile-MODEL-torch.md and profile-MODEL-saccade.md. Prints markdown,
so it pastes into bench/RESULTS.md. Either side may be missing: its figures print as — and are null.

The JSON file (--json) is one flat object with dotted keys, null where a figure was not measured:
  machine, date (UTC), commit (with -dirty if the tree had changes), blas_kernels
  for each MODEL in ram, patch, chunk, turn, and B in 128, 32:
    MODEL.train_bB_ratio            saccade's training samples/s at its best thread count over PyTorch's
                                    at its best variant and thread count
    MODEL.saccade_samples_per_s_bB, MODEL.saccade_threads_bB   saccade's best, and at how many threads
    MODEL.pytorch_samples_per_s_bB, MODEL.pytorch_variant_bB, MODEL.pytorch_threads_bB   PyTorch's best
    MODEL.latency_ratio             saccade's batch-1 greedy inference latency (1 thread) over the best
                                    PyTorch variant's
    MODEL.saccade_latency_us, MODEL.pytorch_latency_us, MODEL.pytorch_latency_variant
    MODEL.gemm_share                the training step's GFLOP/s on its own matrix products over OpenBLAS's
                                    on them replayed alone (BM_ModelStepGemms), i.e. t_products / t_step:
                                    the minimum over batches and threads
    MODEL.gemm_share_bB             the minimum over threads at batch B; MODEL.gemm_share_bB_tT each one
  patch_read.kK_share               t_K / t_16 for K in 2, 4, 8 (evaluation us/example reading K of 16
                                    patches against all 16)
  patch_read.fixed_share            t_0 / t_16: the fixed per-example cost (reading nothing)
  patch_read.kK_rest_share          (t_K - t_0) / t_16: what reading the K patches itself costs
  patch_read.us_per_example_kK      t_K for K in 0, 2, 4, 8, 16
  turn_read.fixed_us_per_example, turn_read.adaptive_us_per_example, turn_read.fixed_over_adaptive
  memory.saccade_peak_mb, memory.pytorch_peak_mb   a one-epoch RAM training run's peak resident memory
"""
import argparse
import datetime
import json
import math
import os
import pathlib
import platform
import subprocess

NAN = float("nan")
REPO = pathlib.Path(__file__).resolve().parents[1]
BATCHES, THREADS, VARIANTS, READ_KS = (128, 32), (1, 2), ("eager", "script"), (0, 2, 4, 8, 16)
MODELS = {  # name: (the benchmarks' prefix, BM_<Prefix>TrainStep; the title of its tables)
    "ram": ("Ram", "RAM training step (Fashion-MNIST 28x28, 6 glimpses, retina 12x12x3, hidden 256; "
                   "bench/configs/ram.yaml)"),
    "patch": ("Patch", "Patch model training step (Fashion-MNIST 28x28, 8 of 16 patches of 7x7 chosen from the "
                       "thumbnail, self-critical; bench/configs/patch.yaml)"),
    "chunk": ("Chunk", "Text chunk model training step (fortunes, 4 of 16 chunks of 12 tokens chosen from their "
                       "previews, self-critical; bench/configs/chunk.yaml)"),
    "turn": ("Turn", "Dialogue turn model training step (generated bookings, 4 of 24 turns chosen from their "
                     "previews, self-critical; bench/configs/turn.yaml)"),
}

# The keys results.json always has (null where not measured): what issue 19's lines are checked on.
REQUIRED = [f"{m}.{k}" for m in MODELS for k in ("train_b128_ratio", "train_b32_ratio", "latency_ratio", "gemm_share")] + \
    [f"patch_read.k{k}_share" for k in (2, 4, 8)] + ["patch_read.fixed_share"]


def fmt(value, spec=",.0f", suffix=""):
    """A figure, or — where it was not measured."""
    return "—" if value is None or value != value else f"{value:{spec}}{suffix}"


def ratio(a, b):
    return a / b if a == a and b == b and b else NAN


def ms(bench):
    """A Google Benchmark entry's real time in milliseconds (NaN for none)."""
    if not bench:
        return NAN
    return bench["real_time"] * {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[bench["time_unit"]]


class Saccade:
    """saccade_bench's medians at each thread count: {threads: {run name: fields}}."""

    def __init__(self, directory):
        self.runs, self.context = {}, {}
        for t in THREADS:
            path = directory / f"saccade-t{t}.json"
            if path.exists():
                data = json.loads(path.read_text())
                # The median of the repetitions; a run of one repetition (BENCH_QUICK) has only the run itself.
                single = {}
                for b in data["benchmarks"]:
                    if b.get("run_type") != "aggregate":
                        single.setdefault(b["run_name"], b)
                median = {b["run_name"]: b for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
                self.runs[t] = single | median
                self.context = data["context"]

    def get(self, name, threads=1):
        return self.runs.get(threads, {}).get(name + "/real_time")

    def value(self, name, key, threads=1):
        b = self.get(name, threads)
        return b[key] if b and key in b else NAN


class Torch:
    """The PyTorch references' JSON lines."""

    def __init__(self, path):
        lines = path.read_text().splitlines() if path.exists() else []
        self.records = [json.loads(line) for line in lines if line.strip().startswith("{")]

    def find(self, model, key, **match):
        for r in self.records:
            if r.get("model") == model and key in r and all(r.get(k, "eager" if k == "variant" else None) == v
                                                            for k, v in match.items()):
                return r[key]
        return NAN

    def best_throughput(self, model, batch, threads=None):
        """(samples/s, variant, threads) of the fastest variant (at `threads`, or at any thread count)."""
        cands = [(self.find(model, "samples_per_s", batch=batch, threads=t, variant=v), v, t)
                 for v in VARIANTS for t in THREADS if threads in (None, t)]
        cands = [c for c in cands if c[0] == c[0]]
        return max(cands) if cands else (NAN, None, None)

    def best_latency(self, model):
        cands = [(self.find(model, "latency_ms", variant=v), v) for v in VARIANTS]
        cands = [c for c in cands if c[0] == c[0]]
        return min(cands) if cands else (NAN, None)


def throughput_table(model, prefix, ours, torch, out):
    print("| batch | threads | saccade | PyTorch eager | PyTorch script | best PyTorch variant | saccade / best PyTorch |")
    print("|---|---|---|---|---|---|---|")
    for batch in BATCHES:
        name = f"BM_{prefix}TrainStep/{batch}"
        for t in THREADS:
            s = ours.value(name, "samples_per_s", t)
            e, sc = (torch.find(model, "samples_per_s", batch=batch, threads=t, variant=v) for v in VARIANTS)
            p, v, _ = torch.best_throughput(model, batch, t)
            print(f"| {batch} | {t} | {fmt(s)} | {fmt(e)} | {fmt(sc)} | {fmt(p)}{f' ({v})' if v else ''} | "
                  f"{fmt(ratio(s, p), '.2f', 'x')} |")
        ss = [(ours.value(name, "samples_per_s", t), t) for t in THREADS]
        s, st = max(((x, t) for x, t in ss if x == x), default=(NAN, None))
        p, v, pt = torch.best_throughput(model, batch)
        print(f"| {batch} | best of each | {fmt(s)}{f' ({st} thr.)' if st else ''} | | | "
              f"{fmt(p)}{f' ({v}, {pt} thr.)' if v else ''} | **{fmt(ratio(s, p), '.2f', 'x')}** |")
        out.update({f"{model}.train_b{batch}_ratio": ratio(s, p), f"{model}.saccade_samples_per_s_b{batch}": s,
                    f"{model}.saccade_threads_b{batch}": st, f"{model}.pytorch_samples_per_s_b{batch}": p,
                    f"{model}.pytorch_variant_b{batch}": v, f"{model}.pytorch_threads_b{batch}": pt})


def latency_line(model, prefix, ours, torch, out):
    ours_us = ms(ours.get(f"BM_{prefix}Latency")) * 1000
    eager, script = (torch.find(model, "latency_ms", variant=v) * 1000 for v in VARIANTS)
    best_ms, variant = torch.best_latency(model)
    r = ratio(ours_us, best_ms * 1000)
    print(f"\nBatch-1 greedy inference, 1 thread: saccade {fmt(ours_us, '.0f', ' us')}, PyTorch eager "
          f"{fmt(eager, '.0f', ' us')}, script {fmt(script, '.0f', ' us')}: saccade takes **{fmt(r, '.3f')}** of "
          f"the best PyTorch variant's time{f' ({variant})' if variant else ''}")
    out.update({f"{model}.latency_ratio": r, f"{model}.saccade_latency_us": ours_us,
                f"{model}.pytorch_latency_us": best_ms * 1000, f"{model}.pytorch_latency_variant": variant})


def gemm_share_table(model, prefix, ours, out):
    """The step's GFLOP/s on its own matrix products (the step's recorded gemm calls) over what OpenBLAS
    reaches on those products replayed alone: with the same FLOPs on both sides, t_products / t_step.
    (The step's own GFLOP/s column counts 3 x the forward as results.csv does, without a self-critical
    baseline's greedy episode, whose products the replay includes; so the share is not its ratio.)"""
    print(f"\nTraining step against OpenBLAS alone on the same matrix products ({model}; the step's recorded "
          f"gemm calls, replayed): share = the products' time alone / the step's time\n")
    print("| batch | threads | step ms | step GFLOP/s (3 x forward) | its products alone, ms | their GFLOP/s | share |")
    print("|---|---|---|---|---|---|---|")
    shares = {}
    for batch in BATCHES:
        for t in THREADS:
            step, gemms = ours.get(f"BM_{prefix}TrainStep/{batch}", t), ours.get(f"BM_{prefix}StepGemms/{batch}", t)
            g = step["GFLOP/s"] if step else NAN
            s = gemms["GFLOP/s"] if gemms else NAN
            shares[batch, t] = ratio(ms(gemms), ms(step)) if step and gemms else NAN
            print(f"| {batch} | {t} | {fmt(ms(step), '.2f')} | {fmt(g, '.1f')} | {fmt(ms(gemms), '.2f')} | "
                  f"{fmt(s, '.1f')} | {fmt(shares[batch, t], '.0%')} |")
            out[f"{model}.gemm_share_b{batch}_t{t}"] = shares[batch, t]
        out[f"{model}.gemm_share_b{batch}"] = min_measured(shares[batch, t] for t in THREADS)
    out[f"{model}.gemm_share"] = min_measured(shares.values())


def min_measured(values):
    values = [v for v in values if v == v]
    return min(values) if values else NAN


def model_tables(ours, torch, out):
    for model, (prefix, title) in MODELS.items():
        if not any(ours.get(f"BM_{prefix}TrainStep/{b}", t) for b in BATCHES for t in THREADS):
            print(f"\n({model}: saccade_bench has no BM_{prefix}TrainStep figures)")
            continue
        print(f"\n{title}, samples/s, medians:\n")
        throughput_table(model, prefix, ours, torch, out)
        latency_line(model, prefix, ours, torch, out)
        gemm_share_table(model, prefix, ours, out)


def patch_read_table(ours, out):
    t = {k: ms(ours.get(f"BM_PatchRead/{k}")) * 1000 / 250 for k in READ_KS}  # us per example
    if t[16] != t[16]:
        return
    print("\nReading k of 16 patches (evaluation, batch 250, 1 thread; `random` for 0 < k < 16, `all` at 16, "
          "a policy that stops at once at k = 0):\n")
    print("| k | us/example | share of the full view's, t_k / t_16 | the rest, (t_k - t_0) / t_16 | k / N | limit 1.2 k / N |")
    print("|---|---|---|---|---|---|")
    for k in READ_KS:
        share, rest = ratio(t[k], t[16]), ratio(t[k] - t[0], t[16])
        print(f"| {k} | {fmt(t[k], '.1f')} | {fmt(share, '.2f')} | {fmt(rest, '.2f') if k else ''} | "
              f"{k / 16:.3f} | {1.2 * k / 16:.2f} |")
        out[f"patch_read.us_per_example_k{k}"] = t[k]
        if 0 < k < 16:
            out[f"patch_read.k{k}_share"], out[f"patch_read.k{k}_rest_share"] = share, rest
    out["patch_read.fixed_share"] = ratio(t[0], t[16])
    print(f"\nThe fixed per-example cost (k = 0: rendering the canvas and its thumbnail, one decision, the head "
          f"on an empty memory): {fmt(t[0], '.1f', ' us')}, {fmt(ratio(t[0], t[16]), '.2f')} of the full view's; "
          f"for k = 2 the rest is {fmt(ratio(t[2] - t[0], t[16]), '.3f')} against 1.2 x 2/16 = 0.150")


def turn_read_line(ours, out):
    fixed, adaptive = (ms(ours.get(f"BM_TurnRead/{p}")) * 1000 / 250 for p in ("fixed", "adaptive"))
    if fixed != fixed and adaptive != adaptive:
        return
    print(f"\nDialogue turn model, evaluation reading 4 of 24 turns (batch 250, 1 thread): `last` "
          f"{fmt(fixed, '.1f', ' us')}/example, adaptive {fmt(adaptive, '.1f', ' us')}/example "
          f"(fixed / adaptive {fmt(ratio(fixed, adaptive), '.2f')}); with glibc's freeing back (core/allocator.hpp) both "
          f"read at about 660 (bench/read_bench.cpp)")
    out.update({"turn_read.fixed_us_per_example": fixed, "turn_read.adaptive_us_per_example": adaptive,
                "turn_read.fixed_over_adaptive": ratio(fixed, adaptive)})


def memory_line(torch, out):
    memory = {r["memory"]: r["peak_rss_mb"] for r in torch.records if "memory" in r}
    for side in ("saccade", "pytorch"):
        out[f"memory.{side}_peak_mb"] = memory.get(side, NAN)
    if memory:
        print("\nPeak resident memory of a one-epoch RAM training run (bench/configs/ram.yaml; bench/peak_memory.py): "
              + ", ".join(f"{name} {mb:,.0f} MB" for name, mb in memory.items()))


def profiles(directory):
    for model in MODELS:
        for side, what in (("torch", "PyTorch's top ops"), ("saccade", "saccade's top symbols (perf)")):
            path = directory / f"profile-{model}-{side}.md"
            if path.exists() and path.read_text().strip():
                print(f"\nProfile of one {model} training step, batch 128, 1 thread: {what}\n")
                print(path.read_text().rstrip())


def others_table(ours):
    """saccade's benchmarks the tables above do not show."""
    shown = [f"BM_{p}{kind}" for p, _ in MODELS.values() for kind in ("TrainStep", "Latency", "StepGemms")]
    rest = {n: b for n, b in ours.runs.get(1, {}).items() if not any(n.startswith(s) for s in shown + ["BM_PatchRead/", "BM_TurnRead/"])}
    if not rest:
        return
    print("\nsaccade only, 1 thread (medians):\n")
    print("| benchmark | time | rate |")
    print("|---|---|---|")
    for name, b in rest.items():
        rate = next((f"{b[k]:,.1f} {k}" for k in ("samples_per_s", "examples_per_s", "ops_per_s", "GFLOP/s") if k in b), "")
        print(f"| {name} | {b['real_time']:.3g} {b['time_unit']} | {rate} |")


def machine(context):
    lines = pathlib.Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "?")
    return (f"{platform.node()}, {context.get('num_cpus', os.cpu_count())} CPUs ({cpu}) at "
            f"{context.get('mhz_per_cpu', '?')} MHz, {platform.platform()}")


def commit():
    def git(*args):
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
    head = git("rev-parse", "--short", "HEAD")
    if head.returncode != 0:
        return "unknown"
    return head.stdout.strip() + ("" if git("diff", "--quiet", "HEAD").returncode == 0 else "-dirty")


def write_json(path, figures):
    """Atomically (a half-written results.json would read as figures); NaN becomes null."""
    clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in figures.items()}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(clean, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("directory", nargs="?", default="build/bench", help="what bench/run.sh wrote (default build/bench)")
    p.add_argument("--json", type=pathlib.Path, help="write the figures here (bench/run.sh: bench/results.json)")
    args = p.parse_args()
    d = pathlib.Path(args.directory)
    ours, torch = Saccade(d), Torch(d / "torch.jsonl")
    if not ours.runs:
        raise SystemExit(f"compare.py: no saccade-t1.json or saccade-t2.json in {d}: run bench/run.sh")
    out = dict.fromkeys(REQUIRED, NAN)  # null unless measured
    out |= {"machine": machine(ours.context), "commit": commit(), "blas_kernels": ours.context.get("blas_kernels"),
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    print(f"Machine: {out['machine']}; OpenBLAS kernels: {out['blas_kernels'] or '?'} (both sides); commit {out['commit']}")
    model_tables(ours, torch, out)
    patch_read_table(ours, out)
    turn_read_line(ours, out)
    memory_line(torch, out)
    profiles(d)
    others_table(ours)
    if args.json:
        write_json(args.json, out)
        print(f"\n(figures written to {args.json})")


if __name__ == "__main__":
    main()
