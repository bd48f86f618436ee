"""`saccade sweep` as a user meets it: runs expanded from grid/zip/seeds, one directory per run,
manifest.json, gathered results.csv, resuming (also after SIGKILL), and a failing run that is
reported without stopping the others. Runs use scikit-learn's 8x8 digits so each takes about a second."""
import csv
import json
import pathlib
import signal
import subprocess
import time

from harness import ROOT, SACCADE, requires_saccade, run_outputs, saccade

pytestmark = requires_saccade

BASE = f"""include: {ROOT}/experiments/configs/image_ram.yaml
env: {{dataset: digits, canvas: 16, clutter: {{pieces: 0}}, retina: {{size: 4, scales: 2}}, preview_factor: 2}}
reader: {{hidden: 32, glimpse_hidden: 32}}
train: {{epochs: 2, batch_size: 64}}
eval: {{policies: [center, grid]}}
"""


def write_sweep(tmp_path, sweep, base=BASE):
    path = tmp_path / "sweep.yaml"
    path.write_text(base + sweep)
    return path


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def manifest(out):
    return json.loads((out / "manifest.json").read_text())


def test_grid_zip_and_seeds_expand_in_order(tmp_path):
    cfg = write_sweep(tmp_path, "sweep:\n  grid: {policy.budget: [2, 3]}\n"
                      "  zip: {train.lr: [0.001, 0.003], reader.core: [rnn, gru]}\n  seeds: [0, 1]\n")
    r = saccade("sweep", cfg, "--out", tmp_path / "out", "--dry-run")
    assert r.returncode == 0, r.stderr
    names = [pathlib.Path(line).name for line in r.stdout.splitlines()[:-1]]
    assert len(names) == 2 * 2 * 2
    # Zipped keys move together: the first one names the zip position.
    assert names[0] == "000-budget=2-lr=0.001-seed=0"
    assert names[1] == "001-budget=2-lr=0.001-seed=1"
    assert names[2] == "002-budget=2-lr=0.003-seed=0"
    assert names[7] == "007-budget=3-lr=0.003-seed=1"
    assert not (tmp_path / "out").exists()  # a dry run writes nothing


def test_sweep_runs_gathers_results_and_resumes(tmp_path):
    cfg = write_sweep(tmp_path, "sweep:\n  grid: {policy.budget: [2, 3]}\n  seeds: [0, 1]\n")
    out = tmp_path / "out"
    r = saccade("sweep", cfg, "--out", out, "-j", "2")
    assert r.returncode == 0, r.stderr
    m = manifest(out)
    assert [run["status"] for run in m["runs"]] == ["done"] * 4
    assert m["swept_keys"] == ["policy.budget", "seed"]
    assert m["shared"] == []  # no sweep.shared
    for run in m["runs"]:
        d = pathlib.Path(run["dir"])
        for f in ("config.yaml", "metrics.jsonl", "results.csv", "log.txt", "status.json"):
            assert (d / f).exists(), d / f
    table = rows(out / "results.csv")
    assert len(table) == 4 * 3  # 4 runs x (adaptive, center, grid)
    assert list(table[0])[-3:] == ["evidence_read", "oov_accuracy", "policy.budget"]  # the swept key, as a column
    assert {(row["policy.budget"], row["seed"]) for row in table} == {("2", "0"), ("2", "1"), ("3", "0"), ("3", "1")}
    assert all(row["budget"] == row["policy.budget"] for row in table)

    # A run's config.yaml runs on its own.
    first = pathlib.Path(m["runs"][0]["dir"])
    again = saccade("run", first / "config.yaml", "--print-config")
    assert again.returncode == 0 and "budget: 2" in again.stdout

    # A run finished by a saccade from before evidence_read and oov_accuracy: its rows are gathered with
    # those cells empty.
    old = pathlib.Path(m["runs"][0]["dir"]) / "results.csv"
    old.write_text("".join(line.rsplit(",", 2)[0] + "\n" for line in old.read_text().splitlines()))
    before = {run["name"]: (pathlib.Path(run["dir"]) / "status.json").stat().st_mtime_ns for run in m["runs"]}
    r = saccade("sweep", cfg, "--out", out, "-j", "2")
    assert r.returncode == 0, r.stderr
    assert "4 already finished (skipped)" in r.stderr
    table = rows(out / "results.csv")
    assert len(table) == 4 * 3 and all(row["evidence_read"] == row["oov_accuracy"] == "" for row in table)
    assert saccade("report", out).returncode == 0
    after = {run["name"]: (pathlib.Path(run["dir"]) / "status.json").stat().st_mtime_ns for run in manifest(out)["runs"]}
    assert before == after  # nothing was redone

    # A run finished by a saccade from before a key existed (its config.yaml lacks the key, whose
    # default reproduces what ran) is the same run: kept, not refused as changed.
    cfg_file = pathlib.Path(m["runs"][1]["dir"]) / "config.yaml"
    assert "  tau: 2\n" in cfg_file.read_text()
    cfg_file.write_text(cfg_file.read_text().replace("  tau: 2\n", ""))
    r = saccade("sweep", cfg, "--out", out, "-j", "2")
    assert r.returncode == 0 and "4 already finished (skipped)" in r.stderr, r.stderr

    # The same directory with a changed config is refused before anything runs.
    r = saccade("sweep", cfg, "--out", out, "train.epochs=3")
    assert r.returncode == 2
    assert "finished with a different config" in r.stderr and "epochs: 3" in r.stderr


def test_failing_run_is_reported_and_others_finish(tmp_path):
    # A 4x4 canvas cannot hold an 8x8 digit: that run fails when it loads its data.
    cfg = write_sweep(tmp_path, "sweep:\n  grid: {env.canvas: [4, 16]}\n")
    out = tmp_path / "out"
    r = saccade("sweep", cfg, "--out", out)
    assert r.returncode == 1
    m = manifest(out)
    assert [run["status"] for run in m["runs"]] == ["failed", "done"]
    log = m["runs"][0]["log"]
    assert f"log: {log}" in r.stdout
    assert "canvas" in pathlib.Path(log).read_text()
    assert len(rows(out / "results.csv")) == 3  # only the finished run's rows


def test_killed_sweep_resumes_without_redoing_or_losing_runs(tmp_path):
    cfg = write_sweep(tmp_path, "sweep:\n  seeds: [0, 1, 2, 3]\n",
                      base=BASE.replace("epochs: 2", "epochs: 4"))
    out = tmp_path / "out"
    sweep = subprocess.Popen([str(SACCADE), "sweep", str(cfg), "--out", str(out), "-j", "1"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    running_pid = None
    deadline = time.time() + 120
    while time.time() < deadline:
        time.sleep(0.05)
        try:
            m = manifest(out)
        except (FileNotFoundError, json.JSONDecodeError):
            continue
        running = [run for run in m["runs"] if run["status"] == "running"]
        if m["counts"]["done"] >= 1 and running:
            running_pid, killed = running[0]["pid"], running[0]["name"]
            break
    assert running_pid is not None, "the sweep never had a finished run and a running one"
    sweep.send_signal(signal.SIGKILL)
    sweep.wait()

    finished = [run for run in m["runs"] if run["status"] == "done"]
    assert len(finished) < 4
    stamps = {run["name"]: (pathlib.Path(run["dir"]) / "status.json").stat().st_mtime_ns for run in finished}
    # The running run dies with the sweep instead of writing on into the directory.
    for _ in range(100):
        if not pathlib.Path(f"/proc/{running_pid}").exists():
            break
        time.sleep(0.05)
    assert not pathlib.Path(f"/proc/{running_pid}").exists()

    r = saccade("sweep", cfg, "--out", out, "-j", "1")
    assert r.returncode == 0, r.stderr
    assert f"{len(finished)} already finished (skipped)" in r.stderr
    m = manifest(out)
    assert [run["status"] for run in m["runs"]] == ["done"] * 4
    for name, stamp in stamps.items():  # not redone
        assert (out / name / "status.json").stat().st_mtime_ns == stamp
    table = rows(out / "results.csv")  # none lost
    assert sorted({row["seed"] for row in table}) == ["0", "1", "2", "3"]
    assert len(table) == 4 * 3
    # The run killed mid-way went on from its last epoch checkpoint if it had started training, and
    # either way ends as an uninterrupted run of its config does.
    if "resuming" in (out / killed / "log.txt").read_text():
        assert f"resume {killed}" in r.stderr
    assert saccade("run", out / killed / "config.yaml", "--out", tmp_path / "whole").returncode == 0
    assert run_outputs(out / killed) == run_outputs(tmp_path / "whole")
