"""The soft top-k policy trained through the reader (policy.type=soft_topk, train.algorithm=backprop;
agents/differentiable_top_k.hpp, agents/backprop.hpp) end to end, briefly: a digits patch run and a
dialogue run train and score it as `adaptive`, reading exactly its budget with its scorer's compute
counted; a staged dialogue run warms it up by imitation, then trains it by backprop. Sizes are tiny,
so only the files and their shape are checked (learning is tests/cpp/agents/test_training_learns.cpp)."""
import csv
import json

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade

CONFIGS = ROOT / "experiments/configs"
SOFT = ["policy.type=soft_topk", "train.algorithm=backprop", "policy.tau=4"]
PATCHES = ["env.dataset=digits", "env.canvas=16", "env.clutter.pieces=0", "env.grid=4", "env.preview_factor=2",
           "reader.hidden=16", "reader.heads=2", "policy.hidden=16", "policy.budget=3", "train.batch_size=32",
           "train.epochs=2", "eval.examples=100", "eval.policies=[saliency]"]
DIALOGUE = ["env.dialogue.train_size=200", "env.dialogue.eval_size=32", "reader.hidden=16", "reader.heads=2",
            "policy.hidden=16", "train.epochs=2", "eval.policies=[last]"]


def results(out):
    with open(out / "results.csv", newline="") as f:
        return {row["policy"]: row for row in csv.DictReader(f)}


def test_a_short_patch_run_trains_and_scores_the_soft_top_k_policy(tmp_path):
    out = tmp_path / "patches"
    r = saccade("run", CONFIGS / "image_patches.yaml", *PATCHES, *SOFT, "--out", out)
    assert r.returncode == 0, r.stderr
    rows = results(out)
    assert set(rows) == {"adaptive", "saliency"}
    adaptive = rows["adaptive"]
    assert float(adaptive["mean_regions"]) == 3  # exactly its k regions, never a mixture of all
    assert 0.0 <= float(adaptive["accuracy"]) <= 1.0
    # The same reader reads 3 patches under either policy; adaptive adds its scorer on the 8 x 8
    # thumbnail (64 -> 16 -> 16 regions), multiply-adds x 2, once per example.
    scorer = 2 * (64 * 16 + 16 * 16)
    assert float(adaptive["flops_per_example"]) - float(rows["saliency"]["flops_per_example"]) == scorer
    lines = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert [l["epoch"] for l in lines if l["policy"] == "adaptive"] == [1, 2]


def test_a_short_dialogue_run_trains_and_scores_the_soft_top_k_policy(tmp_path):
    out = tmp_path / "dialogue"
    r = saccade("run", CONFIGS / "dialogue_turns.yaml", *DIALOGUE, *SOFT, "--out", out)
    assert r.returncode == 0, r.stderr
    rows = results(out)
    assert set(rows) == {"adaptive", "last"}
    assert 0 < float(rows["adaptive"]["mean_regions"]) <= 4


def test_a_staged_dialogue_run_imitates_then_trains_through_the_reader(tmp_path):
    out = tmp_path / "staged"
    stages = ("train.stages=[{acts: slot_recent, trains: [reader, policy], algorithm: imitation, epochs: 1},"
              " {acts: adaptive, trains: [reader, policy], algorithm: backprop, epochs: 1}]")
    r = saccade("run", CONFIGS / "dialogue_turns.yaml", *DIALOGUE, "policy.type=soft_topk", stages, "--out", out)
    assert r.returncode == 0, r.stderr
    assert "stage 2 of 2: adaptive acts, reader+policy trains (backprop)" in r.stderr
    assert set(results(out)) == {"adaptive", "last"}
