"""`saccade search` as a user meets it: a small study runs its trials (real runs, validation only),
`saccade report` lists them and writes best.yaml, which runs as it is; a killed search resumes without
repeating a finished trial; the median pruner stops a trial built to be pruned; a bad search key is an
error naming file, line and key. Runs use scikit-learn's 8x8 digits so each takes seconds.
The Dask back end is in test_search_cluster.py."""
import csv
import json
import pathlib
import signal
import subprocess
import time

import pytest

from harness import SACCADE, requires_saccade, saccade
from test_sweep import BASE

pytestmark = [requires_saccade, pytest.mark.filterwarnings("ignore::UserWarning")]
optuna = pytest.importorskip("optuna")  # python3-optuna, from scripts/install-deps.sh

SEARCH = """search:
  parameters:
    train.lr: {low: 0.0005, high: 0.01, log: true}
    policy.entropy: {low: 0.0, high: 0.05}
  sampler: random
  trials: 3
  seeds: [0, 1]
  pruner: none
"""


def write(tmp_path, text, name="search.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def study(out):
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna.load_study(study_name="saccade", storage=f"sqlite:///{out}/study.db")


def states(out):
    return [t.state.name for t in study(out).trials]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_search_runs_its_trials_and_best_yaml_runs(tmp_path):
    cfg = write(tmp_path, BASE + SEARCH)
    out = tmp_path / "out"
    r = saccade("search", cfg, "--out", out, "-j", "2")
    assert r.returncode == 0, r.stdout + r.stderr
    trials = study(out).trials
    assert [t.state.name for t in trials] == ["COMPLETE"] * 3
    for t in trials:
        assert 0.0005 <= t.params["train.lr"] <= 0.01 and 0 <= t.params["policy.entropy"] <= 0.05
        values = []
        for seed in (0, 1):
            run = out / "trials" / f"{t.number:03d}-seed={seed}"
            resolved = (run / "resolved.yaml").read_text()
            assert f"seed: {seed}\n" in resolved and "test: false" in resolved  # validation only
            table = rows(run / "results.csv")
            assert [row["policy"] for row in table] == ["adaptive"]  # only the metric's policy
            assert table[0]["accuracy"] == "" and table[0]["val_accuracy"] != ""
            values.append(float(table[0]["val_accuracy"]))
        assert t.value == pytest.approx(sum(values) / 2)  # the mean over the trial's seeds

    rep = saccade("report", out)
    assert rep.returncode == 0, rep.stdout + rep.stderr
    best = max(trials, key=lambda t: t.value)
    assert f"best: trial {best.number}" in rep.stdout
    listed = rows(out / "trials.csv")
    assert [row["state"] for row in listed] == ["complete"] * 3 and listed[0]["epochs"] == "2"
    best_yaml = (out / "best.yaml").read_text()
    assert "\nsearch:" not in best_yaml and "test: true" in best_yaml
    assert f"lr: {best.params['train.lr']!r}" in best_yaml
    final = saccade("run", out / "best.yaml")
    assert final.returncode == 0, final.stderr
    table = rows(out / "best" / "results.csv")
    assert [row["policy"] for row in table] == ["adaptive", "center", "grid"]  # the config's own policies
    assert all(row["accuracy"] != "" for row in table)  # the final run scores the test split


def test_killed_search_resumes_without_repeating_a_finished_trial(tmp_path):
    slower = BASE.replace("epochs: 2", "epochs: 40").replace("batch_size: 64", "batch_size: 16")
    cfg = write(tmp_path, slower + SEARCH.replace("seeds: [0, 1]", "seeds: [0]"))
    out = tmp_path / "out"
    driver = subprocess.Popen([str(SACCADE), "search", str(cfg), "--out", str(out)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    # Kill the driver (SIGKILL: nothing of it runs on) once trial 0 has finished and trial 1 has trained an epoch.
    lines = []
    for line in driver.stdout:
        lines.append(line)
        if line.startswith("done   trial 0"):
            break
    log = out / "trials" / "001-seed=0" / "metrics.jsonl"
    deadline = time.time() + 120
    while not (log.exists() and log.read_text().strip()) and time.time() < deadline:
        time.sleep(0.05)
    driver.send_signal(signal.SIGKILL)
    driver.wait()
    assert log.exists(), "".join(lines)
    first = out / "trials" / "000-seed=0"
    before = {p: p.stat().st_mtime_ns for p in first.rglob("*")}
    s = study(out)
    assert [t.state.name for t in s.trials] == ["COMPLETE", "RUNNING"]
    params_1 = s.trials[1].params

    again = saccade("search", cfg, "--out", out)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "trial 1 was left running by an interrupted search: asked again" in again.stdout
    trials = study(out).trials
    # Trial 1 was failed and asked again (trial 2, same values, same directory); one more trial makes 3.
    assert [t.state.name for t in trials] == ["COMPLETE", "FAIL", "COMPLETE", "COMPLETE"]
    assert trials[2].params == params_1 and trials[2].user_attrs["dir"] == "001"
    assert trials[3].params not in (trials[0].params, params_1)  # the resumed sampler draws anew
    assert {p: p.stat().st_mtime_ns for p in first.rglob("*")} == before  # the finished trial's run untouched
    manifest = json.loads((out / "trials" / "manifest.json").read_text())
    assert [r["name"] for r in manifest["runs"]] == ["000-seed=0", "001-seed=0", "003-seed=0"]
    assert "resuming" in (out / "trials" / "001-seed=0" / "log.txt").read_text()  # from its epoch checkpoint

    # Once more: nothing left to do.
    done = saccade("search", cfg, "--out", out)
    assert done.returncode == 0 and "3 finished already" in done.stdout and len(study(out).trials) == 4
    # A changed search is not resumed into the same study.
    changed = saccade("search", cfg, "--out", out, "train.epochs=7")
    assert changed.returncode == 2 and "trial.yaml: the search changed" in changed.stderr


def test_median_pruner_stops_a_trial_below_the_median(tmp_path):
    # The fixed policy grid's reader is the metric (a fixed policy's search: eval.adaptive false). Random
    # sampler seed 0 draws lr 1e-7 (learns nothing), 0.01, then 1e-7 again: trial 2's validation accuracy
    # is trial 0's, below the median of trials 0 and 1 once trial 1 has passed it (epoch 9; pruning starts after epoch 10).
    slower = BASE.replace("epochs: 2", "epochs: 60").replace("batch_size: 64", "batch_size: 16")
    cfg = write(tmp_path, slower + """search:
  parameters:
    train.lr: {choices: [0.01, 0.0000001]}
  metric: grid.val_accuracy
  sampler: random
  sampler_seed: 0
  trials: 3
  pruner: median
  startup_trials: 1
  warmup_epochs: 10
""")
    out = tmp_path / "out"
    r = saccade("search", cfg, "--out", out)
    assert r.returncode == 0, r.stdout + r.stderr
    trials = study(out).trials
    assert [t.params["train.lr"] for t in trials] == ["0.0000001", "0.01", "0.0000001"]
    assert [t.state.name for t in trials] == ["COMPLETE", "COMPLETE", "PRUNED"]
    pruned = trials[2]
    assert pruned.user_attrs["epochs"] < 60 and max(pruned.intermediate_values) == pruned.user_attrs["epochs"]
    run = out / "trials" / "002-seed=0"
    assert (out / "trials" / "002.prune").exists() and not (run / "status.json").exists()  # stopped mid-way
    assert [row["policy"] for row in rows(out / "trials" / "000-seed=0" / "results.csv")] == ["grid"]
    assert len(trials[0].intermediate_values) == 60  # completed trials' curves are in the study too
    rep = saccade("report", out)
    assert rep.returncode == 0 and "pruned" in rep.stdout and "best: trial 1" in rep.stdout


def test_bad_search_keys_name_file_line_and_key(tmp_path):
    cfg = write(tmp_path, BASE + """search:
  parameters:
    train.lrr: {low: 0.001, high: 0.01}
    train.lr: {low: 0.01, high: 0.001}
    policy.entropy: {low: 0, high: 0.1, log: true}
    policy.budget: {low: 0, high: 4}
    reader.core: {low: 1, high: 2}
    seed: {low: 0, high: 3}
    train.epochs: {choices: [2, -1]}
    train.batch_size: {low: 8, hgh: 64}
  trails: 3
  metric: adaptive.accuracy
""")
    r = saccade("search", cfg, "--out", tmp_path / "out")
    assert r.returncode == 2, r.stderr
    err = r.stderr
    expected = [
        "search.yaml:8:5: search.parameters.train.lrr: unknown key train.lrr (did you mean `train.lr`?)",
        "search.yaml:9:", "search.parameters.train.lr.high: must be above low (0.01)",
        "search.yaml:10:", "search.parameters.policy.entropy.low: a log scale needs low > 0",
        "policy.budget: expected int >= 1, got 0",
        "search.parameters.reader.core: reader.core is one of",
        "search.parameters.seed: seed is set per trial by search.seeds",
        "train.epochs: expected int >= 1, got -1",
        "search.parameters.train.batch_size.hgh: unknown field (expected low, high, log, type or choices) (did you mean `high`?)",
        "search.yaml:16:3: search.trails: unknown key (did you mean `search.trials`?)",
    ]
    missing = [e for e in expected if e not in err]
    assert not missing, err
    assert not (tmp_path / "out").exists()  # nothing started

    metric = write(tmp_path, BASE + "search:\n  parameters: {train.lr: {low: 0.001, high: 0.01}}\n  metric: adaptive.accuracy\n",
                   "metric.yaml")
    r = saccade("search", metric, "--out", tmp_path / "out")
    assert r.returncode == 2 and "metric.yaml:8:11: search.metric: expected POLICY.COLUMN with a validation column" in r.stderr

    # `saccade run` and `saccade sweep` refuse a search file, pointing at its section.
    run = saccade("run", metric)
    assert run.returncode == 2 and "metric.yaml:6:1: search: this config describes a hyperparameter search" in run.stderr
    assert saccade("run", metric, "search=null", "--print-config").returncode == 0
    sweep = saccade("sweep", metric, "--out", tmp_path / "sw")
    assert sweep.returncode == 2 and "saccade search FILE --out DIR" in sweep.stderr

    dry = saccade("search", write(tmp_path, BASE + SEARCH, "ok.yaml"), "--out", tmp_path / "dry", "--dry-run")
    assert dry.returncode == 0 and "train.lr in [0.0005, 0.01] (float, log scale)" in dry.stdout
    assert not (tmp_path / "dry").exists()


def test_the_shipped_text_search_is_valid(tmp_path):
    from harness import ROOT
    cfg = ROOT / "experiments/configs/search/text_lr_entropy.yaml"
    r = saccade("search", cfg, "--out", tmp_path / "s", "--dry-run", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "train.lr in [0.0003, 0.03] (float, log scale)" in r.stdout and "20 trials of 2 seed runs each" in r.stdout
