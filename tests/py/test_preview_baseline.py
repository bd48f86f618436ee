"""The `preview` reference (a classifier on the previews alone, reading no region: envs/preview_env.hpp,
attention/preview_reader.hpp) end to end through the normal run path on every task type, and the
`slot_recent` fixed policy beside it on dialogue. Each run trains and scores with 0 regions read; on a
corpus whose words are its label the previews alone learn it, and on digits they beat chance by far."""
import csv
import json

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade

DIGITS = ["env.dataset=digits", "env.canvas=16", "env.clutter.pieces=0", "env.retina.size=4", "env.retina.scales=2",
          "env.preview_factor=2", "reader.hidden=32", "reader.glimpse_hidden=32", "train.epochs=20", "train.batch_size=64",
          "train.lr=0.003", "eval.adaptive=false"]


def rows(path):
    with open(path, newline="") as f:
        return {row["policy"]: row for row in csv.DictReader(f)}


def losses(out, policy):
    lines = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    return [line["loss"] for line in lines if line["policy"] == policy]


def test_images_glimpses_and_patches(tmp_path):
    results = {}
    for config, extra in (("image_ram.yaml", []), ("image_patches.yaml", ["env.grid=4", "policy.budget=4"])):
        out = tmp_path / config
        r = saccade("run", ROOT / "experiments/configs" / config, *DIGITS, *extra, "eval.policies=[preview]", "--out", out)
        assert r.returncode == 0, r.stderr
        row = rows(out / "results.csv")["preview"]
        assert float(row["mean_regions"]) == 0  # the thumbnail is no region of the canvas
        assert float(row["flops_per_example"]) > 0  # the classifier's compute is counted
        assert row["evidence_read"] == ""
        assert (out / "traces/preview.csv").exists()
        results[config] = float(row["accuracy"])
        loss = losses(out, "preview")
        assert len(loss) == 20 and loss[-1] < loss[0]
    # 20 epochs on 8x8 thumbnails of 16x16 digit canvases: far above chance (0.1).
    assert results["image_ram.yaml"] > 0.4
    # It reads the previews only, and both image envs make the same thumbnails of the same canvases.
    assert results["image_ram.yaml"] == results["image_patches.yaml"]


def test_text_previews_learn_a_corpus_whose_words_are_the_label(tmp_path):
    corpus = tmp_path / "corpus.csv"
    with open(corpus, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "text", "label"])
        for i in range(200):
            w.writerow([i, f"the {'cat sat on the mat' if i % 2 else 'dog ran in the park'} number {i}, twice.",
                        "cats" if i % 2 else "dogs"])
    out = tmp_path / "run"
    r = saccade("run", ROOT / "experiments/configs/text_skim.yaml", "train.epochs=20", "eval.repeats=1", "reader.hidden=16",
                "reader.heads=2", "reader.init=", f"env.dataset=csv:{corpus}", "env.text.clutter=false",
                "eval.adaptive=false", "eval.policies=[preview]", "--out", out)
    assert r.returncode == 0, r.stderr
    row = rows(out / "results.csv")["preview"]
    assert float(row["mean_regions"]) == 0 and row["budget"] == "4"
    # Chance is 0.5; the bag of a chunk holding "cat" or "dog" tells the label outright.
    assert float(row["accuracy"]) >= 0.9


def test_dialogue_slot_recent_and_preview(tmp_path):
    out = tmp_path / "run"
    r = saccade("run", ROOT / "experiments/configs/dialogue_turns.yaml", "train.epochs=3", "env.dialogue.train_size=300",
                "env.dialogue.eval_size=64", "reader.hidden=16", "reader.heads=2", "eval.adaptive=false",
                "eval.policies=[slot_recent,preview,last]", "--out", out)
    assert r.returncode == 0, r.stderr
    table = rows(out / "results.csv")
    assert list(table) == ["slot_recent", "preview", "last"]
    assert float(table["preview"]["mean_regions"]) == 0
    assert 0 < float(table["slot_recent"]["mean_regions"]) <= 4
    for row in table.values():
        assert 0 <= float(row["oov_accuracy"]) <= 1
    loss = losses(out, "preview")
    assert len(loss) == 3 and loss[-1] < loss[0]
    # The last mention of each slot holds its final value unless small talk mentions one later; the
    # recency window misses the opening request and gets almost no API call right.
    assert float(table["slot_recent"]["accuracy"]) > float(table["last"]["accuracy"]) + 0.2
    trace = list(csv.DictReader(open(out / "traces/preview.csv", newline="")))
    assert len(trace) == 64 and {row["region"] for row in trace} == {"0"}  # one read each: the previews
