#!/usr/bin/python3
"""Print one or more runs' results.csv as a Markdown table (accuracy in %, compute per example).

usage: /usr/bin/python3 scripts/results_table.py runs/image-ram-60 [runs/...]
"""
import sys

import pandas as pd


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
    print("| env | policy | budget | test accuracy | mean regions | reader+policy FLOPs | µs/example | train s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in df.itertuples():
        print(f"| {r.env} | {r.policy} | {r.budget} | {100 * r.accuracy:.2f}% | {r.mean_regions:.2f} | "
              f"{r.flops_per_example / 1e6:.2f} M | {r.us_per_example:.0f} | {r.train_seconds:.0f} |")


if __name__ == "__main__":
    main(sys.argv[1:])
