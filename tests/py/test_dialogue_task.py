"""The dialogue task end to end, briefly: generated dialogues under every fixed turn policy and the
learned top-k policy, the out-of-vocabulary test beside the test, a bAbI-format file set read from a
path, and the errors a bad dialogue config gives before any work starts. Training is a few hundred
dialogues, so only the files and their shape are checked, and that reading every turn learns."""
import csv

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade

TINY = ["train.epochs=2", "env.dialogue.train_size=300", "env.dialogue.eval_size=64", "reader.hidden=16",
        "reader.heads=2"]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def test_generated_every_policy(tmp_path):
    out = tmp_path / "run"
    r = saccade("run", ROOT / "experiments/configs/dialogue_turns.yaml", *TINY, "--out", out)
    assert r.returncode == 0, r.stderr
    table = rows(out / "results.csv")
    assert [row["policy"] for row in table] == ["adaptive", "last", "last_user", "first", "random", "all"]
    assert {row["env"] for row in table} == {"dialogue-24"}
    regions = {row["policy"]: float(row["mean_regions"]) for row in table}
    assert regions["adaptive"] == regions["last"] == 4
    assert 16 <= regions["all"] <= 24  # every turn a dialogue has, 16 to 24
    # Every policy is also scored on cuisines and locations no training dialogue has.
    for row in table:
        assert 0 <= float(row["oov_accuracy"]) <= 1
        assert f"[{row['policy']}] out-of-vocabulary test: accuracy " in r.stderr
    # Reading every turn, two epochs on 300 dialogues already get most API calls right (all four slots);
    # the recency window cannot see the opening request.
    accuracy = {row["policy"]: float(row["accuracy"]) for row in table}
    assert accuracy["all"] > 0.3 and accuracy["all"] > accuracy["last"]  # chance: 1/10 x 1/10 x 1/3 x 1/4
    # resolved.yaml spells out every key and resolves to itself.
    again = saccade("run", out / "resolved.yaml", "--print-config")
    assert again.returncode == 0 and again.stdout == (out / "resolved.yaml").read_text()
    # Traces: one label per slot.
    trace = rows(out / "traces/adaptive.csv")
    assert len(trace) == 64 * 4 and all(len(row["label"].split()) == 4 for row in trace)


BABI = """1 hi\thello what can i help you with today
2 can you book a table for six people with french food\ti'm on it
3 <SILENCE>\twhere should it be
4 in paris\twhich price range are looking for
5 in a cheap price range please\tok let me look into some options for you
6 <SILENCE>\tapi_call french paris six cheap

1 good morning\thello what can i help you with today
2 may i have a table in rome with italian food for four people in a expensive price range\ti'm on it
3 <SILENCE>\tapi_call italian rome four expensive
4 instead could it be for two\tsure is there anything else to update
5 no\tok let me look into some options for you
6 <SILENCE>\tapi_call italian rome two expensive
"""


def test_babi_files_from_a_path(tmp_path):
    prefix = tmp_path / "dialog-babi-task2"
    for part in ("trn", "dev", "tst"):
        (tmp_path / f"dialog-babi-task2-{part}.txt").write_text(BABI * 4)
    out = tmp_path / "run"
    r = saccade("run", ROOT / "experiments/configs/dialogue_turns.yaml", *TINY, f"env.dataset=babi:{prefix}",
                "env.dialogue.turns=12", "eval.policies=[last]", "--out", out)
    assert r.returncode == 0, r.stderr
    table = rows(out / "results.csv")
    assert [row["policy"] for row in table] == ["adaptive", "last"]
    assert all(row["oov_accuracy"] == "" for row in table)  # no -tst-OOV.txt file


def test_bad_dialogue_configs_name_the_key(tmp_path):
    cfg = ROOT / "experiments/configs/dialogue_turns.yaml"
    r = saccade("run", cfg, "env.dialogue.max_turns=40")
    assert r.returncode == 2 and "env.dialogue.max_turns: is more than env.dialogue.turns (24)" in r.stderr
    r = saccade("run", cfg, "eval.policies=[last_usr]")
    assert r.returncode == 2 and "last_user" in r.stderr
    r = saccade("run", cfg, "env.dataset=babi:/nonexistent/task1")
    assert r.returncode == 2 and "no bAbI dialog file /nonexistent/task1-trn.txt" in r.stderr
    r = saccade("run", cfg, "env.dataset=fortunes")
    assert r.returncode == 2 and "env.dataset" in r.stderr
