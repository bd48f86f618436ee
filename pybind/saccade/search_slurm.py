"""`saccade search CONFIG --out OUT --emit slurm` and `--gather`: a search on Slurm, a batch at a time.

--emit asks the study for the next batch of trials (-j of them, fewer near the end), makes their runs
ready and writes OUT/slurm.sbatch, a job array with one task per seed run not finished yet (each
`saccade run --sweep OUT/trials --trial K`), and OUT/gather.sh. After the array, gather.sh (`saccade
search ... --gather`) tells the study each trial whose runs all finished; emit again for the next
batch, whose trials the sampler picks knowing the earlier ones. A trial whose runs did not all finish
(a time limit, preemption) stays in its batch: emitting again puts its unfinished runs in the new
array, where interrupted ones resume.

No pruning here: the driver is not running while the array is, so it cannot stop a trial mid-way
(its per-epoch validation is still recorded in the study when it is gathered)."""
import fcntl
import os
import pathlib

from .script_quote import one_line, sbatch_directive, sbatch_word, shell_quote, slurm_output_dir
from .search_runs import counted, finished, recover, write_atomic


def _slurm_trials(study):
    from optuna.trial import TrialState
    return [t for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)) if t.user_attrs.get("backend") == "slurm"]


def _trial(study, frozen):
    """A live Trial for a trial asked by an earlier process, to report its epochs."""
    import optuna
    return optuna.trial.Trial(study, frozen._trial_id)


def _failed(run_dir):
    """A run that is not running (nobody holds its lock) and whose log ends in an error."""
    run_dir = pathlib.Path(run_dir)
    log = run_dir / "log.txt"
    if finished(run_dir) or not log.exists():
        return False
    with open(run_dir / ".lock", "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # running now
    return "saccade: error:" in log.read_text()[-4000:]


def gather(s, study, quiet=False):
    """Tells the study every Slurm trial whose runs all finished (or one failed). Exit status 0 when the
    search has all its trials."""
    from optuna.trial import TrialState
    running = 0
    for frozen in _slurm_trials(study):
        dirs = s.run_dirs(frozen)
        if all(finished(d) for d in dirs):
            t = _trial(study, frozen)
            s.report_epochs(t, 0)
            value, epochs = s.value(frozen)
            t.set_user_attr("epochs", epochs)
            study.tell(frozen.number, value)
        elif any(_failed(d) for d in dirs):
            bad = next(d for d in dirs if _failed(d))
            _trial(study, frozen).set_user_attr("failure", f"run {bad.name} failed; see {bad}/log.txt")
            study.tell(frozen.number, state=TrialState.FAIL)
        else:
            running += 1
    done, trials = counted(study), s.spec["trials"]
    if not quiet:
        print(f"search: {done}/{trials} trials finished" + (f", {running} emitted and not finished" if running else ""))
        if done < trials:
            print(f"next batch: saccade search ... --out {s.out} --emit slurm")
        else:
            print(f"report: saccade report {s.out}")
    return 0 if done >= trials else 1


def check_emit(s, args):
    """Refuses (ScriptValueError, naming the option) what cannot go into the scripts safely, before
    anything is written or asked; `saccade search` checks the same first (script_quote.py)."""
    for d in args.sbatch:
        sbatch_directive(d)
    slurm_output_dir("--out", s.out)
    one_line("the saccade executable's path", s.cli)
    one_line("gather.sh's command (the search's config file and overrides)", args.gather_command)


def emit(s, study, args):
    check_emit(s, args)
    gather(s, study, quiet=True)
    recover(study, keep=lambda t: t.user_attrs.get("backend") == "slurm")  # left by a killed local or Dask driver
    batch = _slurm_trials(study)
    while len(batch) < max(1, args.jobs) and counted(study) + len(batch) < s.spec["trials"]:
        t = study.ask()
        t.set_user_attr("backend", "slurm")
        s.start(t)
        batch.append(t)
    names = [n for t in batch for n in s.run_names(t)]
    todo = [i for i, n in zip(s.add_to_manifest(names), names) if not finished(s.trials_dir / n)]
    gather_sh = s.out / "gather.sh"
    write_script(gather_sh, "#!/bin/bash\n# Tells the search's study the trials whose runs finished (see slurm.sbatch).\n"
                            f"exec {args.gather_command}\n")
    if not todo:
        print(f"search: all {s.spec['trials']} trials finished: nothing to submit\nreport: saccade report {s.out}")
        return 0
    script = s.out / "slurm.sbatch"
    write_script(script, sbatch_text(s, todo, len(batch), args.sbatch))
    print(f"wrote {script}: {len(todo)} array tasks, the runs of {len(batch)} trials "
          f"({counted(study)} of {s.spec['trials']} trials finished)\n"
          f"submit: sbatch {shell_quote(str(script))}\n"
          f"gather: bash {shell_quote(str(gather_sh))}   (after the array ends; then emit the next batch)")
    return 0


def array_spec(indices):
    """Slurm's --array syntax, runs of consecutive indices as ranges: "0-3,5,7-8"."""
    parts, i = [], 0
    while i < len(indices):
        j = i
        while j + 1 < len(indices) and indices[j + 1] == indices[j] + 1:
            j += 1
        parts.append(f"{indices[i]}-{indices[j]}" if j > i else str(indices[i]))
        i = j + 1
    return ",".join(parts)


def sbatch_text(s, todo, trials, directives):
    out = str(s.out)
    lines = ["#!/bin/bash",
             f"# A batch of the search {out} as a Slurm job array, written by `saccade search --emit slurm`: one",
             f"# array task per seed run not finished yet ({len(todo)}, of {trials} trials), each running",
             "# `saccade run --sweep OUT/trials --trial K`, K being the run's index in OUT/trials/manifest.json.",
             f"#   submit:  sbatch {shell_quote(out + '/slurm.sbatch')}",
             f"#   gather:  bash {shell_quote(out + '/gather.sh')}   (tells the study; then emit the next batch)",
             f"#SBATCH --job-name={sbatch_word('saccade-search-' + s.out.name)}",
             f"#SBATCH --array={array_spec(sorted(todo))}",
             f"#SBATCH --output={sbatch_word(slurm_output_dir('--out', out) + '/trials/slurm-%A_%a.out')}"]
    if not any(d.startswith("cpus-per-task=") for d in directives):
        lines.append("#SBATCH --cpus-per-task=1")
    lines += [f"#SBATCH {sbatch_directive(d)}" for d in directives]
    lines += ['export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-${SLURM_CPUS_PER_TASK:-1}}"',
              f"exec {shell_quote(s.cli)} run --sweep {shell_quote(str(s.trials_dir))} "
              '--trial "${SLURM_ARRAY_TASK_ID:?submit this script with sbatch, or set SLURM_ARRAY_TASK_ID}"']
    return "\n".join(lines) + "\n"


def write_script(path, text):
    write_atomic(path, text)
    os.chmod(path, 0o755)
