"""Training in stages (train.stages; docs/concepts.md, "Stages"), end to end through `saccade run`:
a short staged run of each task kind (an imitation warm start from the task's preview heuristic, the
policy against a frozen reader, both), whose metrics name each stage and whose fixed policies' readers
train for the stages' reader epochs; and a staged run killed at random points and resumed, which ends
as the uninterrupted one does (results.csv and metrics.jsonl, every column but the measured times)."""
import csv
import json
import time

import pytest

from harness import ROOT, requires_saccade, run_outputs, saccade
from test_resume import killed_runs_match

pytestmark = requires_saccade

CONFIGS = ROOT / "experiments/configs"


def stages(teacher):
    return ("train.stages=[{acts: " + teacher + ", trains: [reader, policy], algorithm: imitation, epochs: 2},"
            " {acts: adaptive, trains: policy, epochs: 1}, {acts: adaptive, trains: [reader, policy], epochs: 1, lr: 0.0005}]")


# (config, small overrides, the fixed policy that teaches)
TASKS = {
    "image-glimpses": ("image_ram.yaml", ["env.dataset=digits", "env.canvas=16", "env.clutter.pieces=0", "env.retina.size=4",
                                          "env.retina.scales=2", "env.preview_factor=2", "reader.hidden=16",
                                          "reader.glimpse_hidden=16", "policy.budget=2", "train.batch_size=32",
                                          "eval.examples=100"], "saliency"),
    "image-patches": ("image_patches.yaml", ["env.dataset=digits", "env.canvas=16", "env.clutter.pieces=0", "env.grid=4",
                                             "env.preview_factor=2", "reader.hidden=16", "reader.heads=2", "policy.hidden=16",
                                             "policy.budget=3", "train.batch_size=32", "eval.examples=100"], "saliency"),
    "text": ("text_skim.yaml", ["train.examples=256", "eval.examples=64", "reader.hidden=16", "reader.heads=2",
                                "reader.init=", "policy.hidden=16"], "salient"),
    "dialogue": ("dialogue_turns.yaml", ["env.dialogue.train_size=200", "env.dialogue.eval_size=32", "reader.hidden=16",
                                         "reader.heads=2", "policy.hidden=16"], "slot_recent"),
}


@pytest.mark.parametrize("task", sorted(TASKS))
def test_a_staged_run_trains_each_stage_and_every_reader_as_long(tmp_path, task):
    config, overrides, teacher = TASKS[task]
    out = tmp_path / "run"
    r = saccade("run", CONFIGS / config, *overrides, stages(teacher), f"eval.policies=[{teacher},random]", "--out", out)
    assert r.returncode == 0, r.stderr
    assert "stage 1 of 3: " + teacher + " acts, reader+policy trains (imitation), epochs 1 to 2" in r.stderr
    lines = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    adaptive = [(l["epoch"], l["stage"], l["acts"], l["trains"]) for l in lines if l["policy"] == "adaptive"]
    assert adaptive == [(1, 1, teacher, "reader+policy"), (2, 1, teacher, "reader+policy"), (3, 2, "adaptive", "policy"),
                        (4, 3, "adaptive", "reader+policy")]
    # Stages 1 and 3 train the reader (2 + 1 epochs): every fixed policy's reader trains 3, in one stage.
    for name in (teacher, "random"):
        fixed = [l for l in lines if l["policy"] == name]
        assert [l["epoch"] for l in fixed] == [1, 2, 3] and all("stage" not in l for l in fixed)
    with open(out / "results.csv", newline="") as f:
        epochs = {row["policy"]: int(row["epochs"]) for row in csv.DictReader(f)}
    assert epochs == {"adaptive": 4, teacher: 3, "random": 3}
    assert (out / "resolved.yaml").read_text().count("acts:") == 3  # the schedule runs again as written


def test_a_staged_run_resumed_after_kills_gives_the_same_run(tmp_path):
    config, overrides, teacher = TASKS["image-glimpses"]
    run = ["run", CONFIGS / config, *overrides, "train.keep=best", "eval.policies=[random]", "seed=2",
           "train.stages=[{acts: random, trains: reader, epochs: 3}, {acts: saliency, trains: policy, algorithm: imitation, epochs: 3},"
           " {acts: adaptive, trains: policy, epochs: 3}, {acts: adaptive, trains: [reader, policy], epochs: 3, lr: 0.0005}]"]
    start = time.monotonic()
    r = saccade(*run, "--out", tmp_path / "whole")
    duration = time.monotonic() - start
    assert r.returncode == 0, r.stderr
    whole = run_outputs(tmp_path / "whole")
    killed_runs_match(tmp_path, run, duration, whole, landed=("resuming after epoch", "[adaptive] resuming"))
