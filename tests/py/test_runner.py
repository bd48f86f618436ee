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
    # Images cannot tell where the evidence is and have no out-of-vocabulary split, and RAM has no soft
    # attention: the last columns of results.csv and traces stay empty.
    results = (out / "results.csv").read_text().splitlines()
    assert results[0].endswith(",train_seconds,evidence_read,oov_accuracy") and results[1].endswith(",,")
    trace = (out / "traces/adaptive.csv").read_text().splitlines()
    assert trace[0].endswith(",region,evidence,weight") and all(line.endswith(",,") for line in trace[1:])
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


def read_csv(path):
    import csv
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_scores_files_hold_each_test_example(tmp_path):
    # Each policy's per-example test scores, in example order, whose mean is results.csv's accuracy; with
    # eval.repeats=3 an example's score is its mean over the three draws (a multiple of 1/3).
    out = tmp_path / "scores"
    r = saccade("run", ROOT / "experiments/configs/image_ram.yaml", *BASE, "train.epochs=2", "eval.examples=40",
                "eval.policies=[center]", "eval.repeats=3", "train.keep=best", "--out", out)
    assert r.returncode == 0, r.stderr
    results = {row["policy"]: row for row in read_csv(out / "results.csv")}
    for policy in ("adaptive", "center"):
        scores = read_csv(out / "scores" / f"{policy}.csv")
        assert [int(s["example"]) for s in scores] == list(range(40))
        assert {s["split"] for s in scores} == {"test"} and {s["draws"] for s in scores} == {"3"}
        values = [float(s["score"]) for s in scores]
        assert all(abs(v * 3 - round(v * 3)) < 1e-6 for v in values)
        assert abs(sum(values) / 40 - float(results[policy]["accuracy"])) < 1e-5
        row = results[policy]
        assert int(row["epochs"]) == 2 and 1 <= int(row["best_epoch"]) <= 2 and 0 <= float(row["val_accuracy"]) <= 1


def test_eval_test_false_scores_nothing_on_test(tmp_path):
    # A probe: no test episode at all. results.csv keeps validation accuracy and leaves the test columns
    # empty, no scores are kept, the traces come from validation, and the report compares validation.
    out = tmp_path / "probe"
    r = saccade("run", ROOT / "experiments/configs/image_ram.yaml", *BASE, "train.epochs=2", "eval.examples=40",
                "eval.policies=[center]", "eval.test=false", "eval.repeats=3", "--out", out)
    assert r.returncode == 0, r.stderr
    rows = read_csv(out / "results.csv")
    assert [row["policy"] for row in rows] == ["adaptive", "center"]
    for row in rows:
        for column in ("accuracy", "mean_regions", "flops_per_example", "us_per_example", "policy_us_per_example",
                       "evidence_read", "oov_accuracy"):
            assert row[column] == "", column
        assert 0 <= float(row["val_accuracy"]) <= 1 and row["epochs"] == row["best_epoch"] == "2"
    assert not (out / "scores").exists()
    # With three draws, a test scoring would print "[adaptive] test: 120 scorings (40 examples x 3 draws)".
    assert "eval.test is false: not scored on test" in r.stderr and "test:" not in r.stderr
    assert (out / "traces/adaptive.csv").exists()
    report = saccade("report", out, "--no-plot")
    assert report.returncode == 0, report.stderr
    assert "not scored on test (eval.test: false); validation accuracy" in report.stdout


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


def test_every_budgeted_policy_reads_within_the_budget(tmp_path):
    # The fairness rule the comparison rests on (docs/concepts.md): the learned policy and every fixed
    # one get the same budget. 3 of the 16 patches of a 16x16 digits canvas: each reads exactly 3
    # regions per test example (a digit has all 16, and none of these policies stops early).
    out = tmp_path / "budget"
    r = saccade("run", ROOT / "experiments/configs/image_patches.yaml", "env.dataset=digits", "env.canvas=16",
                "env.grid=4", "env.clutter.pieces=0", "env.preview_factor=2", "policy.budget=3", "policy.hidden=16",
                "reader.hidden=16", "reader.heads=2", "train.epochs=1", "train.batch_size=64", "eval.examples=40",
                "eval.policies=[random,first,spaced,saliency]", "--out", out)
    assert r.returncode == 0, r.stderr
    rows = read_csv(out / "results.csv")
    assert [row["policy"] for row in rows] == ["adaptive", "random", "first", "spaced", "saliency"]
    for row in rows:
        assert row["budget"] == "3" and float(row["mean_regions"]) == 3.0, \
            f"{row['policy']} read {row['mean_regions']} regions per example at budget {row['budget']}, not 3"
