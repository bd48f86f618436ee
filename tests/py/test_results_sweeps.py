"""The sweep files behind the headline tables (experiments/configs/results/, `make results`) are valid
as they are: every run's config checks (every policy and reference name is a row that fits its task),
with 3 seeds each. And a first stage inside the run (reader.pretrain, which the text sweep uses): a run
trains its own stage-1 reader under its own seed, every policy's reader starts from it, and a resumed
run keeps it."""
import pytest

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade


@pytest.mark.parametrize("task,runs", [("image", 6), ("text", 6), ("dialogue", 3)])
def test_results_sweep_is_valid(tmp_path, task, runs):
    r = saccade("sweep", ROOT / f"experiments/configs/results/{task}.yaml", "--out", tmp_path / task, "--dry-run", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == f"{runs} runs; every config is valid"
    for seed in (0, 1, 2):
        assert sum(line.endswith(f"seed={seed}") for line in r.stdout.splitlines()) == runs // 3


def test_first_stage_inside_the_run(tmp_path):
    stage = tmp_path / "stage.yaml"
    stage.write_text(f"include: {ROOT / 'experiments/configs/text_pretrain.yaml'}\n"
                     "train: {epochs: 1, examples: 300}\neval: {examples: 100}\nreader: {hidden: 16, heads: 2}\n")
    out = tmp_path / "run"
    args = ["run", ROOT / "experiments/configs/text_skim.yaml", "reader.init=null", f"reader.pretrain={stage}",
            "seed=3", "train.epochs=1", "train.examples=300", "eval.examples=100", "eval.repeats=1",
            "reader.hidden=16", "reader.heads=2", "eval.adaptive=false", "eval.policies=[first]", "--out", out]
    r = saccade(*args)
    assert r.returncode == 0, r.stderr
    assert "first stage: " in r.stderr
    # The stage ran under the run's seed, in OUT/pretrain, and finished.
    assert "\nseed: 3\n" in (out / "pretrain/resolved.yaml").read_text()
    assert (out / "pretrain/status.json").exists() and (out / "pretrain/checkpoints/first.npz").exists()
    # Resuming keeps the finished stage.
    again = saccade("run", "--resume", out)
    assert again.returncode == 0, again.stderr
    assert "first stage: " not in again.stderr
    # Both a first stage and a starting checkpoint: refused at the key.
    both = saccade("run", ROOT / "experiments/configs/text_skim.yaml", f"reader.pretrain={stage}", "--out", tmp_path / "x")
    assert both.returncode != 0 and "reader.pretrain" in both.stderr and "reader.init is set too" in both.stderr
