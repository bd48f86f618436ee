"""Determinism: the same config and seed give the same results.csv, every column but the measured
times, and the same metrics.jsonl but its clock; another seed gives other numbers (so the check can
fail). One short run per task, every policy of its config trained and scored."""
import pytest

from harness import ROOT, requires_saccade, run_outputs, saccade

pytestmark = requires_saccade

TASKS = {
    "image": ("image_patches.yaml", ["env.dataset=digits", "env.canvas=8", "env.grid=4", "env.clutter.pieces=0",
                                     "env.preview_factor=2", "reader.hidden=16", "reader.heads=2", "policy.budget=4",
                                     "policy.hidden=16", "train.epochs=2", "train.batch_size=64",
                                     "eval.policies=[all,saliency,random]"]),
    "text": ("text_skim.yaml", ["train.epochs=1", "train.examples=256", "eval.examples=64", "eval.repeats=1",
                                "reader.hidden=16", "reader.heads=2", "reader.init="]),
    "dialogue": ("dialogue_turns.yaml", ["train.epochs=1", "env.dialogue.train_size=200", "env.dialogue.eval_size=64",
                                         "reader.hidden=16", "reader.heads=2"]),
}


def run(tmp_path, task, seed, name):
    config, overrides = TASKS[task]
    out = tmp_path / name
    r = saccade("run", ROOT / "experiments/configs" / config, *overrides, f"seed={seed}", "--out", out)
    assert r.returncode == 0, r.stderr
    return run_outputs(out)


@pytest.mark.parametrize("task", sorted(TASKS))
def test_same_seed_same_numbers(tmp_path, task):
    first = run(tmp_path, task, 3, "a")
    again = run(tmp_path, task, 3, "b")
    assert first[0] and first[1]
    assert first == again
    other = run(tmp_path, task, 4, "c")
    assert other[1] != first[1]  # training took another path
