"""Prints `make bench`'s side-by-side table from BUILD/bench: saccade's Google Benchmark JSON at 1 and 2
threads (saccade-t1.json, saccade-t2.json, medians of repetitions) and the PyTorch references' JSON
lines (torch.jsonl). Markdown, so it pastes into bench/RESULTS.md as it is."""
import json
import pathlib
import platform
import sys


def saccade_medians(path):
    """{run name: the median aggregate's fields} of one Google Benchmark JSON file."""
    data = json.loads(path.read_text())
    out = {b["run_name"]: b for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
    return out, data["context"]


def fmt(value, spec=",.0f", suffix=""):
    """A figure, or — where the PyTorch side was not measured."""
    return "—" if value != value else f"{value:{spec}}{suffix}"


def main(directory):
    d = pathlib.Path(directory)
    ours, context = {}, None
    for t in (1, 2):
        ours[t], context = saccade_medians(d / f"saccade-t{t}.json")
    lines = (d / "torch.jsonl").read_text().splitlines() if (d / "torch.jsonl").exists() else []
    torch = [json.loads(line) for line in lines if line.strip()]  # none: saccade's side only

    def theirs(batch, threads):
        for r in torch:
            if r.get("model") == "ram" and r.get("batch") == batch and r.get("threads") == threads and "samples_per_s" in r:
                return r["samples_per_s"]
        return float("nan")

    print(f"Machine: {platform.node()}, {context['num_cpus']} CPUs at {context['mhz_per_cpu']} MHz, {platform.platform()}\n")
    print("RAM training step (Fashion-MNIST 28x28, 6 glimpses, retina 12x12x3, hidden 256), samples/s, medians:\n")
    print("| batch | threads | saccade | PyTorch | saccade / PyTorch |")
    print("|---|---|---|---|---|")
    best = {}
    for batch in (128, 32):
        for t in (1, 2):
            s = ours[t][f"BM_RamTrainStep/{batch}/real_time"]["samples_per_s"]
            p = theirs(batch, t)
            best.setdefault(batch, ([], []))
            best[batch][0].append(s)
            if p == p:
                best[batch][1].append(p)
            print(f"| {batch} | {t} | {s:,.0f} | {fmt(p)} | {fmt(s / p, '.2f', 'x')} |")
    for batch, (ss, ps) in best.items():
        s, p = max(ss), max(ps) if ps else float("nan")
        print(f"| {batch} | best of each | {s:,.0f} | {fmt(p)} | **{fmt(s / p, '.2f', 'x')}** |")

    lat = next((r for r in torch if r.get("model") == "ram" and "latency_ms" in r), None)
    ours_us = ours[1]["BM_RamLatency/real_time"]["real_time"]
    unit = ours[1]["BM_RamLatency/real_time"]["time_unit"]
    print(f"\nBatch-1 greedy inference (6 glimpses + prediction), 1 thread: saccade {ours_us:.1f} {unit}",
          end="")
    if lat:
        print(f", PyTorch {lat['latency_ms'] * 1000:.1f} us: {lat['latency_ms'] * 1000 / ours_us:.1f}x faster")
    else:
        print()

    print("\nTraining step GFLOP/s (3 x the forward's FLOPs over the measured time) against OpenBLAS sgemm at the\n"
          "core's shape [batch, 256] x [256, 256]:\n")
    print("| batch | threads | step GFLOP/s | sgemm GFLOP/s | share |")
    print("|---|---|---|---|---|")
    for batch in (128, 32):
        for t in (1, 2):
            g = ours[t][f"BM_RamTrainStep/{batch}/real_time"]["GFLOP/s"]
            s = ours[t][f"BM_Sgemm/{batch}/256/256"]["GFLOP/s"] if f"BM_Sgemm/{batch}/256/256" in ours[t] else float("nan")
            print(f"| {batch} | {t} | {g:.2f} | {s:.2f} | {g / s:.0%} |")

    print("\nsaccade only, 1 thread (medians):\n")
    print("| benchmark | time | rate |")
    print("|---|---|---|")
    for name, b in ours[1].items():
        if name.startswith(("BM_RamTrainStep", "BM_RamLatency")):
            continue
        rate = next((f"{b[k]:,.1f} {k}" for k in ("samples_per_s", "ops_per_s", "GFLOP/s") if k in b), "")
        print(f"| {name} | {b['real_time']:.3g} {b['time_unit']} | {rate} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "build/bench")
