#!/usr/bin/python3
"""Compares two trees of runs (scripts/redesign_check.sh) file by file: every results.csv and
metrics.jsonl must be identical apart from the measured times. Exits 1 on the first tree that differs,
listing every difference."""
import csv
import json
import sys
from pathlib import Path

TIMES = {"seconds", "train_seconds", "us_per_example", "policy_us_per_example", "elapsed_seconds"}


def results(path):
    with open(path, newline="") as f:
        return [{k: v for k, v in row.items() if k not in TIMES} for row in csv.DictReader(f)]


def metrics(path):
    return [{k: v for k, v in json.loads(line).items() if k not in TIMES} for line in open(path)]


def main(before, after):
    before, after = Path(before), Path(after)
    differences, compared = [], 0
    for name, read in (("results.csv", results), ("metrics.jsonl", metrics)):
        for a in sorted(before.rglob(name)):
            b = after / a.relative_to(before)
            if not b.exists():
                differences.append(f"{b}: missing")
                continue
            ra, rb = read(a), read(b)
            compared += 1
            if len(ra) != len(rb):
                differences.append(f"{a.relative_to(before)}: {len(ra)} rows before, {len(rb)} after")
            for i, (x, y) in enumerate(zip(ra, rb)):
                for key in sorted(set(x) | set(y)):
                    if x.get(key) != y.get(key):
                        differences.append(f"{a.relative_to(before)} row {i} {key}: {x.get(key)} -> {y.get(key)}")
    for d in differences:
        print(d)
    print(f"{compared} files compared, {len(differences)} differences")
    return 1 if differences or compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
