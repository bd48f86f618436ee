"""`saccade search --backend dask`: a small search on a Dask LocalCluster of 2 worker processes on
loopback, each seed run a task there, the study on the driver's disk."""
from harness import requires_saccade, saccade
from test_search import BASE, SEARCH, study, write
from test_sweep_cluster import cluster  # noqa: F401  (the 2-worker LocalCluster fixture)

pytestmark = requires_saccade


def test_search_on_a_dask_cluster(tmp_path, cluster):
    cfg = write(tmp_path, BASE + SEARCH.replace("trials: 3", "trials: 2"))
    out = tmp_path / "out"
    r = saccade("search", cfg, "--out", out, "-j", "2", "--backend", "dask", "--scheduler", cluster.scheduler_address)
    assert r.returncode == 0, r.stdout + r.stderr
    trials = study(out).trials
    assert [t.state.name for t in trials] == ["COMPLETE", "COMPLETE"]
    for t in trials:
        for seed in (0, 1):
            assert (out / "trials" / f"{t.number:03d}-seed={seed}" / "status.json").exists()
    # The same search locally gives the same values: the trials are the same runs wherever they ran.
    local = saccade("search", cfg, "--out", tmp_path / "local", "-j", "2")
    assert local.returncode == 0, local.stdout + local.stderr
    assert [t.value for t in study(tmp_path / "local").trials] == [t.value for t in trials]
    assert [t.params for t in study(tmp_path / "local").trials] == [t.params for t in trials]


def test_search_on_slurm_arrays_run_locally(tmp_path):
    """Each emitted array task run as Slurm would (SLURM_ARRAY_TASK_ID set), some left out of a first
    array; gather tells the study, emitting again asks the next batch and re-includes what did not run."""
    import os
    import re
    import subprocess
    cfg = write(tmp_path, BASE + SEARCH)  # 3 trials of 2 seeds
    out = tmp_path / "out"

    def emit():
        r = saccade("search", cfg, "--out", out, "-j", "2", "--emit", "slurm", "--sbatch", "partition=cpu")
        assert r.returncode == 0, r.stdout + r.stderr
        script = (out / "slurm.sbatch").read_text()
        assert "#SBATCH --partition=cpu" in script
        spec = re.search(r"^#SBATCH --array=(\S+)$", script, re.M).group(1)
        return [i for part in spec.split(",") for i in range(int(part.split("-")[0]), int(part.split("-")[-1]) + 1)]

    def task(i):
        done = subprocess.run(["bash", str(out / "slurm.sbatch")], env={**os.environ, "SLURM_ARRAY_TASK_ID": str(i)},
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    def gather():
        return subprocess.run(["bash", str(out / "gather.sh")], capture_output=True, text=True)

    assert emit() == [0, 1, 2, 3]  # trials 0 and 1, two seed runs each
    for i in (0, 1, 2):  # run 3 (trial 1, seed 1) is left out, as after a time limit
        task(i)
    g = gather()
    assert g.returncode == 1 and "1/3 trials finished, 1 emitted and not finished" in g.stdout, g.stdout + g.stderr
    assert emit() == [3, 4, 5]  # trial 1's unfinished run, and trial 2's two
    for i in (3, 4, 5):
        task(i)
    g = gather()
    assert g.returncode == 0 and "3/3 trials finished" in g.stdout, g.stdout + g.stderr
    assert [t.state.name for t in study(out).trials] == ["COMPLETE"] * 3
    assert len(study(out).trials[0].intermediate_values) == 2  # per-epoch validation recorded at gather
    r = saccade("search", cfg, "--out", out, "--emit", "slurm")
    assert r.returncode == 0 and "nothing to submit" in r.stdout
