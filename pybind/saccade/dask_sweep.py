"""The driver of `saccade sweep CONFIG --out OUT --backend dask --scheduler ADDRESS`.

The command line makes OUT ready (each unfinished run's directory and config.yaml, manifest.json),
then runs this module with the runs still to do. Each run becomes one Dask task, which starts
`saccade run --sweep OUT --trial N` in its own process on a worker: the C++ engine does the work, the
worker only waits for it. As each task ends, OUT/manifest.json and OUT/results.csv are gathered again
(`saccade sweep ... --gather`), so OUT ends as a local sweep leaves it.

Failures:
  - a run that exits with an error is reported with its log and not retried (running it again would
    fail again); the sweep's exit status is then 1;
  - a worker that dies (killed, out of memory, its machine gone) takes its tasks with it, and Dask's
    scheduler gives them to another worker; the retried run resumes from its last epoch checkpoint,
    after the process the dead worker had started has ended (sweep_trial.hpp);
  - Ctrl-C stops this driver; runs already on workers finish there. Re-running the command resumes.

OUT and the saccade binary must be at the same paths on every worker (a shared file system).
"""
import argparse
import sys
import uuid


def run_trial(cli, out, trial):
    """On a worker: one run, in its own process. Returns (trial, exit status, what it printed).
    Defined in the driver's __main__, so Dask ships it by value: workers need no saccade package."""
    import os
    import subprocess
    env = dict(os.environ)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")  # one run per worker thread: one core each
    done = subprocess.run([cli, "run", "--sweep", out, "--trial", str(trial)], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
    return trial, done.returncode, done.stdout + done.stderr


def parse_args(argv):
    p = argparse.ArgumentParser(prog="saccade sweep --backend dask",
                                description="Runs a prepared sweep's runs on a Dask cluster (see the module's doc).")
    p.add_argument("--scheduler", required=True, help="the Dask scheduler's address, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--cli", required=True, help="the saccade binary, at the same path on every worker")
    p.add_argument("--out", required=True, help="the sweep directory, on a file system the workers share")
    p.add_argument("--trials", required=True, help="indices of the runs to do, comma-separated")
    p.add_argument("gather", nargs=argparse.REMAINDER, help="after --: the command line that gathers OUT")
    args = p.parse_args(argv)
    args.gather = args.gather[1:] if args.gather[:1] == ["--"] else args.gather
    args.trials = [int(t) for t in args.trials.split(",")]
    return args


def gather(command, quiet=True):
    import subprocess
    return subprocess.run(command, stdout=subprocess.DEVNULL if quiet else None).returncode


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        from distributed import Client, as_completed
    except ImportError:
        sys.exit("sweep --backend dask: Dask's distributed is not importable under /usr/bin/python3 "
                 "(install the Debian package python3-distributed: scripts/install-deps.sh)")
    import json
    import pathlib
    names = {r["index"]: r["name"] for r in json.loads((pathlib.Path(args.out) / "manifest.json").read_text())["runs"]}
    with Client(args.scheduler, timeout="30s") as client:
        workers = len(client.scheduler_info()["workers"])
        print(f"sweep: {len(args.trials)} runs to {args.scheduler} ({workers} workers now)", file=sys.stderr, flush=True)
        sweep_id = uuid.uuid4().hex[:8]
        futures = [client.submit(run_trial, args.cli, args.out, t, key=f"saccade-{sweep_id}-{t}", pure=False)
                   for t in args.trials]
        failed = []
        for n, future in enumerate(as_completed(futures), 1):
            try:
                trial, status, output = future.result()
            except Exception as e:  # e.g. KilledWorker: the task took down too many workers
                trial = args.trials[futures.index(future)]
                status, output = None, f"{type(e).__name__}: {e}"
            name = names.get(trial, str(trial))
            if status == 0:
                print(f"done   {name}  ({n}/{len(futures)})", file=sys.stderr, flush=True)
            else:
                failed.append(name)
                why = f"exit status {status}" if status is not None else output
                print(f"FAILED {name}  ({why}); see {args.out}/{name}/log.txt", file=sys.stderr, flush=True)
            gather(args.gather)
    status = gather(args.gather, quiet=False)
    for name in failed:
        print(f"  failed: {name}, log: {args.out}/{name}/log.txt")
    return 1 if failed else status


if __name__ == "__main__":
    sys.exit(main())
