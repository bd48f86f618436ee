"""The driver of `saccade search CONFIG --out OUT`: owns the Optuna study (OUT/study.db) and runs its
trials. The command line has checked the search and made OUT ready (experiments/sweep/search_driver.hpp);
this module asks the study for trials, runs each trial's seed runs, prunes and tells.

  - local (default): -j trials at once, each seed run a child process here;
  - --scheduler ADDRESS: each seed run a Dask task that starts the run in its own process on a worker
    (OUT and the saccade binary at the same paths there: a shared file system);
  - --emit slurm / --gather: search_slurm.py.

Pruning (search.pruner median): as a trial's runs write their per-epoch validation accuracy to
metrics.jsonl, the driver reports the mean over the seeds to the study; a trial the pruner stops gets
a marker file OUT/trials/NNN.prune, which its runs' wrappers poll (here, or on a worker), and is told
PRUNED. A run that fails is reported with its log and its trial told FAIL; the search goes on (a
learning rate that diverges is an answer too) unless three trials in a row fail.

Interrupted (Ctrl-C, SIGTERM, or killed), re-running the same command resumes: finished trials stay in
the study, and a trial left running is failed and asked again with the same values (search_runs.recover).
"""
import argparse
import signal
import sys
import time
import uuid


def run_seed(cli, trials_dir, index, marker):
    """On a Dask worker: one seed run in its own process, stopped if its trial's marker appears.
    Returns (index, exit status or "pruned"). Defined in __main__, so Dask ships it by value: workers
    need no saccade package."""
    import os
    import subprocess
    import time as _time
    env = dict(os.environ)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")  # one run per worker thread: one core each
    p = subprocess.Popen([cli, "run", "--sweep", trials_dir, "--trial", str(index)], env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while p.poll() is None:
        if os.path.exists(marker):
            p.terminate()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            return index, "pruned"
        _time.sleep(0.25)
    return index, p.returncode


class LocalRun:
    """One seed run as a child process of the driver, with a future's done() and result(); done() stops
    it when its trial's marker appears, as run_seed does on a worker."""

    def __init__(self, cli, trials_dir, index, marker):
        import os
        import subprocess
        self.index, self.marker, self.pruned = index, marker, False
        env = dict(os.environ)
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        self.proc = subprocess.Popen([cli, "run", "--sweep", str(trials_dir), "--trial", str(index)], env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def done(self):
        if self.proc.poll() is None and self.marker.exists():
            self.pruned = True
            self.stop()
        return self.proc.poll() is not None

    def result(self):
        return self.index, "pruned" if self.pruned else self.proc.returncode

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Active:
    def __init__(self, trial, futures):
        self.trial, self.futures = trial, futures
        self.reported = 0  # the last epoch reported to the study
        self.pruned = False


class Driver:
    def __init__(self, search, study, jobs, submit):
        self.s, self.study, self.jobs, self.submit = search, study, jobs, submit
        self.active = {}
        self.failed_in_row = 0

    def run(self):
        trials = self.s.spec["trials"]
        from .search_runs import counted
        print(f"search: {trials} trials in {self.s.out}, {self.jobs} at once, {counted(self.study)} finished already",
              flush=True)
        while True:
            while (len(self.active) < self.jobs and counted(self.study) + len(self.active) < trials
                   and self.failed_in_row < 3):
                self.start(self.study.ask())
            if not self.active:
                break
            time.sleep(0.5)
            for number, a in list(self.active.items()):
                self.watch(a)
                if all(f.done() for f in a.futures):
                    self.finish(a)
                    del self.active[number]
        return self.summary()

    def start(self, trial):
        try:
            indices = self.s.start(trial)
        except RuntimeError as e:
            return self.fail(trial, str(e))
        marker = self.s.marker(trial)
        futures = [self.submit(i, marker) for i in indices]
        self.active[trial.number] = Active(trial, futures)
        values = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in trial.params.items())
        print(f"start  trial {trial.number}: {values}  (runs: trials/{trial.user_attrs['dir']}-seed=*)", flush=True)

    def watch(self, a):
        """Reports the epochs every seed run has reached; prunes the trial if the pruner says so."""
        if a.pruned or self.s.spec["pruner"] == "none":
            return
        for epoch, value in self.s.curve(a.trial).items():
            if epoch <= a.reported:
                continue
            a.trial.report(value, epoch)
            a.reported = epoch
            if a.trial.should_prune():
                a.pruned = True
                self.s.marker(a.trial).touch()
                return

    def finish(self, a):
        from optuna.trial import TrialState
        t = a.trial
        try:
            results = [f.result() for f in a.futures]
        except Exception as e:  # a Dask task that took down too many workers (KilledWorker)
            return self.fail(t, f"{type(e).__name__}: {e}")
        if a.pruned:
            t.set_user_attr("epochs", a.reported)
            self.study.tell(t, state=TrialState.PRUNED)
            self.failed_in_row = 0
            return print(f"pruned trial {t.number} after epoch {a.reported} ({t.user_attrs.get('dir')})", flush=True)
        bad = [(name, status) for name, (_, status) in zip(self.s.run_names(t), results) if status != 0]
        if bad:
            name, status = bad[0]
            return self.fail(t, f"run {name} ended with exit status {status}; see {self.s.trials_dir}/{name}/log.txt")
        a.reported = self.s.report_epochs(t, a.reported) if self.s.spec["pruner"] != "none" else a.reported
        try:
            value, epochs = self.s.value(t)
        except (OSError, RuntimeError) as e:
            return self.fail(t, str(e))
        t.set_user_attr("epochs", epochs)
        self.study.tell(t, value)
        self.failed_in_row = 0
        print(f"done   trial {t.number}: {self.s.policy}.{self.s.column} {value:.4f}  "
              f"(best so far {self.study.best_value:.4f}, trial {self.study.best_trial.number})", flush=True)

    def fail(self, trial, why):
        from optuna.trial import TrialState
        trial.set_user_attr("failure", why)
        self.study.tell(trial, state=TrialState.FAIL)
        self.failed_in_row += 1
        print(f"FAILED trial {trial.number}: {why}", flush=True)

    def stop(self):
        for a in self.active.values():
            for f in a.futures:
                getattr(f, "stop", getattr(f, "cancel", lambda: None))()

    def summary(self):
        from .search_runs import counted
        done, trials = counted(self.study), self.s.spec["trials"]
        print(f"\nsearch: {done}/{trials} trials finished  study: {self.s.out}/study.db", flush=True)
        if self.failed_in_row >= 3:
            print("search: stopped after 3 failed trials in a row (see their logs above); re-run to go on", flush=True)
            return 1
        print(f"report: saccade report {self.s.out}   (the trials, the best configuration, best.yaml)", flush=True)
        return 0 if done >= trials else 1


def parse_args(argv):
    p = argparse.ArgumentParser(prog="saccade search", description="The driver of `saccade search` (see the module's doc).")
    p.add_argument("--dir", required=True, help="the search directory, made ready by `saccade search`")
    p.add_argument("--cli", required=True, help="the saccade binary (at the same path on every worker)")
    p.add_argument("--jobs", type=int, default=1, help="trials at once (with --emit: the trials of one job array)")
    p.add_argument("--scheduler", help="a Dask scheduler's address: each seed run a task on its workers")
    p.add_argument("--emit", choices=["slurm"], help="ask a batch of trials and write a Slurm job array for them")
    p.add_argument("--gather-command", help="with --emit: the command OUT/gather.sh runs")
    p.add_argument("--sbatch", action="append", default=[], help="with --emit: more #SBATCH directives, KEY=VALUE")
    p.add_argument("--gather", action="store_true", help="tell the study the results of trials that ran elsewhere")
    return p.parse_args(argv)


def on_term(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import optuna  # noqa: F401
    except ImportError:
        sys.exit("search: Optuna is not importable under /usr/bin/python3 (install the Debian package python3-optuna: "
                 "scripts/install-deps.sh)")
    from .search_runs import Search, recover
    s = Search(args.dir, args.cli)
    s.lock()
    study = s.open_study()
    if args.emit or args.gather:
        from . import search_slurm
        from .script_quote import ScriptValueError
        try:
            return search_slurm.emit(s, study, args) if args.emit else search_slurm.gather(s, study)
        except ScriptValueError as e:  # `saccade search` refuses these first; this is for direct use
            sys.exit(f"search: {e}")
    recover(study)
    signal.signal(signal.SIGTERM, on_term)
    client = None
    if args.scheduler:
        try:
            from distributed import Client
        except ImportError:
            sys.exit("search --backend dask: Dask's distributed is not importable under /usr/bin/python3 (install the "
                     "Debian package python3-distributed: scripts/install-deps.sh)")
        client = Client(args.scheduler, timeout="30s")
        tag = uuid.uuid4().hex[:8]

        def submit(index, marker):
            return client.submit(run_seed, s.cli, str(s.trials_dir), index, str(marker), key=f"saccade-search-{tag}-{index}",
                                 pure=False)
    else:
        def submit(index, marker):
            return LocalRun(s.cli, s.trials_dir, index, marker)
    driver = Driver(s, study, max(1, args.jobs), submit)
    try:
        return driver.run()
    except KeyboardInterrupt:
        driver.stop()
        print("\nsearch: interrupted: re-run the same command to resume (finished trials are kept)", flush=True)
        return 130
    finally:
        if client is not None:
            client.close()


if __name__ == "__main__":
    sys.exit(main())
