"""The metrics a run keeps beyond accuracy (experiments/run/metric_files.hpp), checked against
scikit-learn live: each policy's confusion.csv is its test answers as (true, predicted) pairs, and
scikit-learn's per-class precision, recall, F1 and macro-F1 on those pairs must be class_metrics.csv's
and results.csv's. Independently of the confusion, the traces (every test example when eval.examples
<= 64) give each example's label and whether it was answered right: the supports and recalls must
agree with them. Then: confusion rows sum to the support, the diagonal over the total is the accuracy,
the anytime curve ends at the accuracy, a validation-only run labels its rows `validation`, and
`saccade report` shows macro-F1 and the confusion matrices."""
import csv
import math

import pytest

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade

sklearn_metrics = pytest.importorskip("sklearn.metrics")

CONFIGS = ROOT / "experiments/configs"
RUNS = {
    # Sequential Gaussian glimpses without STOP, beside a fixed glimpse plan.
    "glimpses": ("image_ram.yaml", ["env.dataset=digits", "env.canvas=16", "env.clutter.pieces=0", "env.retina.size=4",
                                    "env.retina.scales=2", "env.preview_factor=2", "reader.hidden=32",
                                    "reader.glimpse_hidden=32", "train.epochs=10", "train.batch_size=16", "train.lr=0.01",
                                    "eval.examples=60", "eval.policies=[center]"]),
    # A one-shot top-k plan beside a fixed one, both read at the end; these learn enough in a second to
    # answer every class.
    "patches": ("image_patches.yaml", ["env.dataset=digits", "env.canvas=8", "env.grid=4", "env.clutter.pieces=0",
                                       "reader.hidden=16", "reader.heads=2", "policy.budget=3", "policy.hidden=8",
                                       "train.epochs=20", "train.batch_size=16", "train.lr=0.01", "eval.examples=64",
                                       "eval.policies=[spaced]"]),
}


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module", params=sorted(RUNS))
def run(request, tmp_path_factory):
    config, overrides = RUNS[request.param]
    out = tmp_path_factory.mktemp(request.param) / "run"
    r = saccade("run", CONFIGS / config, *overrides, "--out", out)
    assert r.returncode == 0, r.stderr
    return out


def pairs(rows, policy):
    """The confusion's counts of one policy, as the lists of true and predicted labels they count."""
    y_true, y_pred = [], []
    for row in rows:
        if row["policy"] == policy:
            n = int(row["count"])
            y_true += [row["true"]] * n
            y_pred += [row["predicted"]] * n
    return y_true, y_pred


def test_class_metrics_and_macro_f1_are_scikit_learns(run):
    results = {row["policy"]: row for row in read(run / "results.csv")}
    classes = read(run / "class_metrics.csv")
    confusion = read(run / "confusion.csv")
    assert {row["split"] for row in classes + confusion} == {"test"}
    assert {row["policy"] for row in classes} == set(results)
    answered = {}
    for policy, result in results.items():
        mine = [row for row in classes if row["policy"] == policy]
        labels = [row["class"] for row in mine]
        assert len(labels) == len(set(labels)) and len(labels) >= 2
        y_true, y_pred = pairs(confusion, policy)
        assert set(y_true) | set(y_pred) <= set(labels)
        p, r, f, s = sklearn_metrics.precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
        for i, row in enumerate(mine):
            assert float(row["precision"]) == pytest.approx(p[i], abs=1e-9), (policy, row)
            assert float(row["recall"]) == pytest.approx(r[i], abs=1e-9), (policy, row)
            assert float(row["f1"]) == pytest.approx(f[i], abs=1e-9), (policy, row)
            assert int(row["support"]) == s[i]
        macro = sklearn_metrics.f1_score(y_true, y_pred, average="macro", zero_division=0)
        assert float(result["macro_f1"]) == pytest.approx(macro, rel=1e-5), policy  # 6 digits in results.csv
        answered[policy] = len(set(y_pred))
    assert max(answered.values()) >= 5, answered  # a comparison worth making: not one class for everything


def test_supports_and_recalls_agree_with_each_examples_trace(run):
    # Traces cover every scored example here (eval.examples <= 64): label and right/wrong per example.
    for policy in {row["policy"] for row in read(run / "results.csv")}:
        examples = {}
        for row in read(run / "traces" / f"{policy}.csv"):
            examples[row["example"]] = (row["label"], row["correct"] == "1")
        metrics = {row["class"]: row for row in read(run / "class_metrics.csv") if row["policy"] == policy}
        for label, row in metrics.items():
            mine = [right for (truth, right) in examples.values() if truth == label]
            assert int(row["support"]) == len(mine), (policy, label)
            if mine:
                assert float(row["recall"]) == pytest.approx(sum(mine) / len(mine), abs=1e-9), (policy, label)


def test_confusion_adds_up_to_support_and_accuracy(run):
    results = {row["policy"]: row for row in read(run / "results.csv")}
    confusion = read(run / "confusion.csv")
    for policy, result in results.items():
        mine = [row for row in confusion if row["policy"] == policy]
        classes = sorted({row["true"] for row in mine})
        assert len(mine) == len(classes) ** 2  # every pair, zeros included
        support = {row["class"]: int(row["support"]) for row in read(run / "class_metrics.csv") if row["policy"] == policy}
        for c in classes:
            assert sum(int(row["count"]) for row in mine if row["true"] == c) == support[c]
        total = sum(int(row["count"]) for row in mine)
        right = sum(int(row["count"]) for row in mine if row["true"] == row["predicted"])
        assert total == len({row["example"] for row in read(run / "traces" / f"{policy}.csv")})
        assert right / total == pytest.approx(float(result["accuracy"]), abs=1e-6)


def test_the_anytime_curve_ends_at_the_accuracy(run):
    results = {row["policy"]: row for row in read(run / "results.csv")}
    anytime = read(run / "anytime.csv")
    for policy, result in results.items():
        curve = [row for row in anytime if row["policy"] == policy]
        assert [int(row["regions"]) for row in curve] == list(range(1, len(curve) + 1))
        assert len(curve) >= int(result["budget"])
        assert float(curve[-1]["accuracy"]) == pytest.approx(float(result["accuracy"]), abs=1e-6)
        assert all(0 <= float(row["accuracy"]) <= 1 for row in curve)
        assert len({row["examples"] for row in curve}) == 1


def test_report_shows_macro_f1_and_confusion(run):
    r = saccade("report", run, "--no-plot")
    assert r.returncode == 0, r.stderr
    results = {row["policy"]: row for row in read(run / "results.csv")}
    report = {row["policy"]: row for row in read(run / "report.csv")}
    for policy, result in results.items():
        assert float(report[policy]["macro_f1_mean"]) == pytest.approx(float(result["macro_f1"]), rel=1e-6)
        assert report[policy]["macro_f1_ci95"] == ""  # one seed
    md = (run / "report.md").read_text()
    assert "macro-F1 (95% CI)" in md and "## Confusion matrices" in md
    for policy in results:
        assert f"**{policy}** (test, 1 run summed)" in md
    # A column of results.csv, not a swept key: the setting is still env and budget only.
    assert "macro_f1=" not in md


def test_validation_only_runs_keep_validation_metrics(tmp_path):
    config, overrides = RUNS["glimpses"]
    out = tmp_path / "probe"
    r = saccade("run", CONFIGS / config, *overrides, "train.epochs=1", "eval.test=false", "eval.repeats=2",
                "--out", out)
    assert r.returncode == 0, r.stderr
    assert all(row["macro_f1"] == "" for row in read(out / "results.csv"))
    for name in ("class_metrics", "confusion", "anytime"):
        assert {row["split"] for row in read(out / f"{name}.csv")} == {"validation"}, name
    # eval.repeats = 2: every draw's answer is counted.
    confusion = read(out / "confusion.csv")
    assert sum(int(row["count"]) for row in confusion if row["policy"] == "center") == 2 * 60
    assert {row["examples"] for row in read(out / "anytime.csv")} == {"120"}
    r = saccade("report", out, "--no-plot")
    assert r.returncode == 0, r.stderr
    assert "**center** (validation, 1 run summed)" in (out / "report.md").read_text()


def test_a_multi_slot_task_names_classes_by_slot(tmp_path):
    out = tmp_path / "dialogue"
    r = saccade("run", CONFIGS / "dialogue_turns.yaml", "train.epochs=1", "env.dialogue.train_size=300",
                "env.dialogue.eval_size=40", "reader.hidden=16", "reader.heads=2", "eval.policies=[]", "--out", out)
    assert r.returncode == 0, r.stderr
    classes = read(out / "class_metrics.csv")
    assert all("/" in row["class"] for row in classes)
    slots = {row["class"].split("/")[0] for row in classes}
    assert len(slots) > 1
    # Each slot answers once per example.
    for slot in slots:
        assert sum(int(row["support"]) for row in classes if row["class"].split("/")[0] == slot) == 40
    y_true, y_pred = pairs(read(out / "confusion.csv"), "adaptive")
    assert all(t.split("/")[0] == p.split("/")[0] for t, p in zip(y_true, y_pred))  # within a slot only
    macro = sklearn_metrics.f1_score(y_true, y_pred, average="macro", zero_division=0)
    result = read(out / "results.csv")[0]
    assert float(result["macro_f1"]) == pytest.approx(macro, rel=1e-5)
    assert not math.isnan(macro)
