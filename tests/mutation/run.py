#!/usr/bin/python3
"""`make mutation`: would the suite catch a broken learner, op or env? (docs/reliability.md, "Mutants")

Each mutant of tests/mutation/mutants.ini is a one-line change to one file (the line `from` becomes
`to`) and names the tests that must kill it. The tree is copied to a scratch directory (SCRATCH/src,
kept between runs so the build there is incremental), built once and its named tests run unmutated
(they must pass: a test that fails anyway kills nothing). Then, one mutant at a time: the line is
changed in the copy, only the named tests' targets are rebuilt, the named tests run, and the line is
put back. A mutant is killed when at least one of its tests fails (or times out); the first failed
check of each test is kept as the evidence, with the figure it measured against its bound.

Writes SCRATCH/mutation.csv (one row per mutant and test) and prints the table; --doc FILE rewrites
the table between FILE's `<!-- BEGIN MUTANTS -->` and `<!-- END MUTANTS -->` lines. Exits 1 when a
mutant survives, does not apply or does not build, naming it.
"""
import argparse
import configparser
import csv
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
MUTANTS = ROOT / "tests" / "mutation" / "mutants.ini"
KEYS = {"file", "from", "to", "tests", "breaks"}
OPTIONAL = {"learner"}  # the row of the learners' table (`saccade list`) whose policy loss the mutant breaks


class Mutant:
    def __init__(self, name, section, line):
        missing = KEYS - set(section)
        unknown = set(section) - KEYS - OPTIONAL
        where = f"{MUTANTS.relative_to(ROOT)}:{line}: [{name}]"
        if missing or unknown:
            sys.exit(f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)} (keys: {sorted(KEYS)})")
        self.name, self.where = name, where
        self.file, self.old, self.new = section["file"], section["from"], section["to"]
        self.breaks = " ".join(section["breaks"].split())
        self.learner = section.get("learner", "")
        self.tests = [t.strip() for t in section["tests"].split(",") if t.strip()]
        if not self.tests:
            sys.exit(f"{where}: key 'tests' names no test")
        if self.old == self.new:
            sys.exit(f"{where}: 'from' and 'to' are the same line")

    def check_applies(self, src):
        """The mutated file, or an error naming the mutant when `from` is not there exactly once."""
        path = src / self.file
        if not path.exists():
            return None, f"{self.where}: key 'file': {self.file} does not exist"
        text = path.read_text()
        count = text.count(self.old)
        if count != 1:
            return None, f"{self.where}: key 'from' occurs {count} times in {self.file} (it must occur once; the code moved?)"
        return text.replace(self.old, self.new), None


def read_mutants():
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",), comment_prefixes=("#",))
    parser.optionxform = str
    text = MUTANTS.read_text()
    parser.read_string(text, source=str(MUTANTS))
    lines = {m.group(1): text[:m.start()].count("\n") + 1 for m in re.finditer(r"^\[([^\]]+)\]", text, re.M)}
    return [Mutant(name, parser[name], lines[name]) for name in parser.sections()]


def target_of(test):
    """The build target a test needs: a C++ test's own executable; the CLI and module for Python."""
    if test.startswith("py/"):
        return ["saccade_cli", "saccade_python", "saccade_python_files"]
    return [test.split(":")[0]]


def command_of(test, build):
    if test.startswith("py/"):
        return [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "tests/" + test]
    binary, _, case = test.partition(":")
    return ([str(build / "tests" / binary), "--color_output=no", "--log_level=message"] +
            ([f"--run_test={case}"] if case else []))


def evidence_of(test, output, passed):
    """A failed test: its first failed check (Boost's `error: in "case": message`, pytest's `E` line).
    A passing C++ test: its last message (what it measured), to show how a mutant got through."""
    named_case = ":" in test
    if passed:
        said = [l.strip() for l in output.splitlines()
                if l.strip() and not re.match(r"(Running \d+ test case|\*\*\* No errors detected)", l.strip())]
        return said[-1] if said and not test.startswith("py/") else ""
    for line in output.splitlines():
        m = re.search(r'error: in "([^"]+)": (.*)', line)
        if m:
            return m.group(2) if named_case else f"{m.group(1).split('/')[-1]}: {m.group(2)}"
        if line.startswith("E   "):
            return line[4:].strip()
    tail = [l for l in output.splitlines() if l.strip()]
    return tail[-1] if tail else "failed, no output"


def run_test(test, src, build, timeout):
    env = dict(os.environ, SACCADE_BUILD=str(build), OPENBLAS_NUM_THREADS="1")
    started = time.monotonic()
    try:
        p = subprocess.run(command_of(test, build), cwd=src, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, f"timed out after {timeout} s", time.monotonic() - started
    ok = p.returncode == 0
    return ok, evidence_of(test, p.stdout + p.stderr, ok), time.monotonic() - started


def sync_tree(src):
    """Copies the working tree's files (tracked and untracked, not ignored) into src, rewriting only
    those whose bytes differ, so the scratch build stays incremental."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        a, b = ROOT / name, src / name
        if not a.is_file():
            continue
        if not b.exists() or a.read_bytes() != b.read_bytes():
            b.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(a, b)
            os.utime(b)  # newer than anything built from an older copy


def build(build_dir, targets, jobs, log):
    with open(log, "w") as f:
        p = subprocess.run(["cmake", "--build", str(build_dir), "-j", str(jobs), "--target", *sorted(set(targets))],
                           stdout=f, stderr=subprocess.STDOUT)
    return p.returncode == 0


def table(rows):
    """One row per mutant and test; the mutant's name, file and what it breaks on its first row only."""
    lines = ["| mutant (file): what it breaks | test | result | the first failed check: measured against its bound |",
             "|---|---|---|---|"]
    previous = None
    for r in rows:
        first = r["mutant"] != previous
        previous = r["mutant"]
        what = f"`{r['mutant']}` ({r['file']}): {r['breaks']}" if first else ""
        check = r["evidence"].replace("|", "\\|")
        test = r["test"] if r["test"].startswith("py/") else r["test"].replace(":", " ", 1)
        lines.append(f"| {what} | {test} | {r['result']} | {check} |")
    return "\n".join(lines) + "\n"


def write_doc(path, rows, note):
    text = pathlib.Path(path).read_text()
    begin, end = "<!-- BEGIN MUTANTS -->", "<!-- END MUTANTS -->"
    if begin not in text or end not in text:
        sys.exit(f"{path}: no {begin} ... {end} block to write the table into")
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    pathlib.Path(path).write_text(head + begin + "\n" + note + "\n\n" + table(rows) + end + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="The mutants and the tests that kill them: tests/mutation/mutants.ini.")
    ap.add_argument("--scratch", default=str(ROOT / "build-mutation"), help="the scratch copy and its build (default build-mutation/)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count(), help="build jobs")
    ap.add_argument("--timeout", type=int, default=900, help="seconds a test may run before it counts as killed by time")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="these mutants only")
    ap.add_argument("--list", action="store_true", help="list the mutants and their tests, then stop")
    ap.add_argument("--doc", metavar="FILE", help="rewrite the table in FILE (docs/reliability.md)")
    args = ap.parse_args()

    mutants = read_mutants()
    if args.only and args.doc:
        sys.exit("--doc writes the whole table: run every mutant (leave out --only)")
    if args.only:
        unknown = set(args.only) - {m.name for m in mutants}
        if unknown:
            sys.exit(f"--only: no mutant named {sorted(unknown)} in {MUTANTS.relative_to(ROOT)}")
        mutants = [m for m in mutants if m.name in args.only]
    if args.list:
        for m in mutants:
            print(f"{m.name:34} {m.file:38} {', '.join(m.tests)}")
        return 0

    scratch = pathlib.Path(args.scratch).resolve()
    src, build_dir = scratch / "src", scratch / "build"
    src.mkdir(parents=True, exist_ok=True)
    sync_tree(src)
    problems = [err for m in mutants for err in [m.check_applies(src)[1]] if err]
    if problems:
        sys.exit("\n".join(problems))
    if not (build_dir / "CMakeCache.txt").exists():
        # ccache, where there is one, turns the rebuild after each put-back line into a cache hit.
        launcher = ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"] if shutil.which("ccache") else []
        subprocess.run(["cmake", "-S", str(src), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release", *launcher], check=True,
                       stdout=subprocess.DEVNULL)
    tests = sorted({t for m in mutants for t in m.tests})
    print(f"mutation: {len(mutants)} mutants, {len(tests)} tests; scratch copy {scratch}", flush=True)
    if not build(build_dir, [t for test in tests for t in target_of(test)], args.jobs, scratch / "build.log"):
        sys.exit(f"the unmutated copy does not build: see {scratch / 'build.log'}")
    for test in tests:
        ok, evidence, secs = run_test(test, src, build_dir, args.timeout)
        print(f"  unmutated  {test}: {'passes' if ok else 'FAILS: ' + evidence} ({secs:.0f} s)", flush=True)
        if not ok:
            sys.exit(f"{test} fails on the unmutated tree, so it can kill nothing: fix it first")

    rows, bad = [], []
    for i, m in enumerate(mutants, 1):
        original = (src / m.file).read_text()
        mutated, _ = m.check_applies(src)
        started = time.monotonic()
        (src / m.file).write_text(mutated)
        try:
            built = build(build_dir, [t for test in m.tests for t in target_of(test)], args.jobs, scratch / f"build-{m.name}.log")
            results = [(t, *run_test(t, src, build_dir, args.timeout)) for t in m.tests] if built else []
        finally:
            (src / m.file).write_text(original)  # a new mtime: the next build recompiles the unmutated file
        if not built:
            bad.append(f"{m.name}: does not build (see {scratch / f'build-{m.name}.log'})")
            rows.append(dict(mutant=m.name, file=m.file, breaks=m.breaks, test="", result="does not build", evidence="", seconds=0))
            continue
        killed = [t for t, ok, _, _ in results if not ok]
        for t, ok, evidence, secs in results:
            rows.append(dict(mutant=m.name, file=m.file, breaks=m.breaks, test=t, result="passes" if ok else "killed",
                             evidence=evidence, seconds=round(secs, 1)))
        verdict = f"killed by {', '.join(killed)}" if killed else "SURVIVED"
        print(f"[{i}/{len(mutants)}] {m.name}: {verdict} ({time.monotonic() - started:.0f} s)", flush=True)
        for t, ok, evidence, _ in results:
            if not ok:
                print(f"      {t}: {evidence}", flush=True)
        if not killed:
            bad.append(f"{m.name}: survived {', '.join(m.tests)}")

    with open(scratch / "mutation.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["mutant", "file", "breaks", "test", "result", "evidence", "seconds"])
        w.writeheader()
        w.writerows(rows)
    print(f"\nwrote {scratch / 'mutation.csv'}")
    if args.doc:
        killed = len(mutants) - len(bad)
        write_doc(args.doc, rows, f"Last run: {killed} of {len(mutants)} mutants killed "
                                  f"(`make mutation`, {time.strftime('%Y-%m-%d')}).")
        print(f"wrote the table into {args.doc}")
    if bad:
        print("\nnot killed:\n  " + "\n  ".join(bad))
        return 1
    print(f"all {len(mutants)} mutants killed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
