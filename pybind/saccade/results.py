"""Runs and sweeps from Python, and their output directories as pandas frames."""
import json
import os
import pathlib
import shutil
import subprocess

import pandas as pd

from . import _saccade
from .config import overrides_of, source_of
from .own_data import write_data


class Results:
    """A run's or a sweep's output directory (what `saccade run` / `saccade sweep` write).

    Attributes:
        dir: the directory (pathlib.Path).
    """

    def __init__(self, directory):
        self.dir = pathlib.Path(directory)

    def __repr__(self):
        return f"Results({str(self.dir)!r})"

    def to_pandas(self):
        """results.csv as a DataFrame: one row per policy (and per run of a sweep).

        Columns: run, seed, env, policy, budget, accuracy, mean_regions, flops_per_example,
        us_per_example, policy_us_per_example, val_accuracy, epochs, best_epoch, train_seconds, evidence_read,
        oov_accuracy, then a sweep's swept keys (docs/cli.md; files from before a column lack it).
        """
        return pd.read_csv(self.dir / "results.csv")

    def metrics(self):
        """metrics.jsonl as a DataFrame: one row per policy and epoch (a run's directory only)."""
        return pd.read_json(self.dir / "metrics.jsonl", lines=True)

    def traces(self, policy="adaptive"):
        """Where `policy` looked on the first 64 test examples, one row per region read.

        Columns: example, label, correct, step, row, col (glimpse locations in [-1, 1]), region
        (-1 for glimpses), evidence (1 if the region holds the example's evidence, NaN if unknown).
        """
        return pd.read_csv(self.dir / "traces" / f"{policy}.csv")

    def report(self):
        """report.csv (written by `saccade report DIR`) as a DataFrame, if it is there."""
        return pd.read_csv(self.dir / "report.csv")

    def finished(self):
        """Whether the run wrote status.json, its last file (a sweep: its manifest's runs all done)."""
        if (self.dir / "status.json").exists():
            return True
        manifest = self.dir / "manifest.json"
        return manifest.exists() and all(r["status"] == "done" for r in json.loads(manifest.read_text())["runs"])


def run(config, overrides=(), out=None, data=None, **kwargs):
    """Runs an experiment, like `saccade run`, and returns its Results.

    Every policy (adaptive and each fixed one) gets its own reader, trained for the same epochs,
    seed and data, then scored on the test split. Progress lines go to stderr.

    Args:
        config: a YAML file path or a dict of the same keys.
        overrides: "key.path=value" strings applied on top.
        out: the output directory (default: the config's `out`, runs/{name}).
        data: your own data instead of env.dataset (docs/data.md). Images: a dict of numpy arrays
            x_train, y_train, x_test, y_test and optionally x_val, y_val (images [N, H, W] uint8
            0-255 or float32 in [0, 1], integer labels [N]). Text: a DataFrame with columns text
            and label, or {"texts": DataFrame, "distractors": DataFrame or Series of texts} for
            cluttered documents. Written to OUT/data.npz or OUT/data.csv (and OUT/distractors.csv),
            which the run then reads: the same checks and errors as files.
        **kwargs: more overrides, `__` for the dots (train__epochs=1, policy__budget=3).

    Raises:
        ConfigError: a bad config, before any work starts.
        TypeError, ValueError: `data` of the wrong type, or without a key or column it needs.
        RuntimeError: data the loader refuses (a wrong dtype or shape, a label out of range), its
            message naming the file and the key, as for a file given in env.dataset.
        KeyboardInterrupt: Ctrl-C; training stops after the current batch.
    """
    source, is_text = source_of(config)
    args = overrides_of(overrides, **kwargs)
    out = None if out is None else os.fspath(out)
    if data is not None:
        out, env_type = _saccade.run_target(source, is_text, args, out)
        args += write_data(data, out, env_type)
    directory = _saccade.run(source, is_text, args, out)
    return Results(directory)


def resume(directory):
    """Continues an interrupted run, like `saccade run --resume DIR`, and returns its Results.

    The run's own DIR/resolved.yaml is the config. Policies it finished are kept; the one it was
    training goes on from its last epoch checkpoint (DIR/checkpoints/POLICY.last.npz), so metrics
    and results come out as an uninterrupted run's would.

    Raises:
        FileNotFoundError: DIR holds no resolved.yaml (not a run directory).
    """
    directory = os.fspath(directory)
    resolved = pathlib.Path(directory) / "resolved.yaml"
    if not resolved.is_file():
        raise FileNotFoundError(f"{resolved}: not a run directory (`saccade run` writes resolved.yaml before training)")
    return Results(_saccade.run(str(resolved), False, [], directory, True))


def _cli():
    """The `saccade` command line beside this package (build tree) or on PATH (installed)."""
    if os.environ.get("SACCADE_CLI"):
        return os.environ["SACCADE_CLI"]
    beside = pathlib.Path(__file__).resolve().parents[2] / "saccade"
    if beside.is_file():
        return str(beside)
    found = shutil.which("saccade")
    if not found:
        raise FileNotFoundError("the `saccade` command line is neither beside the package nor on PATH (set SACCADE_CLI)")
    return found


def sweep(config, out, jobs=1, overrides=(), scheduler=None, **kwargs):
    """Runs a sweep, like `saccade sweep CONFIG --out OUT -j JOBS`, and returns its Results.

    The config's `sweep:` section (grid, zip, seeds) expands into runs, each a separate process;
    re-running the same call resumes (finished runs are kept, interrupted ones continue).

    Args:
        config: a YAML path with a sweep section (a dict is written to OUT/sweep.yaml first).
        out: the sweep directory.
        jobs: runs at once (here; with a scheduler, the cluster decides).
        scheduler: a Dask scheduler's address (or a distributed.Client / LocalCluster): the runs go
            to its workers (`--backend dask`); OUT must be on a file system they share.
        overrides, **kwargs: overrides of the base config, as for run().

    Raises:
        ConfigError: a bad config in any run, before anything runs.
        RuntimeError: some run failed (its log is in its directory); the others went on.
    """
    out = pathlib.Path(out)
    source, is_text = source_of(config)
    args = overrides_of(overrides, **kwargs)
    _saccade.check_sweep(source, is_text, args, str(out))  # every run's config, before anything runs
    if is_text:
        out.mkdir(parents=True, exist_ok=True)
        tmp = out / f"sweep.yaml.tmp-{os.getpid()}"  # renamed into place: a kill never leaves half of it
        tmp.write_text(source)
        os.replace(tmp, out / "sweep.yaml")
        source = str(out / "sweep.yaml")
    backend = []
    if scheduler is not None:  # an address, a cluster (.scheduler_address) or a Client (.scheduler.address)
        address = scheduler if isinstance(scheduler, str) else getattr(scheduler, "scheduler_address", None)
        address = address or scheduler.scheduler.address
        backend = ["--backend", "dask", "--scheduler", address]
    done = subprocess.run([_cli(), "sweep", source, *args, "--out", str(out), "-j", str(jobs), *backend])
    if done.returncode != 0:
        raise RuntimeError(f"saccade sweep: some runs failed (exit status {done.returncode}); see {out}/manifest.json")
    return Results(out)
