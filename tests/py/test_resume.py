"""Crash safety: a run killed with SIGKILL at random points and continued with `saccade run --resume DIR`
ends with the same metrics.jsonl and results.csv as an uninterrupted run of the same config and seed
(every column but the measured times), and every file a kill leaves behind is whole.

The kill times are random: uniform over the uninterrupted run's duration, from a seed printed with any
failure (set SACCADE_RESUME_SEED to replay one). One task per reading mode: RAM's Gaussian glimpses
(sequential, a cached normal in the policy's stream, train.keep=best), text skimming (jumps and STOP)
and dialogue turns (a set reader)."""
import json
import os
import random
import signal
import subprocess
import time

import numpy as np
import pytest

from harness import ROOT, SACCADE, requires_saccade, run_outputs, saccade

pytestmark = requires_saccade

CONFIGS = ROOT / "experiments/configs"
TASKS = {
    "image-ram": ("image_ram.yaml", ["env.dataset=digits", "env.canvas=16", "env.clutter.pieces=0", "env.retina.size=4",
                                     "env.retina.scales=2", "reader.hidden=32", "reader.glimpse_hidden=16",
                                     "policy.type=gaussian", "train.epochs=24", "train.batch_size=16", "train.keep=best",
                                     "eval.policies=[center,random]"]),
    "text": ("text_skim.yaml", ["train.epochs=3", "train.examples=512", "eval.examples=64", "eval.repeats=1",
                                "reader.hidden=16", "reader.heads=2", "reader.init="]),
    "dialogue": ("dialogue_turns.yaml", ["train.epochs=4", "env.dialogue.train_size=600", "env.dialogue.eval_size=64",
                                         "reader.hidden=16", "reader.heads=2"]),
}
MAX_KILLS = 3


def check_whole(out):
    """What a kill leaves is whole: every metrics line parses, results.csv's rows are full, every
    checkpoint opens in numpy; no finished-run marker."""
    for line in (out / "metrics.jsonl").read_text().splitlines() if (out / "metrics.jsonl").exists() else []:
        json.loads(line)
    if (out / "results.csv").exists():
        rows = (out / "results.csv").read_text().splitlines()
        assert all(row.count(",") == rows[0].count(",") for row in rows), rows
    for npz in (out / "checkpoints").glob("*.npz") if (out / "checkpoints").exists() else []:
        with np.load(npz) as f:
            assert "extra/seed" in f.files, npz
    assert not (out / "status.json").exists()


def interrupted_run(out, command, duration, rng, log):
    """Runs `command`, SIGKILLs it after a random fraction of `duration`, and again after each
    `--resume`, up to MAX_KILLS times, then lets the last resume finish. Returns the kills landed."""
    kills = 0
    while True:
        with open(log, "a") as err:
            p = subprocess.Popen([str(SACCADE), *map(str, command)], stdout=subprocess.DEVNULL, stderr=err)
        delay = rng.uniform(0.05, 0.95) * duration
        try:
            p.wait(timeout=delay if kills < MAX_KILLS else 300)
            assert p.returncode == 0, log.read_text()
            return kills
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
            p.wait()
            kills += 1
            check_whole(out)
        if (out / "resolved.yaml").exists():  # killed before it: nothing to resume, start again
            command = ["run", "--resume", out]


def killed_runs_match(tmp_path, run, duration, whole, label="", landed=("resuming after epoch",)):
    """Runs `run` killed at random times and resumed (interrupted_run), until a kill lands after an
    epoch's checkpoint (every text of `landed` in the log), and checks each such run's outputs equal
    `whole`'s, the uninterrupted run's. SACCADE_RESUME_SEED replays a failing draw."""
    seed = int(os.environ.get("SACCADE_RESUME_SEED", random.SystemRandom().randrange(1 << 32)))
    rng = random.Random(seed)
    # A draw whose kills all land before the first checkpoint tests nothing: draw again (rarely needed).
    for attempt in range(5):
        out, log = tmp_path / f"killed{attempt}", tmp_path / f"killed{attempt}.log"
        kills = interrupted_run(out, [*run, "--out", out], duration, rng, log)
        what = f"{label}SACCADE_RESUME_SEED={seed}, attempt {attempt}, {kills} kills; log: {log.read_text()}"
        assert run_outputs(out) == whole, what
        if all(text in log.read_text() for text in landed):
            return
    pytest.fail(f"no kill landed after an epoch's checkpoint in 5 attempts: {what}")


@pytest.mark.parametrize("task", sorted(TASKS))
def test_resume_after_sigkill_gives_the_same_run(tmp_path, task):
    config, overrides = TASKS[task]
    run = ["run", CONFIGS / config, *overrides, "seed=3"]
    start = time.monotonic()
    r = saccade(*run, "--out", tmp_path / "whole")
    duration = time.monotonic() - start
    assert r.returncode == 0, r.stderr
    whole = run_outputs(tmp_path / "whole")
    killed_runs_match(tmp_path, run, duration, whole, label=f"{task}, ")


def test_resume_needs_a_run_directory(tmp_path):
    r = saccade("run", "--resume", tmp_path)
    assert r.returncode == 2
    assert f"no {tmp_path}/resolved.yaml" in r.stderr
    r = saccade("run", CONFIGS / "dialogue_turns.yaml", "--resume", tmp_path)
    assert r.returncode == 2 and "excludes" in r.stderr


def test_resuming_a_finished_run_changes_nothing(tmp_path):
    config, overrides = TASKS["dialogue"]
    out = tmp_path / "run"
    assert saccade("run", CONFIGS / config, *overrides, "train.epochs=1", "--out", out).returncode == 0
    before = run_outputs(out)
    r = saccade("run", "--resume", out)
    assert r.returncode == 0, r.stderr
    n = len(before[0])
    assert f"{n} of {n} policies finished" in r.stderr
    assert run_outputs(out) == before
    assert (out / "status.json").exists()


def test_another_runs_files_are_refused(tmp_path):
    config, overrides = TASKS["dialogue"]
    out = tmp_path / "run"
    assert saccade("run", CONFIGS / config, *overrides, "train.epochs=1", "--out", out).returncode == 0
    resolved = out / "resolved.yaml"
    resolved.write_text(resolved.read_text().replace("seed: 0\n", "seed: 4\n"))
    r = saccade("run", "--resume", out)
    assert r.returncode == 1
    assert f"{out}/results.csv row 1 has seed 0, this run has seed 4" in r.stderr
    (out / "results.csv").unlink()
    r = saccade("run", "--resume", out)
    assert r.returncode == 1
    assert f"{out}/checkpoints/adaptive.last.npz was written by a run with seed 0" in r.stderr



def test_a_results_csv_from_before_policy_us_resumes(tmp_path):
    # A run whose results.csv predates policy_us_per_example and macro_f1 (and lost its last row to the
    # kill): the finished rows keep the columns empty, the policy trained now fills them, and the report
    # reads both. Its class metrics are those of a whole run: the policy scored again has its rows once.
    import csv
    config, overrides = TASKS["dialogue"]
    out = tmp_path / "run"
    assert saccade("run", CONFIGS / config, *overrides, "train.epochs=1", "--out", out).returncode == 0
    with open(out / "results.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    whole = {name: (out / name).read_text() for name in ("class_metrics.csv", "confusion.csv", "anytime.csv")}
    old = [c for c in rows[0] if c not in ("policy_us_per_example", "macro_f1")]
    with open(out / "results.csv", "w", newline="") as f:
        w = csv.DictWriter(f, old, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows[:-1])
    (out / "status.json").unlink()
    r = saccade("run", "--resume", out)
    assert r.returncode == 0, r.stderr
    with open(out / "results.csv", newline="") as f:
        again = list(csv.DictReader(f))
    assert [row["policy"] for row in again] == [row["policy"] for row in rows]
    assert all(row["policy_us_per_example"] == "" for row in again[:-1])
    assert float(again[-1]["policy_us_per_example"]) >= 0
    assert all(row["macro_f1"] == "" for row in again[:-1]) and 0 <= float(again[-1]["macro_f1"]) <= 1
    assert {name: (out / name).read_text() for name in whole} == whole
    report = saccade("report", out, "--no-plot")
    assert report.returncode == 0, report.stderr
    assert "policy µs" in report.stdout
