"""A search's directory and its trials' runs, for every back end (experiments/sweep/search_driver.hpp
says what OUT holds). A trial is one run per seed, OUT/trials/NNN-seed=S, each an ordinary
`saccade run` of OUT/trial.yaml with the trial's values; OUT/trials/manifest.json lists every run
ever made, so each is `saccade run --sweep OUT/trials --trial K` wherever it runs
(experiments/sweep/sweep_trial.hpp: its log, its lock, resuming an interrupted run).

The study (Optuna's, OUT/study.db) is opened here; only one driver at a time holds OUT/.driver.lock,
so a trial the study says is running while no driver holds it was left by a killed driver."""
import csv
import fcntl
import json
import os
import pathlib
import subprocess


def write_atomic(path, text):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


def value_text(value):
    """A parameter's value as the text after `key=` on saccade's command line."""
    return repr(value) if isinstance(value, float) else str(value)


class Search:
    def __init__(self, out, cli):
        self.out = pathlib.Path(out)
        self.cli = cli
        self.spec = json.loads((self.out / "search.json").read_text())
        self.trials_dir = self.out / "trials"
        self.policy = self.spec["metric"]["policy"]
        self.column = self.spec["metric"]["column"]

    def lock(self):
        """Holds OUT/.driver.lock until this process ends; exits if another driver holds it."""
        self._lock = open(self.out / ".driver.lock", "w")
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"search: another driver is running on {self.out} (it holds {self.out}/.driver.lock)")

    def open_study(self):
        import optuna
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        s = self.spec
        # Optuna's warm-up is in steps (epochs) before which nothing is pruned: epochs 1..warmup train
        # unpruned, so pruning starts after epoch warmup_epochs + 1's report.
        pruner = (optuna.pruners.MedianPruner(n_startup_trials=s["startup_trials"], n_warmup_steps=s["warmup_epochs"] + 1)
                  if s["pruner"] == "median" else optuna.pruners.NopPruner())
        study = optuna.create_study(storage=f"sqlite:///{self.out}/study.db", study_name="saccade", direction="maximize",
                                    sampler=self.sampler(0), pruner=pruner, load_if_exists=True)
        # A resumed search (or the next Slurm batch) is a new process whose sampler would start its random
        # stream again and draw the first trials' values anew: seed it past the trials the study has.
        study.sampler = self.sampler(len(study.get_trials(deepcopy=False)))
        return study

    def sampler(self, offset):
        import optuna
        seed = self.spec["sampler_seed"] + offset
        return (optuna.samplers.TPESampler(seed=seed) if self.spec["sampler"] == "tpe"
                else optuna.samplers.RandomSampler(seed=seed))

    # --- a trial's runs ---------------------------------------------------------------------------
    def run_names(self, trial):
        return [f"{trial.user_attrs['dir']}-seed={seed}" for seed in self.spec["seeds"]]

    def run_dirs(self, trial):
        return [self.trials_dir / name for name in self.run_names(trial)]

    def marker(self, trial):
        """The file that tells a pruned trial's runs to stop (they poll it, here or on a worker)."""
        return self.trials_dir / f"{trial.user_attrs['dir']}.prune"

    def start(self, trial):
        """Suggests the trial's values and makes its runs ready. Returns their manifest indices."""
        values = suggest(trial, self.spec["parameters"])
        if "dir" not in trial.user_attrs:  # a trial asked again after a kill keeps its first directory
            trial.set_user_attr("dir", f"{trial.number:03d}")
        self.marker(trial).unlink(missing_ok=True)
        for name, seed in zip(self.run_names(trial), self.spec["seeds"]):
            self.make_config(name, values, seed)
        return self.add_to_manifest(self.run_names(trial))

    def make_config(self, name, values, seed):
        """OUT/trials/NAME/config.yaml: trial.yaml with the trial's values, resolved by saccade itself. A
        directory that has one (a trial asked again) is kept: its run finished, or resumes."""
        run = self.trials_dir / name
        if (run / "config.yaml").exists():
            return
        overrides = [f"{k}={value_text(v)}" for k, v in values.items()]
        done = subprocess.run([self.cli, "run", str(self.out / "trial.yaml"), *overrides, f"seed={seed}", f"name={name}",
                               f"out={run}", "--print-config"], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"trial config {name}: {done.stderr.strip()}")
        run.mkdir(parents=True, exist_ok=True)
        write_atomic(run / "config.yaml", done.stdout)

    def add_to_manifest(self, names):
        path = self.trials_dir / "manifest.json"
        runs = json.loads(path.read_text())["runs"] if path.exists() else []
        index = {r["name"]: r["index"] for r in runs}
        for name in names:
            if name not in index:
                index[name] = len(runs)
                runs.append({"index": len(runs), "name": name, "dir": str(self.trials_dir / name)})
        write_atomic(path, json.dumps({"search": str(self.out), "runs": runs}, indent=2) + "\n")
        return [index[n] for n in names]

    # --- what the runs wrote ----------------------------------------------------------------------
    def curve(self, trial):
        """{epoch: validation accuracy, mean over the seeds} for the epochs every seed run has reached."""
        curves = [epoch_values(d, self.policy) for d in self.run_dirs(trial)]
        common = set.intersection(*(set(c) for c in curves))
        return {e: sum(c[e] for c in curves) / len(curves) for e in sorted(common)}

    def report_epochs(self, trial, after):
        """Reports the epochs after `after` to the study; returns the last one reported."""
        for epoch, value in self.curve(trial).items():
            if epoch > after:
                trial.report(value, epoch)
                after = epoch
        return after

    def value(self, trial):
        """The trial's value (the metric's mean over its seed runs) and the most epochs a run trained."""
        values, epochs = [], 0
        for d in self.run_dirs(trial):
            with open(d / "results.csv", newline="") as f:
                row = next((r for r in csv.DictReader(f) if r["policy"] == self.policy), None)
            if row is None or not row.get(self.column):
                raise RuntimeError(f"{d}/results.csv has no {self.column} for {self.policy}")
            values.append(float(row[self.column]))
            epochs = max(epochs, int(row.get("epochs") or 0))
        return sum(values) / len(values), epochs


def suggest(trial, parameters):
    """The trial's value of each parameter (a trial asked again gets the values it had)."""
    values = {}
    for p in parameters:
        key = p["key"]
        if p["type"] == "choice":
            values[key] = trial.suggest_categorical(key, p["choices"])
        elif p["type"] == "int":
            values[key] = trial.suggest_int(key, int(p["low"]), int(p["high"]), log=p["log"])
        else:
            values[key] = trial.suggest_float(key, p["low"], p["high"], log=p["log"])
    return values


def epoch_values(run_dir, policy):
    """{epoch: val_accuracy} of `policy` from a run's metrics.jsonl (a resumed run's later line wins)."""
    out = {}
    try:
        lines = (pathlib.Path(run_dir) / "metrics.jsonl").read_text().splitlines()
    except FileNotFoundError:
        return out
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue  # the line being written
        if row.get("policy") == policy and "val_accuracy" in row:
            out[int(row["epoch"])] = float(row["val_accuracy"])
    return out


def finished(run_dir):
    try:
        return json.loads((pathlib.Path(run_dir) / "status.json").read_text()).get("status") == "done"
    except (OSError, ValueError):
        return False


def counted(study):
    """Trials that count towards search.trials: complete, pruned, or failed by an error of their own (not
    those a killed driver left, which were asked again)."""
    from optuna.trial import TrialState
    return sum(1 for t in study.get_trials(deepcopy=False)
               if t.state in (TrialState.COMPLETE, TrialState.PRUNED)
               or (t.state == TrialState.FAIL and "failure" in t.user_attrs))


def recover(study, keep=lambda trial: False):
    """Trials left running by a killed driver are failed and asked again with the same values and the
    same run directories: finished seed runs are kept, interrupted ones resume."""
    from optuna.trial import TrialState
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        if keep(t):
            continue
        study.tell(t.number, state=TrialState.FAIL)
        attrs = {"retry_of": t.number, **({"dir": t.user_attrs["dir"]} if "dir" in t.user_attrs else {})}
        study.enqueue_trial(t.params, user_attrs=attrs)
        print(f"search: trial {t.number} was left running by an interrupted search: asked again", flush=True)
