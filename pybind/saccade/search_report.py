"""`saccade report OUT` on a search's directory: a table of the trials (number, state, value, epochs,
the parameters), the best configuration, and two files:
  OUT/trials.csv  the table, one row per trial (pandas reads it as it is)
  OUT/best.yaml   the searched config with the best trial's values and without its search section,
                  resolved by saccade (every key): `saccade run OUT/best.yaml` runs it as it is, with
                  the config's own eval.policies and eval.test (the final run scores the test split
                  once), into OUT/best.
The best trial is the complete one with the highest value (search.metric, mean over its seeds, on
validation); pruned and failed trials are listed, never chosen."""
import argparse
import csv
import io
import subprocess
import sys

from .search_runs import Search, value_text, write_atomic


def state_text(t):
    from optuna.trial import TrialState
    if t.state == TrialState.FAIL:
        return "failed" if "failure" in t.user_attrs else "interrupted (asked again)"
    return {TrialState.COMPLETE: "complete", TrialState.PRUNED: "pruned", TrialState.RUNNING: "running",
            TrialState.WAITING: "waiting"}[t.state]


def cell(v):
    if v is None:
        return ""
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def table(s, study):
    keys = [p["key"] for p in s.spec["parameters"]]
    header = ["trial", "state", "value", "epochs", *keys, "dir"]
    rows = []
    for t in study.get_trials(deepcopy=False):
        epochs = t.user_attrs.get("epochs", t.last_step)
        rows.append([t.number, state_text(t), t.value if t.values else None, epochs, *[t.params.get(k) for k in keys],
                     t.user_attrs.get("dir", "")])
    return header, rows


def print_table(header, rows, out):
    text = [[str(h) for h in header]] + [[cell(v) for v in r] for r in rows]
    widths = [max(len(r[c]) for r in text) for c in range(len(header))]
    for i, r in enumerate(text):
        out.write("  ".join(v.rjust(w) if i and c in (0, 2, 3) else v.ljust(w) for c, (v, w) in enumerate(zip(r, widths))).rstrip() + "\n")


def write_best(s, best):
    """OUT/best.yaml: OUT/config.yaml with the best values, resolved by saccade."""
    overrides = [f"{k}={value_text(v)}" for k, v in best.params.items()]
    done = subprocess.run([s.cli, "run", str(s.out / "config.yaml"), *overrides, f"out={s.out / 'best'}", "--print-config"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"report: cannot make best.yaml: {done.stderr.strip()}")
    header = (f"# The best trial ({best.number}) of the search in {s.out}: {s.policy}.{s.column} {best.value:.4f} on "
              f"validation, mean over seeds {s.spec['seeds']}.\n# Run it: saccade run {s.out}/best.yaml\n")
    write_atomic(s.out / "best.yaml", header + done.stdout)


def main(argv=None):
    p = argparse.ArgumentParser(prog="saccade report", description="The report of a search's directory.")
    p.add_argument("--dir", required=True)
    p.add_argument("--cli", required=True)
    args = p.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import optuna  # noqa: F401
    except ImportError:
        sys.exit("report: Optuna is not importable under /usr/bin/python3 (install python3-optuna: scripts/install-deps.sh)")
    s = Search(args.dir, args.cli)
    if not (s.out / "study.db").exists():
        sys.exit(f"report: {s.out} has no study.db yet: run the search first (saccade search CONFIG --out {s.out})")
    study = s.open_study()
    header, rows = table(s, study)
    print(f"search {s.out}: {len(rows)} trials, maximising {s.policy}.{s.column} (validation, mean over seeds "
          f"{s.spec['seeds']}); sampler {s.spec['sampler']}, pruner {s.spec['pruner']}\n")
    print_table(header, rows, sys.stdout)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([header] + rows)
    write_atomic(s.out / "trials.csv", buf.getvalue())
    try:
        best = study.best_trial
    except ValueError:
        print("\nno trial has completed yet: no best configuration")
        return 1
    print(f"\nbest: trial {best.number}, {s.policy}.{s.column} {best.value:.4f}, epochs {best.user_attrs.get('epochs', '')}")
    for k, v in best.params.items():
        print(f"  {k}: {value_text(v)}")
    write_best(s, best)
    print(f"\nwrote {s.out}/best.yaml (run it: saccade run {s.out}/best.yaml) and {s.out}/trials.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
