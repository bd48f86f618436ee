"""Draws the learning figures of report.html for `saccade report`:

- learning curves: each policy's validation accuracy after every epoch (metrics.jsonl's val_accuracy),
  the mean across seeds as a line and the band from the lowest to the highest seed (min-max: with the
  two or three seeds of a sweep a t interval is wider than the data), one panel per setting. Epochs are
  counted across training stages; a dotted line marks where a stage begins (metrics.jsonl's `stage`).
  A seed that stopped early (fewer epochs) leaves the later means to the seeds that went on.
- the anytime curve: each policy's accuracy after 1, 2, ... regions read (anytime.csv), mean and min-max
  band across seeds, one panel per setting.

The saccade binary embeds this file and runs it as `/usr/bin/python3 - RUNS_CSV LEARNING_PNG ANYTIME_PNG`.
RUNS_CSV has a row per policy per run: `setting,label,policy,seed,dir` (label: the report's name for
the policy; policy: its name in the run's files; dir: the run's directory). A figure with nothing to draw
is not written. Exit status 3: matplotlib is not importable. Only the standard library and matplotlib."""
import csv
import json
import math
import os
import sys


def learning_curve(run_dir, policy):
    """{epoch: val_accuracy} and {epoch: stage} of `policy` in run_dir/metrics.jsonl (the last line of
    an epoch wins); empty when the file is absent."""
    path = os.path.join(run_dir, "metrics.jsonl")
    if not os.path.exists(path):
        return {}, {}
    curve, stages = {}, {}
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                raise SystemExit(f"plot_curves.py: {path}:{number}: not JSON ({e})")
            if row.get("policy") != policy or row.get("val_accuracy") is None:
                continue
            curve[int(row["epoch"])] = float(row["val_accuracy"])
            if "stage" in row:
                stages[int(row["epoch"])] = row["stage"]
    return curve, stages


def anytime_curve(run_dir, policy):
    """{regions: accuracy} of `policy` in run_dir/anytime.csv and the splits it was measured on (test,
    or validation for a run with eval.test false); empty when the file is absent."""
    path = os.path.join(run_dir, "anytime.csv")
    if not os.path.exists(path):
        return {}, set()
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        missing = {"policy", "split", "regions", "accuracy"} - set(reader.fieldnames or [])
        if missing:
            raise SystemExit(f"plot_curves.py: {path}: no column {', '.join(sorted(missing))}")
        rows = [r for r in reader if r["policy"] == policy]
    return {int(r["regions"]): float(r["accuracy"]) for r in rows}, {r["split"] for r in rows}


def spread(curves):
    """xs, means, lows, highs across the curves ({x: y} each) at every x any of them has."""
    xs = sorted({x for c in curves for x in c})
    at = [[c[x] for c in curves if x in c] for x in xs]
    return xs, [sum(v) / len(v) for v in at], [min(v) for v in at], [max(v) for v in at]


def draw(plt, panels, path, title, xlabel, ylabel, stage_starts=None):
    """One panel per setting: {setting: {label: [curve per seed]}}. Returns whether it drew anything."""
    panels = {s: {label: [c for c in cs if c] for label, cs in by.items()} for s, by in panels.items()}
    panels = {s: {label: cs for label, cs in by.items() if cs} for s, by in panels.items()}
    panels = {s: by for s, by in panels.items() if by}
    if not panels:
        return False
    ncols = min(len(panels), 3)
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 4.0 * nrows), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    for ax, (setting, by_label) in zip(axes.flat, panels.items()):
        for label, curves in by_label.items():
            xs, mean, low, high = spread(curves)
            adaptive = label == "adaptive"
            line = ax.plot(xs, mean, marker="." if len(xs) < 30 else None, linewidth=2.2 if adaptive else 1.2,
                           label=f"{label} (n={len(curves)})", zorder=3 if adaptive else 2)[0]
            if len(curves) > 1:
                ax.fill_between(xs, low, high, color=line.get_color(), alpha=0.18, linewidth=0)
            for epoch in (stage_starts or {}).get((setting, label), []):
                ax.axvline(epoch - 0.5, linestyle=":", color=line.get_color(), linewidth=1)
                ax.annotate(f"{label}: next stage", (epoch - 0.5, 0.02), xycoords=("data", "axes fraction"),
                            rotation=90, fontsize=7, color=line.get_color(), ha="right", va="bottom")
        ax.xaxis.get_major_locator().set_params(integer=True)  # epochs and region counts are whole
        ax.set_title(setting, fontsize=10)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=100, format="png")
    plt.close(fig)
    return True


def main(runs_csv, learning_png, anytime_png):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        print(f"plot_curves.py: {e}", file=sys.stderr)
        return 3
    with open(runs_csv, newline="") as f:
        runs = list(csv.DictReader(f))
    learning, anytime, stage_starts, splits = {}, {}, {}, set()
    for r in runs:
        key = (r["setting"], r["label"])
        curve, stages = learning_curve(r["dir"], r["policy"])
        learning.setdefault(r["setting"], {}).setdefault(r["label"], []).append(curve)
        regions, split = anytime_curve(r["dir"], r["policy"])
        anytime.setdefault(r["setting"], {}).setdefault(r["label"], []).append(regions)
        splits |= split
        if key not in stage_starts and len(set(stages.values())) > 1:
            epochs = sorted(stages)
            stage_starts[key] = [e for prev, e in zip(epochs, epochs[1:]) if stages[e] != stages[prev]]
    draw(plt, learning, learning_png, "validation accuracy per epoch (line: mean across seeds; band: min-max across seeds)",
         "epoch", "validation accuracy", stage_starts)
    draw(plt, anytime, anytime_png, "accuracy after each region read (line: mean across seeds; band: min-max across seeds)",
         "regions read", " / ".join(sorted(splits)) + " accuracy")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
