"""Training options end to end through `saccade run` (docs/cli.md, "Training options"): with
train.patience a run stops early, its results.csv counts the epochs it trained, and a resume after the
stop trains no more and ends identical; a run with every option on (a cosine schedule with warm-up,
policy.lr, reader.dropout, patience) killed at random points and resumed ends as the uninterrupted
one does (results.csv and metrics.jsonl, every column but the measured times)."""
import csv
import json
import shutil
import time

import pytest

from harness import ROOT, requires_saccade, run_outputs, saccade
from test_resume import killed_runs_match

pytestmark = requires_saccade

CONFIG = ROOT / "experiments/configs/dialogue_turns.yaml"  # a learned baseline, train.keep=best
SMALL = ["env.dialogue.train_size=600", "env.dialogue.eval_size=64", "reader.hidden=16", "reader.heads=2",
         "eval.policies=[random]", "seed=2"]
EPOCHS = 30


def rows(out):
    with open(out / "results.csv", newline="") as f:
        return {row["policy"]: row for row in csv.DictReader(f)}


def val_curve(out, policy):
    lines = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    return [line["val_accuracy"] for line in lines if line["policy"] == policy]


def test_patience_stops_early_and_a_resume_after_it_trains_no_more(tmp_path):
    out = tmp_path / "run"
    r = saccade("run", CONFIG, *SMALL, f"train.epochs={EPOCHS}", "train.patience=3", "--out", out)
    assert r.returncode == 0, r.stderr
    assert "stopping early" in r.stderr
    for policy, row in rows(out).items():
        curve = val_curve(out, policy)
        trained = int(row["epochs"])
        assert trained == len(curve), (policy, row, curve)
        best = curve.index(max(curve)) + 1  # the first epoch of the best accuracy
        # Training stops the epoch patience runs out, no sooner and no later (or at the last epoch).
        assert trained == best + 3 or (trained == EPOCHS and trained < best + 3), (policy, curve)
    assert int(rows(out)["adaptive"]["epochs"]) < EPOCHS, rows(out)
    whole = run_outputs(out)

    # A kill after the learned policy stopped early, before its results row: its checkpoint says it
    # had stopped, so the resume evaluates it without training; `random` trains again from scratch.
    killed = tmp_path / "killed"
    shutil.copytree(out, killed)
    for name in ["results.csv", "status.json", "checkpoints/random.last.npz"]:
        (killed / name).unlink()
    r = saccade("run", "--resume", killed)
    assert r.returncode == 0, r.stderr
    assert "[adaptive] it had stopped early" in r.stderr
    assert "[adaptive] epoch" not in r.stderr  # not one more epoch
    assert run_outputs(killed) == whole


def test_every_option_resumes_after_sigkill_as_if_never_stopped(tmp_path):
    run = ["run", CONFIG, *SMALL, "train.epochs=6", "train.schedule=cosine", "train.warmup_epochs=1", "policy.lr=0.003",
           "reader.dropout=0.2", "train.patience=3"]
    start = time.monotonic()
    r = saccade(*run, "--out", tmp_path / "whole")
    duration = time.monotonic() - start
    assert r.returncode == 0, r.stderr
    whole = run_outputs(tmp_path / "whole")
    again = saccade(*run, "--out", tmp_path / "again")  # same config and seed, same numbers
    assert again.returncode == 0 and run_outputs(tmp_path / "again") == whole

    killed_runs_match(tmp_path, run, duration, whole)


def test_the_options_change_the_numbers_and_their_defaults_do_not(tmp_path):
    base = ["run", CONFIG, *SMALL, "train.epochs=2"]
    assert saccade(*base, "--out", tmp_path / "default").returncode == 0
    # Each default written out is the run without it, bit for bit.
    spelled = [*base, "train.schedule=constant", "train.warmup_epochs=0", "train.patience=0", "reader.dropout=0"]
    assert saccade(*spelled, "--out", tmp_path / "spelled").returncode == 0
    assert run_outputs(tmp_path / "spelled") == run_outputs(tmp_path / "default")
    curve = run_outputs(tmp_path / "default")[1]  # every loss of every epoch
    for option in ["train.schedule=cosine", "policy.lr=0.01", "reader.dropout=0.5"]:
        assert saccade(*base, option, "--out", tmp_path / option).returncode == 0, option
        assert run_outputs(tmp_path / option)[1] != curve, option


def test_a_warmup_without_warmup_epochs_is_refused(tmp_path):
    r = saccade("run", CONFIG, *SMALL, "train.schedule=warmup", "--out", tmp_path / "x")
    assert r.returncode != 0
    assert "train.schedule" in r.stderr and "warmup_epochs" in r.stderr
