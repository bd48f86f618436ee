"""The text task end to end, briefly: fortunes with clutter (every fixed reading policy and the
learned jump policy), a CSV corpus without clutter, and the errors a bad corpus gives before any
work starts. Training is a few hundred examples, so only the files and their shape are checked."""
import csv

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade

# reader.init unset: text_skim.yaml starts from stage 1's checkpoint, which a test does not make. One clutter
# draw (eval.repeats=1), so the traces (one draw) match evidence_read.
TINY = ["train.epochs=1", "train.examples=256", "eval.examples=64", "eval.repeats=1", "reader.hidden=16", "reader.heads=2",
        "reader.init="]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_fortunes_every_policy(tmp_path):
    out = tmp_path / "run"
    r = saccade("run", ROOT / "experiments/configs/text_skim.yaml", *TINY, "--out", out)
    assert r.returncode == 0, r.stderr
    table = rows(out / "results.csv")
    assert [row["policy"] for row in table] == ["adaptive", "first", "last", "random", "spaced", "salient", "all"]
    assert {row["env"] for row in table} == {"text-cluttered-16"}
    regions = {row["policy"]: float(row["mean_regions"]) for row in table}
    assert regions["all"] == 16 and regions["first"] == 4 and regions["adaptive"] == 4  # top-k reads k
    assert all(row["budget"] == "4" for row in table)
    assert (out / "status.json").exists()
    # The text env knows where the passage is: evidence_read is each policy's share of
    # reads on it, and the traces (the same 64 test documents) flag each read. `all` reads every chunk, so
    # its share is the passage's (at most 4 of 16 chunks); `random` samples apart from the scoring.
    assert list(table[0])[-2:] == ["evidence_read", "oov_accuracy"]
    assert all(row["oov_accuracy"] == "" for row in table)  # text has no out-of-vocabulary split
    evidence = {row["policy"]: float(row["evidence_read"]) for row in table}
    assert all(0 <= v <= 1 for v in evidence.values())
    assert 0 < evidence["all"] <= 0.25
    for policy, share in evidence.items():
        assert f"[{policy}] test: accuracy " in r.stderr and f"{100 * share:.0f}% of reads on the evidence" in r.stderr
        trace = rows(out / "traces" / f"{policy}.csv")
        assert list(trace[0])[-2:] == ["evidence", "weight"] and {row["evidence"] for row in trace} <= {"0", "1"}
        if policy != "random":
            assert abs(sum(int(row["evidence"]) for row in trace) / len(trace) - share) < 1e-5, policy


def test_csv_corpus_without_clutter(tmp_path):
    corpus = tmp_path / "corpus.csv"
    with open(corpus, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "label"])
        for i in range(60):
            w.writerow([i, f"the {'cat sat on the mat' if i % 2 else 'dog ran in the park'} number {i}, twice.",
                        "cats" if i % 2 else "dogs"])
    out = tmp_path / "run"
    r = saccade("run", ROOT / "experiments/configs/text_skim.yaml", *TINY, f"env.dataset=csv:{corpus}",
                "env.text.clutter=false", "eval.policies=[first]", "--out", out)
    assert r.returncode == 0, r.stderr
    assert [row["policy"] for row in rows(out / "results.csv")] == ["adaptive", "first"]


def test_bad_corpus_row_is_named_before_anything_is_written(tmp_path):
    corpus = tmp_path / "bad.csv"
    corpus.write_text("text,label\nhello there,greeting\nno label here,\n")
    (tmp_path / "cfg.yaml").write_text(f"include: {ROOT}/experiments/configs/text_skim.yaml\n"
                                       f"env:\n  dataset: csv:{corpus}\n  text: {{clutter: false}}\n"
                                       "reader:\n  init: null\n")
    r = saccade("run", "cfg.yaml", cwd=tmp_path)
    assert r.returncode == 1  # a data error, found when the corpus is read, before training
    assert f"{corpus}:3: empty label" in r.stderr  # the row with the missing label
    assert not (tmp_path / "runs").exists()


def test_missing_corpus_is_a_config_error(tmp_path):
    (tmp_path / "cfg.yaml").write_text(f"include: {ROOT}/experiments/configs/text_skim.yaml\n"
                                       "env:\n  dataset: csv:/nonexistent/corpus.csv\nreader:\n  init: null\n")
    r = saccade("run", "cfg.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "cfg.yaml:3:12: env.dataset:" in r.stderr and "/nonexistent/corpus.csv" in r.stderr


def test_unknown_category_suggests_one(tmp_path):
    (tmp_path / "cfg.yaml").write_text(f"include: {ROOT}/experiments/configs/text_skim.yaml\n"
                                       "env:\n  text:\n    categories: [computers, sprots]\nreader:\n  init: null\n")
    r = saccade("run", "cfg.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "env.text.categories" in r.stderr and "sports" in r.stderr


def test_stage_two_without_stage_one_says_what_to_run(tmp_path):
    r = saccade("run", ROOT / "experiments/configs/text_skim.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "reader.init: no checkpoint file runs/text-pretrain/checkpoints/first.npz" in r.stderr


def test_pretrain_then_skim(tmp_path):
    # The two-stage recipe as docs/results/text.md gives it, tiny: stage 2 starts from stage 1's reader.
    r = saccade("run", ROOT / "experiments/configs/text_pretrain.yaml", *TINY[:-1], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "runs/text-pretrain/checkpoints/first.npz").exists()
    r = saccade("run", ROOT / "experiments/configs/text_skim.yaml", *TINY[:-1], "eval.policies=[spaced]", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert [row["policy"] for row in rows(tmp_path / "runs/text-skim/results.csv")] == ["adaptive", "spaced"]


def test_stage_one_from_another_seed_is_refused(tmp_path):
    # The split depends on the seed: a seed-0 reader has seen some of seed 1's test fortunes.
    r = saccade("run", ROOT / "experiments/configs/text_pretrain.yaml", *TINY[:-1], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    r = saccade("run", ROOT / "experiments/configs/text_skim.yaml", *TINY[:-1], "seed=1", cwd=tmp_path)
    assert r.returncode == 2  # found before any work starts
    assert "reader.init: runs/text-pretrain/checkpoints/first.npz was trained with seed 0, this run has seed 1" in r.stderr


def write_corpus(path, n=60):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for i in range(n):
            w.writerow([f"the {'cat sat on the mat' if i % 2 else 'dog ran in the park'} number {i}, twice.",
                        "cats" if i % 2 else "dogs"])


def test_csv_corpus_with_distractors_runs_cluttered(tmp_path):
    write_corpus(tmp_path / "corpus.csv")
    (tmp_path / "distractors.jsonl").write_text("".join(f'{{"text": "weather report {i}: rain over the hills, then sun."}}\n'
                                                        for i in range(40)))
    out = tmp_path / "run"
    r = saccade("run", ROOT / "experiments/configs/text_skim.yaml", *TINY, f"env.dataset=csv:{tmp_path / 'corpus.csv'}",
                f"env.text.distractors={tmp_path / 'distractors.jsonl'}", "eval.policies=[first]", "--out", out)
    assert r.returncode == 0, r.stderr
    table = rows(out / "results.csv")
    assert {row["env"] for row in table} == {"text-cluttered-16"}
    # The passage (up to 4 chunks) sits at a random place among 16: reading the first 4 misses it at times.
    assert 0 <= float(table[1]["evidence_read"]) < 1
    assert f"distractors: {tmp_path / 'distractors.jsonl'}" in (out / "resolved.yaml").read_text()


def test_distractor_errors_point_at_their_key(tmp_path):
    write_corpus(tmp_path / "corpus.csv")
    base = f"include: {ROOT}/experiments/configs/text_skim.yaml\nreader:\n  init: null\nenv:\n"
    cases = {  # env section -> what the error says
        # text_skim.yaml sets clutter: true, so its line is named
        f"  dataset: csv:{tmp_path / 'corpus.csv'}\n": "text_skim.yaml:22:14: env.text.clutter: a CSV/JSONL source has no "
                                                       "clutter of its own: set env.text.distractors",
        f"  dataset: csv:{tmp_path / 'corpus.csv'}\n  text:\n    distractors: /nonexistent/d.csv\n":
            "cfg.yaml:7:18: env.text.distractors: ",
        "  text:\n    distractors: /nonexistent/d.csv\n": "cfg.yaml:6:18: env.text.distractors: text source fortunes: "
                                                          "its distractors are the other categories",
    }
    for env, message in cases.items():
        (tmp_path / "cfg.yaml").write_text(base + env)
        r = saccade("run", "cfg.yaml", cwd=tmp_path)
        assert r.returncode == 2 and message in r.stderr, (env, r.stderr)
