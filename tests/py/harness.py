"""What every Python test of the `saccade` command line shares: where the tree and the built binary
are (SACCADE_BUILD, set by CTest), a skip marker for when it is not built, and one way to run it."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("SACCADE_BUILD", ROOT / "build")).resolve()
SACCADE = BUILD / "saccade"

requires_saccade = pytest.mark.skipif(not SACCADE.exists(), reason=f"{SACCADE} not built")


def saccade(*args, cwd=None, env=None, timeout=300):
    """Runs `saccade ARGS...`, capturing text output; `env` adds to the current environment."""
    full_env = {**os.environ, **env} if env else None
    return subprocess.run([str(SACCADE), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=full_env, timeout=timeout)


TIMES = {"us_per_example", "policy_us_per_example", "train_seconds", "seconds"}  # measured, not computed: they differ run to run


ANSWER_FILES = ("class_metrics.csv", "confusion.csv", "anytime.csv")  # experiments/run/metric_files.hpp


def run_outputs(out):
    """A run directory's results.csv rows and metrics.jsonl lines without the measured times, and the
    text of its class metrics, confusion and anytime files: what two runs of one config and seed must
    agree on (a resumed run included: no policy's rows twice)."""
    import csv
    import json
    out = pathlib.Path(out)
    with open(out / "results.csv", newline="") as f:
        results = [{k: v for k, v in row.items() if k not in TIMES} for row in csv.DictReader(f)]
    metrics = [{k: v for k, v in json.loads(line).items() if k not in TIMES}
               for line in (out / "metrics.jsonl").read_text().splitlines()]
    answers = {name: (out / name).read_text() for name in ANSWER_FILES if (out / name).exists()}
    return results, metrics, answers
