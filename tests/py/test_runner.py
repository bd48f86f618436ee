"""The runner's choices that a user sets in YAML, checked on a short digits run: train.keep=best tests
the epoch with the best validation accuracy (recorded in the checkpoint), train.keep=last the last."""
import json

import numpy as np

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade

BASE = ["env.dataset=digits", "env.canvas=16", "env.clutter.pieces=0", "env.retina.size=4", "env.retina.scales=2",
        "env.preview_factor=2", "reader.hidden=32", "reader.glimpse_hidden=32", "train.epochs=5", "train.batch_size=64",
        "eval.policies=[]"]


def val_accuracies(out):
    return [json.loads(line)["val_accuracy"] for line in (out / "metrics.jsonl").read_text().splitlines()]


def test_keep_best_tests_the_best_validation_epoch(tmp_path):
    out = tmp_path / "best"
    r = saccade("run", ROOT / "experiments/configs/image_ram.yaml", *BASE, "train.keep=best", "--out", out)
    assert r.returncode == 0, r.stderr
    val = val_accuracies(out)
    best = int(np.argmax(val)) + 1  # the first epoch reaching the maximum
    assert f"[adaptive] keeping epoch {best} (best validation accuracy {max(val):.4f})" in r.stderr
    ckpt = np.load(out / "checkpoints/adaptive.npz")
    assert ckpt["extra/kept_epoch"] == best and ckpt["extra/epochs"] == 5


def test_keep_last_is_the_default(tmp_path):
    out = tmp_path / "last"
    r = saccade("run", ROOT / "experiments/configs/image_ram.yaml", *BASE, "--out", out)
    assert r.returncode == 0, r.stderr
    assert "keeping epoch" not in r.stderr
    assert np.load(out / "checkpoints/adaptive.npz")["extra/kept_epoch"] == 5
    # Images cannot tell where the evidence is and have no out-of-vocabulary split: the last columns of
    # results.csv and traces stay empty.
    results = (out / "results.csv").read_text().splitlines()
    assert results[0].endswith(",train_seconds,evidence_read,oov_accuracy") and results[1].endswith(",,")
    trace = (out / "traces/adaptive.csv").read_text().splitlines()
    assert trace[0].endswith(",region,evidence") and all(line.endswith(",") for line in trace[1:])
    assert "of reads on the evidence" not in r.stderr and "test:" not in r.stderr


def accuracy(out):
    with open(out / "results.csv") as f:
        header, row = f.read().splitlines()[:2]
    return float(row.split(",")[header.split(",").index("accuracy")])


def test_eval_repeats_scores_every_test_example_under_several_draws(tmp_path):
    common = [*BASE, "train.epochs=2", "eval.examples=50"]
    once = saccade("run", ROOT / "experiments/configs/image_ram.yaml", *common, "--out", tmp_path / "once")
    default = saccade("run", ROOT / "experiments/configs/image_ram.yaml", *common, "eval.repeats=1",
                      "--out", tmp_path / "default")
    thrice = saccade("run", ROOT / "experiments/configs/image_ram.yaml", *common, "eval.repeats=3",
                     "--out", tmp_path / "thrice")
    assert once.returncode == default.returncode == thrice.returncode == 0
    assert accuracy(tmp_path / "once") == accuracy(tmp_path / "default")  # 1 is the default
    # 50 examples once: a multiple of 1/50; three draws each: a multiple of 1/150.
    assert abs(accuracy(tmp_path / "once") * 50 - round(accuracy(tmp_path / "once") * 50)) < 1e-3
    a3 = accuracy(tmp_path / "thrice") * 150
    assert abs(a3 - round(a3)) < 1e-3
    assert f"[adaptive] test: 150 scorings (50 examples x 3 draws), accuracy {a3 / 150:.4f}" in thrice.stderr


def test_cnn_reference_runs_with_its_own_channels(tmp_path):
    # The `cnn` reference (experiments/tables/references.cpp) on 16x16 digits canvases, with
    # reader.cnn_channels=[4, 8]: 16x16 -> 8x8 -> 4x4, so per example 2 x (256 x 4 x 9 + 64 x 8 x 4 x 9)
    # for the convolutions, 2 x 128 x 256 for the 256 units and 2 x 256 x 10 for the logits.
    out = tmp_path / "cnn"
    r = saccade("run", ROOT / "experiments/configs/image_ram.yaml", *BASE[:-1], "train.epochs=1", "eval.examples=50",
                "eval.adaptive=false", "eval.policies=[cnn]", "reader.cnn_channels=[4,8]", "--out", out)
    assert r.returncode == 0, r.stderr
    with open(out / "results.csv") as f:
        header, row = f.read().splitlines()[:2]
    cells = dict(zip(header.split(","), row.split(",")))
    assert cells["policy"] == "cnn" and float(cells["mean_regions"]) == 1.0
    assert float(cells["flops_per_example"]) == 2 * (256 * 4 * 9 + 64 * 8 * 4 * 9) + 2 * 128 * 256 + 2 * 256 * 10
    ckpt = np.load(out / "checkpoints/cnn.npz")
    assert ckpt["param/reader.conv1.weight"].shape == (8, 4, 3, 3) and "param/reader.conv2.weight" not in ckpt.files
