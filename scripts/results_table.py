#!/usr/bin/python3
"""Print one or more runs' results.csv as a Markdown table (accuracy in %, compute per example).
Validation accuracy is shown beside test accuracy (settings are chosen on validation), with the epoch
kept of those trained; a probe's run (eval.test: false) has no test figures ("-"), and a results.csv
from before a column shows "n/a" for it.

usage: /usr/bin/python3 scripts/results_table.py runs/image-ram-60 [runs/...]
"""
import math
import sys

import pandas as pd


def cell(row, column, fmt):
    value = getattr(row, column, None)
    if value is None:
        return "n/a"
    if isinstance(value, float) and math.isnan(value):
        return "-"
    return fmt(value)


def main(dirs):
    if not dirs:
        sys.exit(__doc__)
    frames = []
    for d in dirs:
        try:
            frames.append(pd.read_csv(f"{d}/results.csv"))
        except FileNotFoundError:
            sys.exit(f"results_table: {d}/results.csv not found (has the run finished a policy yet?)")
    df = pd.concat(frames, ignore_index=True)
    print("| env | policy | budget | validation accuracy | test accuracy | best epoch | mean regions | "
          "reader+policy FLOPs | µs/example | train s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    percent = lambda v: f"{100 * v:.2f}%"
    for r in df.itertuples():
        epoch = "n/a" if not hasattr(r, "best_epoch") else f"{r.best_epoch:.0f}/{r.epochs:.0f}"
        print(f"| {r.env} | {r.policy} | {r.budget} | {cell(r, 'val_accuracy', percent)} | "
              f"{cell(r, 'accuracy', percent)} | {epoch} | {cell(r, 'mean_regions', lambda v: f'{v:.2f}')} | "
              f"{cell(r, 'flops_per_example', lambda v: f'{v / 1e6:.2f} M')} | "
              f"{cell(r, 'us_per_example', lambda v: f'{v:.0f}')} | {r.train_seconds:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
