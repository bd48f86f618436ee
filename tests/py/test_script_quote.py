"""What saccade writes into the scripts it generates: slurm.sbatch and gather.sh of `saccade sweep
--emit slurm` (C++, experiments/sweep/script_quote.hpp) and of `saccade search --emit slurm` (Python,
pybind/saccade/script_quote.py). Every value that reaches them (each --sbatch value, the out dir and the
job name made from its last part, the config file's path, the executable's path, the gather command) is
tried with newlines, quotes, spaces, $(touch PWNED) and backticks. Each must be refused with an error
naming the option, before anything is written, or arrive intact and inert: the scripts run under bash
(SLURM_ARRAY_TASK_ID set, the executable replaced by a fake that records its argv) make no PWNED file
and pass the values on exactly, and their #SBATCH lines read back, through a port of sbatch's own
tokenizer, as the values given. Both languages must write the same text and give the same errors."""
import importlib.util
import os
import shlex
import shutil
import subprocess

import pytest

from harness import BUILD, ROOT, SACCADE, requires_saccade, saccade
from test_sweep import BASE

pytestmark = requires_saccade

_spec = importlib.util.spec_from_file_location("script_quote", ROOT / "pybind/saccade/script_quote.py")
py = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(py)

SWEEP = "sweep:\n  seeds: [0, 1]\n"
SEARCH = """search:
  parameters:
    train.lr: {low: 0.0005, high: 0.01, log: true}
  sampler: random
  trials: 2
  seeds: [0, 1]
  pruner: none
"""
EVIL = "$(touch PWNED) `touch PWNED` it's \"q\" a  b #c %j"  # no newline, no backslash: must be written
SBATCH = ["partition=cpu", "time=01:00:00", "exclusive", "comment=a b", "comment=it's", 'comment="q"',
          "comment=$(touch PWNED)", "comment=`touch PWNED`", "comment=a # b", 'comment=back\\slash \\" end\\',
          "comment=", "mail-user=a@b.c", "comment=hetjob :x", "comment=\t tab", "comment=\u00e9t\u00e9", "comment=" + EVIL]


def sbatch_words(line):
    """The words sbatch reads from an #SBATCH line: a port of Slurm's get_argument (SchedMD/slurm,
    src/sbatch/opt.c), as in tests/fuzz/sbatch_tokens.hpp. None where sbatch would stop (an unmatched
    quote) or read a het-job separator or a ':' word."""
    words, p, n = [], 0, len(line)
    while True:
        while p < n and line[p].isspace():
            p += 1
        rest = line[p:].lower()
        if any(rest.startswith(s) and (len(rest) == len(s) or rest[len(s)].isspace()) for s in ("hetjob", "packjob")) \
                or rest.startswith(":"):
            return None
        word, any_char, quoted, escape, q = "", False, False, False, ""
        while p < n and (quoted or not line[p].isspace()):
            c = line[p]
            if escape:
                escape = False
            elif c == "\\":
                p += 1
                if p < n and line[p] == " ":
                    word, any_char, p = word + " ", True, p + 1
                else:
                    escape = True
                continue
            elif quoted:
                if c == q:
                    quoted, p = False, p + 1
                    continue
            elif c in "\"'":
                quoted, q, p = True, c, p + 1
                continue
            elif c == "#":
                break
            word, any_char, p = word + c, True, p + 1
        if quoted:
            return None
        if not any_char:
            return words
        words.append(word)


def directives(script):
    """Each #SBATCH line's words, in order."""
    return [sbatch_words(line[len("#SBATCH"):]) for line in script.splitlines() if line.startswith("#SBATCH")]


def test_the_port_reads_sbatch_lines_as_slurm_does():
    assert sbatch_words(' --comment="a b" --x=\'c d\' e\\ f g\\"h # rest') == ["--comment=a b", "--x=c d", "e f", 'g"h']
    assert sbatch_words(' --comment="a') is None and sbatch_words(" --a=b hetjob") is None
    assert sbatch_words(" --partition=cpu touch FILE") == ["--partition=cpu", "touch", "FILE"]  # the old writer's bug


def emit_sweep(exe, cfg, out, *sbatch, cwd):
    args = [f"--sbatch={v}" for v in sbatch]
    return subprocess.run([str(exe), "sweep", str(cfg), "--out", str(out), "--emit", "slurm", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_cpp_and_python_write_the_same_words(tmp_path):
    cfg = tmp_path / "sweep.yaml"
    cfg.write_text(BASE + SWEEP)
    out = tmp_path / ("out " + EVIL)
    r = emit_sweep(SACCADE, cfg, out, *SBATCH, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    script = (out / "slurm.sbatch").read_text()
    lines = [line for line in script.splitlines() if line.startswith("#SBATCH")]
    assert lines[-len(SBATCH):] == ["#SBATCH " + py.sbatch_directive(v) for v in SBATCH]
    assert directives(script)[-len(SBATCH):] == [["--" + v] for v in SBATCH]
    assert f"#SBATCH --output={py.sbatch_word(py.slurm_output_dir('--out', out) + '/slurm-%A_%a.out')}" in lines
    assert f"#SBATCH --job-name={py.sbatch_word('saccade-' + out.name)}" in lines
    # The shell words: C++'s shell_quote is shlex.quote.
    exe = os.path.realpath(SACCADE)
    assert f"exec {shlex.quote(exe)} run --sweep {shlex.quote(str(out))} --trial " in script
    gather = [exe, "sweep", str(cfg), "--out", str(out), "--gather"]
    assert (out / "gather.sh").read_text().splitlines()[-1] == "exec " + " ".join(map(shlex.quote, gather))
    assert not list(tmp_path.rglob("PWNED"))


def refusals(tmp_path):
    """(option, value, the error both languages give) for values that cannot be written."""
    cases = [("--sbatch", v, lambda v=v: py.sbatch_directive(v)) for v in
             ["partition=cpu\ntouch PWNED", "partition=cpu\r", "--partition=cpu", "=cpu", "part ition=cpu", "a$(x)=1"]]
    cases += [("--out", tmp_path / name, lambda name=name: py.slurm_output_dir("--out", str(tmp_path / name)))
              for name in ["a\ntouch PWNED", "a\rb", "a\\b"]]
    result = []
    for option, value, python in cases:
        with pytest.raises(py.ScriptValueError) as e:
            python()
        result.append((option, value, str(e.value)))
    return result


def test_values_that_cannot_be_written_are_refused_alike(tmp_path):
    assert str(refusals(tmp_path)[0][2]) == ("--sbatch value 'partition=cpu\\ntouch PWNED' holds a newline: a value "
                                             "written into a generated script must be one line; one #SBATCH directive "
                                             "per --sbatch")
    sweep_cfg, search_cfg = tmp_path / "sweep.yaml", tmp_path / "search.yaml"
    sweep_cfg.write_text(BASE + SWEEP)
    search_cfg.write_text(BASE + SEARCH)
    for option, value, message in refusals(tmp_path):
        out = value if option == "--out" else tmp_path / "out"
        extra = [f"--sbatch={value}"] if option == "--sbatch" else []  # = : a value may start with --
        for command, cfg in (("sweep", sweep_cfg), ("search", search_cfg)):
            r = saccade(command, cfg, "--out", out, "--emit", "slurm", *extra, cwd=tmp_path)
            assert r.returncode == 2 and r.stderr.strip() == message, (command, r.stderr)
            assert not out.exists()  # refused before anything was written
    # A newline in the config file's path (a comment line of slurm.sbatch, and gather.sh's command).
    bad = tmp_path / "cfg\ntouch PWNED"
    bad.mkdir()
    for command, cfg, what in (("sweep", sweep_cfg, "the sweep file"), ("search", search_cfg, "gather.sh's command")):
        shutil.copy(cfg, bad / cfg.name)
        r = saccade(command, bad / cfg.name, "--out", tmp_path / "out", "--emit", "slurm", cwd=tmp_path)
        assert r.returncode == 2 and r.stderr.startswith(what) and "holds a newline" in r.stderr, r.stderr
        assert not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob("PWNED"))
    # A '?' would cut the search study's database URL (sqlite:///OUT/study.db) short, on any backend.
    r = saccade("search", search_cfg, "--out", tmp_path / "why?", cwd=tmp_path)
    assert r.returncode == 2 and "holds a '?'" in r.stderr and not (tmp_path / "why?").exists(), r.stderr


def evil_executable(tmp_path):
    """The saccade binary at a path full of shell syntax (its Python package beside it, as installed)."""
    bin_dir = tmp_path / ("bin " + EVIL)
    bin_dir.mkdir()
    exe = bin_dir / "saccade"
    try:
        os.link(os.path.realpath(SACCADE), exe)
    except OSError:
        shutil.copy2(SACCADE, exe)
    (bin_dir / "python").symlink_to(BUILD / "python")
    return exe


def fake(exe):
    """Replaces `exe` (a link to the real binary: unlinked first) by a script recording its argv."""
    exe.unlink()
    exe.write_text('#!/bin/bash\nprintf "%s\\0" "$@" > "$ARGV_FILE"\n')
    exe.chmod(0o755)


def run_script(path, tmp_path, **env):
    """`bash path` as Slurm would start it; the argv the executable got."""
    argv = tmp_path / "argv"
    argv.unlink(missing_ok=True)
    assert subprocess.run(["bash", "-n", str(path)]).returncode == 0
    done = subprocess.run(["bash", str(path)], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "ARGV_FILE": str(argv), **env})
    assert done.returncode == 0, done.stderr
    return argv.read_bytes().decode().split("\0")[:-1]


def check_lines(script, job_name, output, sbatch):
    """Only the two command lines are not comments; each #SBATCH line is one word, the value given."""
    lines = script.splitlines()
    assert [line for line in lines if not line.startswith("#")] == lines[-2:] and lines[-1].startswith("exec ")
    words = directives(script)
    assert ["--job-name=" + job_name] in words and ["--output=" + output] in words
    assert all(["--" + v] in words for v in sbatch) and all(w is not None and len(w) == 1 for w in words)


def test_sweep_scripts_pass_every_value_on_inert(tmp_path):
    cfg_dir = tmp_path / ("cfg " + EVIL)
    cfg_dir.mkdir()
    cfg = cfg_dir / "sweep.yaml"
    cfg.write_text(BASE + SWEEP)
    out, exe = tmp_path / ("out " + EVIL), evil_executable(tmp_path)
    r = emit_sweep(exe, cfg, out, "partition=cpu", "comment=" + EVIL + " \\", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    check_lines((out / "slurm.sbatch").read_text(), "saccade-" + out.name,
                str(out).replace("%", "%%") + "/slurm-%A_%a.out", ["partition=cpu", "comment=" + EVIL + " \\"])
    fake(exe)
    assert run_script(out / "slurm.sbatch", tmp_path, SLURM_ARRAY_TASK_ID="1") == ["run", "--sweep", str(out), "--trial", "1"]
    assert run_script(out / "gather.sh", tmp_path) == ["sweep", str(cfg), "--out", str(out), "--gather"]
    assert not list(tmp_path.rglob("PWNED"))


def test_search_scripts_pass_every_value_on_inert(tmp_path):
    pytest.importorskip("optuna")
    cfg_dir = tmp_path / ("cfg " + EVIL)
    cfg_dir.mkdir()
    cfg = cfg_dir / "search.yaml"
    cfg.write_text(BASE + SEARCH)
    out, exe = tmp_path / ("out " + EVIL), evil_executable(tmp_path)
    sbatch = ["partition=cpu", "comment=" + EVIL + " \\"]
    r = subprocess.run([str(exe), "search", str(cfg), "--out", str(out), "--emit", "slurm",
                        *[f"--sbatch={v}" for v in sbatch]], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    script = (out / "slurm.sbatch").read_text()
    check_lines(script, "saccade-search-" + out.name, str(out).replace("%", "%%") + "/trials/slurm-%A_%a.out", sbatch)
    # The Python writer refuses too when run directly, before it asks the study anything.
    env = {**os.environ, "PYTHONPATH": str(BUILD / "python")}
    direct = subprocess.run(["/usr/bin/python3", "-m", "saccade.search", "--dir", str(out), "--cli", str(exe), "--emit",
                             "slurm", "--gather-command", "true", "--sbatch", "x=1\ntouch PWNED"],
                            cwd=tmp_path, capture_output=True, text=True, env=env)
    refused = direct.stderr.splitlines()[-1]  # after any warning Python printed
    assert direct.returncode == 1 and refused.startswith("search: --sbatch value 'x=1\\ntouch PWNED' holds a newline")
    assert (out / "slurm.sbatch").read_text() == script
    fake(exe)
    trials = str(out / "trials")
    assert run_script(out / "slurm.sbatch", tmp_path, SLURM_ARRAY_TASK_ID="0") == ["run", "--sweep", trials, "--trial", "0"]
    assert run_script(out / "gather.sh", tmp_path) == ["search", str(cfg), "--out", str(out), "--gather"]
    assert not list(tmp_path.rglob("PWNED"))
