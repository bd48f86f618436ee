"""Prints `make bench`'s side-by-side tables from BUILD/bench: saccade's Google Benchmark JSON at 1 and 2
threads (saccade-t1.json, saccade-t2.json, medians of repetitions) and the PyTorch references' JSON
lines (torch.jsonl, from bench/reference/*_torch.py). Markdown, so it pastes into bench/RESULTS.md."""
import json
import pathlib
import platform
import sys

NAN = float("nan")
MODELS = {
    "ram": ("Ram", "RAM training step (Fashion-MNIST 28x28, 6 glimpses, retina 12x12x3, hidden 256; "
                   "bench/configs/ram.yaml)"),
    "patch": ("Patch", "Patch model training step (Fashion-MNIST 28x28, 8 of 16 patches of 7x7 chosen from the "
                       "thumbnail, self-critical; bench/configs/patch.yaml)"),
}


def saccade_medians(path):
    """{run name: the median aggregate's fields} of one Google Benchmark JSON file, and its context."""
    data = json.loads(path.read_text())
    out = {b["run_name"]: b for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
    return out, data["context"]


def fmt(value, spec=",.0f", suffix=""):
    """A figure, or — where it was not measured."""
    return "—" if value != value else f"{value:{spec}}{suffix}"


def ms(bench):
    """A Google Benchmark entry's real time in milliseconds."""
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[bench["time_unit"]]
    return bench["real_time"] * scale


def main(directory):
    d = pathlib.Path(directory)
    ours, context = {}, None
    for t in (1, 2):
        ours[t], context = saccade_medians(d / f"saccade-t{t}.json")
    lines = (d / "torch.jsonl").read_text().splitlines() if (d / "torch.jsonl").exists() else []
    torch = [json.loads(line) for line in lines if line.strip()]  # none: saccade's side only

    def theirs(model, key, **match):
        for r in torch:
            if r.get("model") == model and key in r and all(r.get(k) == v for k, v in match.items()):
                return r[key]
        return NAN

    print(f"Machine: {platform.node()}, {context['num_cpus']} CPUs at {context['mhz_per_cpu']} MHz, "
          f"{platform.platform()}; OpenBLAS kernels: {context.get('blas_kernels', '?')} (both sides)")
    for model, (prefix, title) in MODELS.items():
        if f"BM_{prefix}TrainStep/128/real_time" not in ours[1]:
            continue
        print(f"\n{title}, samples/s, medians:\n")
        print("| batch | threads | saccade | PyTorch | saccade / PyTorch |")
        print("|---|---|---|---|---|")
        for batch in (128, 32):
            ss, ps = [], []
            for t in (1, 2):
                s = ours[t][f"BM_{prefix}TrainStep/{batch}/real_time"]["samples_per_s"]
                p = theirs(model, "samples_per_s", batch=batch, threads=t)
                ss.append(s)
                ps += [p] if p == p else []
                print(f"| {batch} | {t} | {s:,.0f} | {fmt(p)} | {fmt(s / p, '.2f', 'x')} |")
            s, p = max(ss), max(ps) if ps else NAN
            print(f"| {batch} | best of each | {s:,.0f} | {fmt(p)} | **{fmt(s / p, '.2f', 'x')}** |")
        lat_ms = ms(ours[1][f"BM_{prefix}Latency/real_time"])
        theirs_ms = theirs(model, "latency_ms")
        print(f"\nBatch-1 greedy inference, 1 thread: saccade {lat_ms * 1000:.0f} us, PyTorch "
              f"{fmt(theirs_ms * 1000, '.0f', ' us')}: saccade takes **{fmt(lat_ms / theirs_ms, '.3f')}** of PyTorch's time")

        print(f"\nTraining step GFLOP/s ({model}; 3 x the forward's counted FLOPs over the step's time) against "
              f"OpenBLAS alone on the same matrix products (the step's recorded gemm calls, replayed):\n")
        print("| batch | threads | step ms | step GFLOP/s | its products alone, ms | their GFLOP/s | share |")
        print("|---|---|---|---|---|---|---|")
        for batch in (128, 32):
            for t in (1, 2):
                step = ours[t][f"BM_{prefix}TrainStep/{batch}/real_time"]
                gemms = ours[t].get(f"BM_{prefix}StepGemms/{batch}/real_time")
                g, s = step["GFLOP/s"], gemms["GFLOP/s"] if gemms else NAN
                print(f"| {batch} | {t} | {ms(step):.2f} | {g:.1f} | {fmt(ms(gemms) if gemms else NAN, '.2f')} | "
                      f"{fmt(s, '.1f')} | {fmt(g / s, '.0%')} |")

    if "BM_PatchRead/16/real_time" in ours[1]:
        print("\nReading k of 16 patches (evaluation, batch 250, 1 thread; `random` for k < 16, `all` at 16):\n")
        print("| k | us/example | share of the full view's | k / N | limit 1.2 k / N |")
        print("|---|---|---|---|---|")
        full = ms(ours[1]["BM_PatchRead/16/real_time"])
        for k in (2, 4, 8, 16):
            b = ours[1].get(f"BM_PatchRead/{k}/real_time")
            if b:
                print(f"| {k} | {ms(b) * 1000 / 250:.1f} | {ms(b) / full:.2f} | {k / 16:.3f} | {1.2 * k / 16:.2f} |")

    memory = {r["memory"]: r["peak_rss_mb"] for r in torch if "memory" in r}
    if memory:
        print("\nPeak resident memory of a one-epoch RAM training run (bench/configs/ram.yaml; bench/peak_memory.py): "
              + ", ".join(f"{name} {mb:,.0f} MB" for name, mb in memory.items()))

    print("\nsaccade only, 1 thread (medians):\n")
    print("| benchmark | time | rate |")
    print("|---|---|---|")
    for name, b in ours[1].items():
        if any(name.startswith(f"BM_{p}{kind}") for p, _ in MODELS.values() for kind in ("TrainStep", "Latency", "StepGemms")):
            continue
        if name.startswith("BM_PatchRead"):
            continue
        rate = next((f"{b[k]:,.1f} {k}" for k in ("samples_per_s", "ops_per_s", "GFLOP/s") if k in b), "")
        print(f"| {name} | {b['real_time']:.3g} {b['time_unit']} | {rate} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/bench")
