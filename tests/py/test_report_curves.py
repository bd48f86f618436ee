"""report.html's learning figures (experiments/report/report_curves.hpp, plot_curves.py): validation
accuracy per epoch from each run's metrics.jsonl and the anytime curve from each run's anytime.csv, one
panel per setting, mean across seeds with a min-max band; what the HTML says when anytime.csv is absent
(runs from before it) or matplotlib is; and the curves' arithmetic."""
import importlib.util
import json
import struct
import subprocess

import pytest

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade

# Two settings (env.region 12 and 15), two seeds each, each run in its own directory as a sweep keeps it.
RESULTS = """run,seed,env,policy,budget,accuracy,mean_regions,flops_per_example,us_per_example,train_seconds,env.region
s0,0,image-patch-60,adaptive,4,0.80,4,3e6,180,1,12
s0,0,image-patch-60,grid,4,0.70,4,2e6,130,1,12
s1,1,image-patch-60,adaptive,4,0.82,4,3e6,182,1,12
s1,1,image-patch-60,grid,4,0.72,4,2e6,132,1,12
t0,0,image-patch-60,adaptive,4,0.70,4,3e6,170,1,15
t0,0,image-patch-60,grid,4,0.70,4,2e6,120,1,15
t1,1,image-patch-60,adaptive,4,0.76,4,3e6,172,1,15
t1,1,image-patch-60,grid,4,0.72,4,2e6,122,1,15
"""


def matplotlib_importable():
    return subprocess.run(["/usr/bin/python3", "-c", "import matplotlib"], capture_output=True).returncode == 0


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])  # IHDR: width, height


@pytest.fixture
def sweep(tmp_path):
    d = tmp_path / "sweep"
    d.mkdir()
    (d / "results.csv").write_text(RESULTS)
    for i, run in enumerate(["s0", "s1", "t0", "t1"]):
        r = d / run
        r.mkdir()
        lines = [{"policy": p, "epoch": e, "val_accuracy": 0.3 + 0.1 * e + 0.01 * i + (0.05 if p == "adaptive" else 0)}
                 for p in ("adaptive", "grid") for e in (1, 2, 3)]
        (r / "metrics.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
        rows = [f"{p},test,{k},{0.4 + 0.1 * k + 0.02 * i},100" for p in ("adaptive", "grid") for k in (1, 2, 3, 4)]
        (r / "anytime.csv").write_text("policy,split,regions,accuracy,examples\n" + "\n".join(rows) + "\n")
    return d


def section(html, heading):
    """The HTML from a figure's heading to the next heading (or the method note)."""
    start = html.index(f"<h2>{heading}</h2>")
    end = min(i for i in (html.find("<h2>", start + 1), html.find("<pre", start)) if i != -1)
    return html[start:end]


def test_learning_and_anytime_figures(sweep):
    r = saccade("report", sweep)
    assert r.returncode == 0, r.stderr
    html = (sweep / "report.html").read_text()
    learning, anytime = section(html, "Learning curves"), section(html, "Anytime accuracy")
    if not matplotlib_importable():
        assert "python3-matplotlib" in learning and "python3-matplotlib" in anytime
        return
    assert 'alt="validation accuracy per epoch" src="data:image/png;base64,iVBOR' in learning
    assert 'alt="accuracy after each region read" src="data:image/png;base64,iVBOR' in anytime
    assert "No figure" not in learning + anytime  # every run has both files: nothing to say
    # One panel per setting: two settings side by side, 5.2 inches at 100 dpi each.
    for name in ("report_learning.png", "report_anytime.png"):
        width, _ = png_size((sweep / name).read_bytes())
        assert width == 1040, name
        assert str(sweep / name) in r.stdout
    assert not list(sweep.glob("*.tmp-*"))  # the temporary files are gone


def test_absent_anytime_files_are_stated(sweep):
    (sweep / "s1" / "anytime.csv").unlink()
    assert saccade("report", sweep).returncode == 0
    anytime = section((sweep / "report.html").read_text(), "Anytime accuracy")
    assert "1 of 4 runs have no anytime.csv (runs from before it was written): the curves leave them out" in anytime
    if matplotlib_importable():
        assert "data:image/png" in anytime
    for run in ("s0", "t0", "t1"):
        (sweep / run / "anytime.csv").unlink()
    r = saccade("report", sweep)
    assert r.returncode == 0, r.stderr
    html = (sweep / "report.html").read_text()
    assert "No figure: no run has anytime.csv (runs from before it was written)" in section(html, "Anytime accuracy")
    assert not (sweep / "report_anytime.png").exists()  # the earlier report's is removed with its figure
    if matplotlib_importable():
        assert "data:image/png" in section(html, "Learning curves")


def test_without_matplotlib_or_with_no_plot(sweep, tmp_path):
    fake = tmp_path / "fake" / "matplotlib"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no matplotlib in this test')\n")
    r = saccade("report", sweep, env={"PYTHONPATH": str(fake.parent)})
    assert r.returncode == 0, r.stderr
    html = (sweep / "report.html").read_text()
    for heading in ("Learning curves", "Anytime accuracy"):
        assert "No figure: matplotlib is not importable under /usr/bin/python3" in section(html, heading)
    assert "data:image/png" not in html and "<table>" in html
    assert saccade("report", sweep, "--no-plot").returncode == 0
    assert "No figure: not drawn (--no-plot)" in section((sweep / "report.html").read_text(), "Learning curves")


@pytest.fixture
def plot_curves():
    spec = importlib.util.spec_from_file_location("plot_curves", ROOT / "experiments/report/plot_curves.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_curves_arithmetic(plot_curves, tmp_path):
    # The last line of an epoch wins (a repeated epoch); other policies' lines are not this one's.
    lines = [{"policy": "adaptive", "epoch": 1, "val_accuracy": 0.1, "stage": 1},
             {"policy": "grid", "epoch": 1, "val_accuracy": 0.9},
             {"policy": "adaptive", "epoch": 1, "val_accuracy": 0.2, "stage": 1},
             {"policy": "adaptive", "epoch": 2, "val_accuracy": 0.4, "stage": 2}]
    (tmp_path / "metrics.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    curve, stages = plot_curves.learning_curve(str(tmp_path), "adaptive")
    assert curve == {1: 0.2, 2: 0.4} and stages == {1: 1, 2: 2}
    assert plot_curves.learning_curve(str(tmp_path / "nowhere"), "adaptive") == ({}, {})
    (tmp_path / "anytime.csv").write_text("policy,split,regions,accuracy,examples\nadaptive,validation,1,0.5,10\n"
                                          "grid,validation,1,0.1,10\nadaptive,validation,2,0.75,10\n")
    assert plot_curves.anytime_curve(str(tmp_path), "adaptive") == ({1: 0.5, 2: 0.75}, {"validation"})
    # Mean and min-max band at every x; a seed that stopped early leaves epoch 2 to the other.
    xs, mean, low, high = plot_curves.spread([{1: 0.5, 2: 0.7}, {1: 0.7}])
    assert xs == [1, 2] and mean == pytest.approx([0.6, 0.7]) and low == [0.5, 0.7] and high == [0.7, 0.7]
    (tmp_path / "anytime.csv").write_text("policy,regions\nadaptive,1\n")
    with pytest.raises(SystemExit, match="anytime.csv: no column accuracy, split"):
        plot_curves.anytime_curve(str(tmp_path), "adaptive")
