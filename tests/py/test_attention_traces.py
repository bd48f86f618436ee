"""The reader's own soft attention beside the policy's hard choices (Reader::attention_weights): in
Trained.episode's info["attention"] and in the traces' `weight` column, for a patch (image), a chunk (text)
and a turn (dialogue) reader trained briefly, none for RAM; and saccade.plots drawing it (glimpse paths
with markers sized by weight, regions highlighted by weight)."""
import os
import sys

import numpy as np
import pytest

from harness import BUILD, ROOT

PYTHON_DIR = BUILD / "python"
pytestmark = pytest.mark.skipif(not (PYTHON_DIR / "saccade").is_dir(), reason=f"{PYTHON_DIR} not built")
sys.path.insert(0, str(PYTHON_DIR))
os.environ.setdefault("MPLBACKEND", "Agg")

PATCHES = {"env": {"type": "image", "dataset": "digits", "region": "patch", "grid": 4, "canvas": 8},
           "reader": {"hidden": 16, "heads": 2}, "policy": {"budget": 3, "hidden": 8},
           "train": {"epochs": 1, "examples": 256}, "eval": {"examples": 32, "policies": ["random"]}}
TEXT = dict(reader__init=None, train__epochs=1, train__examples=256,
            eval__examples=32, eval__repeats=1, reader__hidden=16, reader__heads=2, eval__policies=["first"])
DIALOGUE = dict(train__epochs=1, env__dialogue__train_size=200,
                env__dialogue__eval_size=32, reader__hidden=16, reader__heads=2, eval__policies=["last"])


@pytest.fixture(scope="module")
def saccade():
    import saccade as module
    return module


@pytest.fixture(scope="module")
def runs(saccade, tmp_path_factory):
    out = tmp_path_factory.mktemp("attention")
    return {"image": saccade.run(PATCHES, out=out / "image"),
            "text": saccade.run(ROOT / "experiments/configs/text_skim.yaml", out=out / "text", **TEXT),
            "dialogue": saccade.run(ROOT / "experiments/configs/dialogue_turns.yaml", out=out / "dialogue", **DIALOGUE)}


@pytest.mark.parametrize("task", ["image", "text", "dialogue"])
def test_episode_and_traces_carry_the_weights(saccade, runs, task):
    res = runs[task]
    for policy in ("adaptive", res.to_pandas()["policy"].iloc[1]):
        trained = saccade.load(res, policy)
        env = trained.make_env("test", num_envs=8)
        _, info = trained.episode(env, options={"examples": list(range(8))})
        attention = info["attention"]
        assert len(attention) == 8
        for b, (w, regions) in enumerate(zip(attention, info["regions"])):
            assert w.dtype == np.float32 and w.shape == (len(regions),), (policy, b)
            assert (w >= 0).all()
            # Set readers pool over every region read; the turn reader's pointers may point at none.
            total = w.sum()
            assert total == pytest.approx(1, abs=1e-5) or (task == "dialogue" and total == 0), (policy, b, w)
        # Step by step, the same weights as the reader accumulates (one column per read).
        env = trained.make_env("test", num_envs=2)
        obs, _ = env.reset(options={"examples": [0, 1]})
        trained.reset(obs)
        assert [len(w) for w in trained.reader.attention()] == [0, 0]
        obs, *_ = env.step(trained.policy.act(obs))
        trained.reader.read(obs)
        assert [len(w) for w in trained.reader.attention()] == [1, 1]

    trace = res.traces("adaptive")
    assert list(trace.columns)[-2:] == ["evidence", "weight"]
    sums = trace.groupby("example")["weight"].sum().to_numpy()
    assert np.all(np.isclose(sums, 1, atol=1e-5) | ((task == "dialogue") & (sums == 0)))
    if task != "dialogue":
        assert trace["weight"].nunique() > 1  # not a uniform split: the reader's own weighting


def test_ram_has_no_weights(saccade, tmp_path):
    res = saccade.run(ROOT / "experiments/configs/image_ram.yaml", out=tmp_path / "ram", env__dataset="digits",
                      env__canvas=16, env__clutter__pieces=0, env__retina__size=4, env__retina__scales=2,
                      train__epochs=1, train__examples=64, eval__examples=8, eval__policies=[])
    trained = saccade.load(res, "adaptive")
    _, info = trained.episode(trained.make_env("test", num_envs=2), seed=0)
    assert info["attention"] is None and trained.reader.attention() is None
    assert res.traces()["weight"].isna().all()


def test_plots_show_the_weights(saccade, runs):
    from saccade import plots

    trace = runs["image"].traces("adaptive")
    ax = plots.glimpse_path(trace, 0, image=np.zeros((8, 8)))
    rows = trace[trace["example"] == 0].sort_values("step")
    x, y = ax.lines[0].get_data()
    assert np.allclose(x, rows["col"]) and np.allclose(y, rows["row"])  # the path: the hard choices
    markers = ax.collections[0]
    sizes, alphas = markers.get_sizes(), markers.get_facecolors()[:, 3]
    # Marker size and opacity follow the weights: the largest weight has the largest, most opaque marker.
    assert np.argmax(sizes) == np.argmax(rows["weight"].to_numpy()) == np.argmax(alphas)
    assert sizes.max() > sizes.min() and alphas.max() == pytest.approx(1.0)
    explicit = plots.glimpse_path(trace, 0, weights=[0.7, 0.2, 0.1][:len(rows)])
    assert list(np.argsort(explicit.collections[0].get_sizes())) == list(np.argsort([0.7, 0.2, 0.1][:len(rows)]))
    with pytest.raises(ValueError, match="weights: 5 given for the"):
        plots.glimpse_path(trace, 0, weights=[0.2] * 5)

    ax = plots.regions_read(trace, 16, examples=[0, 1], color="weight")
    grid = np.ma.filled(ax.images[0].get_array(), np.nan)
    assert np.nansum(grid[0]) == pytest.approx(1, abs=1e-5)

    # Chunks of a text example highlighted by the reader's weight, beside the order they were read in.
    trained = saccade.load(runs["text"], "adaptive")
    env = trained.make_env("test", num_envs=1)
    _, info = trained.episode(env, options={"examples": [0]})
    read, weights = info["regions"][0], info["attention"][0]
    ax = plots.highlight_regions(env.region_texts(0), read, weights=weights)
    boxes = {r: ax.texts[r].get_bbox_patch() for r in read}
    alphas = [boxes[r].get_alpha() for r in read]
    assert np.argmax(alphas) == np.argmax(weights) and max(alphas) == pytest.approx(1.0)
    assert f"[1 {weights[0]:.2f}]" in ax.texts[read[0]].get_text()
    assert sum(t.get_bbox_patch() is not None for t in ax.texts) == len(read)
