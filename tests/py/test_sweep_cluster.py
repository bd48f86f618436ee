"""Sweeps on the engines research groups have: a Dask cluster (`saccade sweep --backend dask`) and a
Slurm job array (`saccade sweep --emit slurm`). Each must leave the sweep directory as a local sweep
does: the same results.csv (every column but the measured times), every run done in manifest.json.

The Dask test starts a LocalCluster of 2 worker processes on loopback and kills one of them (SIGKILL)
while it runs a run: the scheduler gives the run to another worker, which resumes it. The Slurm test
runs the emitted script once per array index, as Slurm would, then the emitted gather command."""
import csv
import json
import os
import pathlib
import re
import signal
import subprocess
import time

import pytest

from harness import SACCADE, TIMES, requires_saccade, saccade
from test_sweep import BASE, write_sweep

pytestmark = requires_saccade

# 4 runs of 2 policies, each a couple of seconds: long enough to be caught running.
SWEEP = "sweep:\n  seeds: [0, 1, 2, 3]\n"
LONGER = BASE.replace("epochs: 2", "epochs: 40").replace("batch_size: 64", "batch_size: 16").replace(
    "policies: [center, grid]", "policies: [center]")


def results(out):
    with open(out / "results.csv", newline="") as f:
        return [{k: v for k, v in row.items() if k not in TIMES} for row in csv.DictReader(f)]


def all_done(out):
    m = json.loads((out / "manifest.json").read_text())
    return [r["status"] for r in m["runs"]] == ["done"] * len(m["runs"]) and len(m["runs"]) == 4


@pytest.fixture(scope="module")
def local_sweep(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("local")
    cfg = write_sweep(tmp, SWEEP, base=LONGER)
    r = saccade("sweep", cfg, "--out", tmp / "out", "-j", "2")
    assert r.returncode == 0, r.stderr
    return cfg, results(tmp / "out")


def running_trials(worker_pid):
    """The trials that `saccade run --sweep OUT --trial N` child processes of this worker are running."""
    trials = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            argv = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        if ppid == worker_pid and b"--trial" in argv:
            trials.append(int(argv[argv.index(b"--trial") + 1]))
    return trials


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")  # python3-distributed, from scripts/install-deps.sh
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c:
        yield c


def test_dask_sweep_survives_a_lost_worker(tmp_path, local_sweep, cluster):
    import distributed
    cfg, expected = local_sweep
    out = tmp_path / "dask"
    with distributed.Client(cluster) as client:
        sweep = subprocess.Popen([str(SACCADE), "sweep", str(cfg), "--out", str(out), "--backend", "dask",
                                  "--scheduler", cluster.scheduler_address], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        # Wait until a worker runs a run that has finished an epoch, then kill that worker.
        pids = client.run(os.getpid)
        victim = None
        deadline = time.time() + 120
        while victim is None and time.time() < deadline and sweep.poll() is None:
            time.sleep(0.05)
            for worker, pid in pids.items():
                for trial in running_trials(pid):
                    log = next(out.glob(f"{trial:03d}-*"), out) / "log.txt"
                    if log.is_file() and "epoch 1/40" in log.read_text():
                        victim = (worker, pid, log)
        assert victim is not None, "no run was caught running on a worker"
        os.kill(victim[1], signal.SIGKILL)
        stdout, stderr = sweep.communicate(timeout=300)
    assert sweep.returncode == 0, stderr
    assert all_done(out)
    assert results(out) == expected
    # The killed worker's run went to another worker and resumed there.
    assert "resuming" in victim[2].read_text(), stderr

    # Re-running the same command resumes: nothing is left to do.
    again = saccade("sweep", cfg, "--out", out, "--backend", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert again.returncode == 0 and "every one of the 4 runs has finished" in again.stdout


def test_python_sweep_on_a_cluster(tmp_path, cluster):
    import sys
    sys.path.insert(0, str(SACCADE.parent / "python"))
    import saccade as module
    cfg = write_sweep(tmp_path, "sweep:\n  seeds: [0, 1]\n")
    local = module.sweep(cfg, out=tmp_path / "local", jobs=2)
    on_cluster = module.sweep(cfg, out=tmp_path / "cluster", scheduler=cluster)
    assert on_cluster.finished()
    assert results(tmp_path / "cluster") == results(tmp_path / "local") and len(local.to_pandas()) == 2 * 3


def array_indices(script):
    """The indices of `#SBATCH --array=0-2,5`."""
    spec = re.search(r"^#SBATCH --array=(\S+)$", script, re.M).group(1)
    indices = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        indices += range(int(lo), int(hi or lo) + 1)
    return indices


def test_slurm_array_run_locally_gathers_the_same_results(tmp_path, local_sweep):
    cfg, expected = local_sweep
    out = tmp_path / "slurm"
    r = saccade("sweep", cfg, "--out", out, "--emit", "slurm", "--sbatch", "partition=cpu", "--sbatch", "time=01:00:00")
    assert r.returncode == 0, r.stderr
    script = (out / "slurm.sbatch").read_text()
    assert "#SBATCH --partition=cpu" in script and "#SBATCH --time=01:00:00" in script
    assert array_indices(script) == [0, 1, 2, 3]
    assert not (out / "results.csv").read_text().strip().count("\n")  # prepared, nothing run yet

    # Each array task as Slurm would start it, two at a time; task 2 is left for a second array.
    def task(i):
        return subprocess.Popen(["bash", str(out / "slurm.sbatch")], env={**os.environ, "SLURM_ARRAY_TASK_ID": str(i)},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for pair in ([0, 1], [3]):
        tasks = [task(i) for i in pair]
        for t in tasks:
            _, err = t.communicate(timeout=300)
            assert t.returncode == 0 and "trial" in err, err
    gather = subprocess.run(["bash", str(out / "gather.sh")], capture_output=True, text=True)
    assert gather.returncode == 1 and "3/4 runs finished" in gather.stdout

    # Emitting again leaves the finished runs out of the array.
    assert saccade("sweep", cfg, "--out", out, "--emit", "slurm").returncode == 0
    assert array_indices((out / "slurm.sbatch").read_text()) == [2]
    t = task(2)
    _, err = t.communicate(timeout=300)
    assert t.returncode == 0, err
    gather = subprocess.run(["bash", str(out / "gather.sh")], capture_output=True, text=True)
    assert gather.returncode == 0, gather.stdout + gather.stderr
    assert all_done(out)
    assert results(out) == expected


def test_trial_errors(tmp_path):
    r = saccade("run", "--sweep", tmp_path, "--trial", "0")
    assert r.returncode == 2 and f"no {tmp_path}/manifest.json" in r.stderr
    cfg = write_sweep(tmp_path, "sweep:\n  seeds: [0, 1]\n")
    assert saccade("sweep", cfg, "--out", tmp_path / "s", "--emit", "slurm").returncode == 0
    r = saccade("run", "--sweep", tmp_path / "s", "--trial", "5")
    assert r.returncode == 2 and "the sweep has runs 0 to 1" in r.stderr
    r = saccade("run", "--sweep", tmp_path / "s")
    assert r.returncode == 2 and "--trial" in r.stderr
