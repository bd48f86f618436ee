"""Your own data (docs/data.md): images from NumPy arrays (env.dataset npz:PATH) through the command line
and through saccade.run(config, data=arrays), text from a pandas DataFrame, cluttered by distractor
texts. Every kind of bad array (a missing key, a wrong dtype or shape, a label out of range) fails with
an error naming the file and the key; a malformed source names the config's file, line and key.
Training is tiny (a few hundred examples, one epoch): only files, shapes and errors are checked."""
import sys

import numpy as np
import pandas as pd
import pytest

from harness import BUILD, ROOT, SACCADE, saccade as cli

PYTHON_DIR = BUILD / "python"
pytestmark = pytest.mark.skipif(not (PYTHON_DIR / "saccade").is_dir() or not SACCADE.exists(), reason="not built")
sys.path.insert(0, str(PYTHON_DIR))

TINY_IMAGE = {"env": {"type": "image", "region": "patch", "grid": 4, "canvas": 8},
              "reader": {"hidden": 16, "heads": 2}, "policy": {"budget": 3, "hidden": 8},
              "train": {"epochs": 1, "examples": 128}, "eval": {"examples": 32, "policies": ["random"]}}
TEXT = ROOT / "experiments/configs/text_skim.yaml"
TINY_TEXT = dict(train__epochs=1, train__examples=128, eval__examples=32, eval__repeats=1, reader__hidden=16,
                 reader__heads=2, reader__init=None, eval__policies=["first"])


@pytest.fixture(scope="module")
def saccade():
    import saccade as module
    return module


def shapes(n, seed):
    """n 8x8 uint8 images of three classes (a horizontal bar, a vertical bar, a square) on faint noise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.integers(0, 60, (n, 8, 8)).astype(np.uint8)
    for i, c in enumerate(y):
        p = rng.integers(1, 7)
        if c == 0:
            x[i, p, :] = 255
        elif c == 1:
            x[i, :, p] = 255
        else:
            x[i, 2:6, 2:6] = 220
    return x, y


def arrays():
    (x, y), (xt, yt) = shapes(200, 0), shapes(40, 1)
    return {"x_train": x, "y_train": y, "x_test": xt, "y_test": yt}


def corpus(n=60):
    return pd.DataFrame({"text": [f"the {'cat sat on the mat' if i % 2 else 'dog ran in the park'} number {i}, twice."
                                  for i in range(n)], "label": ["cats" if i % 2 else "dogs" for i in range(n)]})


def distractors(n=40):
    return pd.DataFrame({"text": [f"weather report {i}: rain and wind over the hills, then sun." for i in range(n)]})


def image_config(tmp_path, dataset):
    lines = ["env:", "  type: image", f"  dataset: {dataset}", "  region: patch", "  grid: 4", "  canvas: 8",
             "reader: {hidden: 16, heads: 2}", "policy: {budget: 3, hidden: 8}", "train: {epochs: 1, examples: 128}",
             "eval: {examples: 32, policies: [random]}"]
    (tmp_path / "cfg.yaml").write_text("\n".join(lines) + "\n")
    return tmp_path / "cfg.yaml"


def test_an_npz_archive_runs_end_to_end(tmp_path):
    np.savez_compressed(tmp_path / "shapes.npz", **arrays())
    out = tmp_path / "run"
    r = cli("run", image_config(tmp_path, f"npz:{tmp_path / 'shapes.npz'}"), "--out", out)
    assert r.returncode == 0, r.stderr
    results = pd.read_csv(out / "results.csv")
    assert list(results["policy"]) == ["adaptive", "random"]
    assert set(results["env"]) == {"image-patch-8"}


BAD = {  # what is wrong -> (the key it replaces, its new value, the message after "PATH: ")
    "missing key": ("y_test", None, "y_test: missing"),
    "wrong dtype": ("x_train", np.zeros((200, 8, 8)), "x_train: dtype float64: expected uint8 (0-255) or float32"),
    "float labels": ("y_train", np.ones(200, np.float32), "y_train: dtype float32: expected integer class ids"),
    "wrong shape": ("x_test", np.zeros((40, 64), np.uint8), "x_test: shape (40, 64): expected [N, H, W]"),
    "N mismatch": ("y_test", np.zeros(39, np.int64), "y_test: 39 labels for the 40 images of x_test"),
    "H/W mismatch": ("x_test", np.zeros((40, 7, 7), np.uint8), "x_test: images are 7x7 but x_train's are 8x8"),
    "negative label": ("y_test", np.full(40, -1), "y_test: label -1 at index 0 is out of range"),
    "label beyond train's": ("y_test", np.full(40, 3), "y_test: label 3 at index 0 is out of range: the classes are 0..2"),
    "float out of range": ("x_test", np.full((40, 8, 8), 255.0, np.float32), "x_test: value 255.000000 (image 0, row 0, "
                           "column 0) is outside [0, 1]"),
}


def bad_arrays(case):
    key, value, _ = BAD[case]
    data = arrays()
    if value is None:
        del data[key]
    else:
        data[key] = value
    return data


@pytest.mark.parametrize("case", BAD)
def test_a_bad_npz_names_the_file_and_the_key(tmp_path, case):
    np.savez(tmp_path / "bad.npz", **bad_arrays(case))
    r = cli("run", image_config(tmp_path, f"npz:{tmp_path / 'bad.npz'}"), "--out", tmp_path / "run")
    assert r.returncode == 1, r.stderr  # a data error, found when the arrays are read, before training
    assert f"{tmp_path / 'bad.npz'}: {BAD[case][2]}" in r.stderr
    assert not (tmp_path / "run" / "results.csv").exists()


def test_a_malformed_source_is_a_config_error(tmp_path):
    for dataset, what in [("'npz:'", "expected npz:PATH"), ("npz:/nonexistent/x.npz", "/nonexistent/x.npz not found")]:
        r = cli("run", image_config(tmp_path, dataset), cwd=tmp_path)
        assert r.returncode == 2
        assert "cfg.yaml:3:12: env.dataset:" in r.stderr and what in r.stderr, r.stderr


def test_run_with_arrays(saccade, tmp_path):
    data = arrays()
    data["x_train"] = data["x_train"].astype(np.float32) / 255  # float32 in [0, 1] is taken as it is
    data["x_val"], data["y_val"] = shapes(30, 2)
    res = saccade.run(TINY_IMAGE, out=tmp_path / "run", data=data)
    assert list(res.to_pandas()["policy"]) == ["adaptive", "random"]
    saved = np.load(tmp_path / "run" / "data.npz")  # the run keeps what it trained on
    assert sorted(saved.files) == sorted(data) and np.array_equal(saved["x_train"], data["x_train"])
    assert f"dataset: npz:{(tmp_path / 'run' / 'data.npz').absolute()}" in (tmp_path / "run" / "resolved.yaml").read_text()
    assert len(res.metrics()) == 2  # a validation line per policy: x_val was read


@pytest.mark.parametrize("case", ["missing key", "wrong dtype", "wrong shape", "label beyond train's"])
def test_run_with_bad_arrays_names_the_key(saccade, tmp_path, case):
    key, _, message = BAD[case]
    with pytest.raises((RuntimeError, ValueError), match=key):
        saccade.run(TINY_IMAGE, out=tmp_path / "run", data=bad_arrays(case))
    if case != "missing key":  # the loader's own message, naming the file written
        with pytest.raises(RuntimeError) as error:
            saccade.run(TINY_IMAGE, out=tmp_path / "run", data=bad_arrays(case))
        assert f"{tmp_path / 'run' / 'data.npz'}: {message}" in str(error.value)


def test_python_type_errors_are_plain(saccade, tmp_path):
    data = arrays()
    data["x_test"] = data["x_test"].tolist()
    with pytest.raises(TypeError, match=r"data\['x_test'\] must be a numpy array, got list"):
        saccade.run(TINY_IMAGE, out=tmp_path / "a", data=data)
    with pytest.raises(ValueError, match="unexpected x_valid"):
        saccade.run(TINY_IMAGE, out=tmp_path / "b", data={**arrays(), "x_valid": data["x_train"]})
    with pytest.raises(TypeError, match="env.type is image, so data must be a dict of numpy arrays"):
        saccade.run(TINY_IMAGE, out=tmp_path / "c", data=corpus())
    with pytest.raises(ValueError, match=r"data has no column label \(its columns: text\)"):
        saccade.run(TEXT, out=tmp_path / "d", data=corpus()[["text"]], **TINY_TEXT)
    with pytest.raises(TypeError, match="data must be a pandas DataFrame with columns text, label, got dict"):
        saccade.run(TEXT, out=tmp_path / "e", data={"text": ["a"], "label": [1]}, **TINY_TEXT)
    frame = corpus()
    frame.loc[7, "label"] = None
    with pytest.raises(ValueError, match="data: row 7 has no label"):
        saccade.run(TEXT, out=tmp_path / "f", data=frame, **TINY_TEXT)


def test_run_with_a_dataframe_plain_and_cluttered(saccade, tmp_path):
    plain = saccade.run(TEXT, out=tmp_path / "plain", data=corpus(), env__text__clutter=False, **TINY_TEXT)
    assert set(plain.to_pandas()["env"]) == {"text-16"}
    assert pd.read_csv(tmp_path / "plain" / "data.csv").equals(corpus())
    cluttered = saccade.run(TEXT, out=tmp_path / "cluttered", data={"texts": corpus(), "distractors": distractors()["text"]},
                            **TINY_TEXT)
    table = cluttered.to_pandas()
    assert set(table["env"]) == {"text-cluttered-16"}
    assert (table["evidence_read"] < 1).all()  # some reads land on distractor chunks
    assert (tmp_path / "cluttered" / "distractors.csv").exists()
