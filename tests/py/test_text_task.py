"""The text task end to end, briefly: fortunes with clutter (every fixed reading policy and the
learned jump policy), a CSV corpus without clutter, and the errors a bad corpus gives before any
work starts. Training is a few hundred examples, so only the files and their shape are checked."""
import csv

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade

TINY = ["train.epochs=1", "train.examples=256", "eval.examples=64", "reader.hidden=16", "reader.heads=2"]


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
    assert regions["all"] == 16 and regions["first"] == 4 and 1 <= regions["adaptive"] <= 4
    assert all(row["budget"] == "4" for row in table)
    assert (out / "status.json").exists()


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
                                       f"env:\n  dataset: csv:{corpus}\n  text: {{clutter: false}}\n")
    r = saccade("run", "cfg.yaml", cwd=tmp_path)
    assert r.returncode == 1  # a data error, found when the corpus is read, before training
    assert f"{corpus}:3: empty label" in r.stderr  # the row with the missing label
    assert not (tmp_path / "runs").exists()


def test_missing_corpus_is_a_config_error(tmp_path):
    (tmp_path / "cfg.yaml").write_text(f"include: {ROOT}/experiments/configs/text_skim.yaml\n"
                                       "env:\n  dataset: csv:/nonexistent/corpus.csv\n")
    r = saccade("run", "cfg.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "cfg.yaml:3:12: env.dataset:" in r.stderr and "/nonexistent/corpus.csv" in r.stderr


def test_unknown_category_suggests_one(tmp_path):
    (tmp_path / "cfg.yaml").write_text(f"include: {ROOT}/experiments/configs/text_skim.yaml\n"
                                       "env:\n  text:\n    categories: [computers, sprots]\n")
    r = saccade("run", "cfg.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert "env.text.categories" in r.stderr and "sports" in r.stderr
