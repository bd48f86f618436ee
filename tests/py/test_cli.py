"""The `saccade` command line as a user meets it: help, version, config errors with positions and
exit status 2, overrides, --print-config, and the docs table it generates."""

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_help_lists_subcommands():
    r = saccade("--help")
    assert r.returncode == 0
    assert "run" in r.stdout
    assert "Validate a YAML experiment config" in r.stdout  # one-line description
    assert "config-docs" not in r.stdout  # maintainer-only, hidden


def test_list_shows_every_table_with_what_each_name_fits():
    r = saccade("list")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    for title in ("readers (reader.type)", "learned policies (policy.type", "fixed policies (eval.policies)",
                  "full-view references", "learners (train.algorithm)"):
        assert any(line.startswith(title) for line in lines), title
    # A row, the envs it fits on the next line, and its own keys.
    middle = lines.index(next(line for line in lines if line.startswith("  middle ")))
    assert lines[middle + 1].strip() == "fits: image patches, text chunks, dialogue turns"
    ram = lines.index(next(line for line in lines if line.startswith("  ram ")))
    assert "[reader.core, reader.glimpse_hidden]" in lines[ram + 1]
    assert any(line.startswith("  reinforce ") and "policy.baseline" in line for line in lines)


def test_version():
    r = saccade("--version")
    assert r.returncode == 0
    assert r.stdout.startswith("saccade ")


def test_no_subcommand_is_a_usage_error():
    assert saccade().returncode == 2


def test_syntax_error_names_file_line_and_column(tmp_path):
    # Line 4 is indented one space too far: yaml-cpp stops at its ':' (column 6).
    write(tmp_path, "bad.yaml", "name: x\ntrain:\n  epochs: 3\n   lr: 0.1\n")
    r = saccade("run", "bad.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "bad.yaml:4:6:" in r.stderr
    assert r.stdout == ""  # nothing was run or printed


def test_wrong_type_names_key_and_line(tmp_path):
    write(tmp_path, "cfg.yaml", "name: x\nseed: abc\n")
    r = saccade("run", "cfg.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "cfg.yaml:2:7: seed: expected int >= 0, got \"abc\"" in r.stderr


def test_out_of_range(tmp_path):
    write(tmp_path, "cfg.yaml", "train:\n  lr: -0.1\n")
    r = saccade("run", "cfg.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "cfg.yaml:2:7: train.lr: expected float > 0, got -0.1" in r.stderr


def test_unknown_key_suggests_the_right_one(tmp_path):
    write(tmp_path, "cfg.yaml", "train:\n  epohcs: 3\n")
    r = saccade("run", "cfg.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "cfg.yaml:2:3: train.epohcs: unknown key (did you mean `train.epochs`?)" in r.stderr


def test_all_problems_are_reported_together(tmp_path):
    write(tmp_path, "cfg.yaml", "seed: -1\ntrian: {}\n")
    r = saccade("run", "cfg.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "cfg.yaml:1:7: seed:" in r.stderr and "cfg.yaml:2:1: trian:" in r.stderr


def test_missing_config_file_is_named(tmp_path):
    r = saccade("run", "nowhere.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "nowhere.yaml" in r.stderr


def test_override_shows_in_printed_config(tmp_path):
    write(tmp_path, "cfg.yaml", "name: demo\ntrain:\n  epochs: 10\n")
    r = saccade("run", "cfg.yaml", "train.epochs=3", "eval.policies=[all,random]", "--print-config", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "train:\n  epochs: 3\n" in r.stdout
    assert "policies: [all, random]" in r.stdout
    assert "out: runs/demo\n" in r.stdout  # default derived from name


def test_bad_override_names_the_command_line(tmp_path):
    write(tmp_path, "cfg.yaml", "name: demo\n")
    r = saccade("run", "cfg.yaml", "train.epochs=many", cwd=tmp_path)
    assert r.returncode == 2
    assert "command line: train.epochs=many: train.epochs: expected int >= 1" in r.stderr


def test_out_flag_sets_out(tmp_path):
    write(tmp_path, "cfg.yaml", "name: demo\n")
    r = saccade("run", "cfg.yaml", "--out", "elsewhere/x", "--print-config", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "out: elsewhere/x\n" in r.stdout


def test_include_relative_to_the_including_file(tmp_path):
    write(tmp_path, "base.yaml", "name: base\ntrain:\n  epochs: 4\n  lr: 0.01\n")
    (tmp_path / "sweeps").mkdir()
    write(tmp_path / "sweeps", "lr.yaml", "include: ../base.yaml\ntrain.lr: 0.1\n")
    r = saccade("run", "sweeps/lr.yaml", "--print-config", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "train:\n  epochs: 4\n  batch_size: 64\n  lr: 0.1\n" in r.stdout


def test_demo_sweep_is_valid(tmp_path):
    # --dry-run validates every run's config without training anything.
    r = saccade("sweep", ROOT / "experiments/configs/demo.yaml", "--out", tmp_path / "demo", "--dry-run", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "18 runs; every config is valid"
    assert r.stdout.splitlines()[0].endswith("/demo/000-budget=3-type=image-seed=0")
    assert r.stdout.splitlines()[3].endswith("/demo/003-budget=3-type=text-seed=0")
    assert r.stdout.splitlines()[6].endswith("/demo/006-budget=3-type=dialogue-seed=0")


def test_config_docs_matches_docs_config_md():
    r = saccade("config-docs")
    assert r.returncode == 0
    doc = (ROOT / "docs/CONFIG.md").read_text()
    assert r.stdout in doc, "docs/CONFIG.md is out of date: regenerate its table with `build/saccade config-docs`"
