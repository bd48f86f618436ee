"""`saccade report DIR` as a user meets it: the table it prints, report.csv read by pandas,
report.html with the plot inlined, and the errors (exit status 2, the path named)."""
import subprocess

import pytest

from harness import requires_saccade, saccade

pytestmark = requires_saccade

# Two settings (env.region swept), three seeds in the first, two in the second.
# First: adaptive 0.80/0.82/0.84, grid 0.70/0.72/0.74: mean ± 4.3027 * 0.02 / sqrt(3) = ± 0.0497 each,
# adaptive's low 0.7703 > grid's high 0.7697: marked. `all` reads 16 of 4 regions: a reference.
# Second: adaptive 0.70/0.76 (± 12.706 * 0.0424 / sqrt(2) = ± 0.3812), grid 0.70/0.72 (± 0.1271): overlap.
RESULTS = """run,seed,env,policy,budget,accuracy,mean_regions,flops_per_example,us_per_example,train_seconds,env.region
s0,0,image-patch-60,adaptive,4,0.80,4,3e6,180,1,12
s0,0,image-patch-60,grid,4,0.70,4,2e6,130,1,12
s0,0,image-patch-60,all,4,0.90,16,5e6,200,1,12
s1,1,image-patch-60,adaptive,4,0.82,4,3e6,182,1,12
s1,1,image-patch-60,grid,4,0.72,4,2e6,132,1,12
s1,1,image-patch-60,all,4,0.92,16,5e6,202,1,12
s2,2,image-patch-60,adaptive,4,0.84,4,3e6,184,1,12
s2,2,image-patch-60,grid,4,0.74,4,2e6,134,1,12
s2,2,image-patch-60,all,4,0.94,16,5e6,204,1,12
t0,0,image-patch-60,adaptive,4,0.70,4,3e6,170,1,15
t0,0,image-patch-60,grid,4,0.70,4,2e6,120,1,15
t1,1,image-patch-60,adaptive,4,0.76,4,3e6,172,1,15
t1,1,image-patch-60,grid,4,0.72,4,2e6,122,1,15
"""


def matplotlib_importable():
    r = subprocess.run(["/usr/bin/python3", "-c", "import matplotlib"], capture_output=True)
    return r.returncode == 0


@pytest.fixture
def run_dir(tmp_path):
    d = tmp_path / "sweep"
    d.mkdir()
    (d / "results.csv").write_text(RESULTS)
    return d


def test_table_csv_and_html(run_dir):
    r = saccade("report", run_dir)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "image-patch-60  budget 4  env.region=12" in lines
    assert "image-patch-60  budget 4  env.region=15" in lines
    adaptive = [l for l in lines if l.strip().startswith("adaptive")]
    assert "0.8200 ± 0.0497" in adaptive[0] and "* above best fixed (grid)" in adaptive[0]
    assert "0.7300 ± 0.3812" in adaptive[1] and "*" not in adaptive[1]
    assert any(l.strip().startswith("all") and "reference" in l for l in lines)

    pd = pytest.importorskip("pandas")
    df = pd.read_csv(run_dir / "report.csv")
    assert list(df.columns[:3]) == ["env", "budget", "env.region"]
    assert len(df) == 5
    first = df[(df["env.region"] == 12) & (df.policy == "adaptive")].iloc[0]
    assert first.n == 3
    assert first.accuracy_mean == pytest.approx(0.82)
    assert first.accuracy_ci95 == pytest.approx(0.049683, abs=1e-6)
    assert first.accuracy_low == pytest.approx(0.770317, abs=1e-6)
    assert bool(first.above_best_fixed) and not bool(first.competes)
    second = df[(df["env.region"] == 15) & (df.policy == "adaptive")].iloc[0]
    assert second.accuracy_ci95 == pytest.approx(0.381186, abs=1e-6)
    assert not bool(second.above_best_fixed)
    assert df[df.policy == "grid"].competes.all()
    assert not df[df.policy == "all"].competes.any()

    html = (run_dir / "report.html").read_text()
    assert "<table>" in html and "0.8200 ± 0.0497" in html
    if matplotlib_importable():
        assert 'src="data:image/png;base64,iVBOR' in html  # PNG magic, base64-encoded
        assert (run_dir / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evidence_read_is_a_result_not_a_setting(tmp_path):
    # results.csv from after evidence_read (empty for images, a share for text) reports as one from before.
    lines = RESULTS.splitlines()
    with_evidence = [lines[0].replace(",env.region", ",evidence_read,env.region")]
    with_evidence += [",".join([row.rsplit(",", 1)[0], "" if i % 2 else "0.25", row.rsplit(",", 1)[1]])
                      for i, row in enumerate(lines[1:])]
    d = tmp_path / "new"
    d.mkdir()
    (d / "results.csv").write_text("\n".join(with_evidence) + "\n")
    old = tmp_path / "old"
    old.mkdir()
    (old / "results.csv").write_text(RESULTS)
    new_report, old_report = saccade("report", d), saccade("report", old)
    assert new_report.returncode == old_report.returncode == 0, new_report.stderr
    table = new_report.stdout.replace(str(d), "DIR")
    assert table == old_report.stdout.replace(str(old), "DIR")
    assert "evidence_read" not in table


def test_without_matplotlib_still_reports(run_dir, tmp_path):
    # A `matplotlib` that cannot be imported, first on python's path.
    fake = tmp_path / "fake" / "matplotlib"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no matplotlib in this test')\n")
    r = saccade("report", run_dir, env={"PYTHONPATH": str(fake.parent)})
    assert r.returncode == 0
    assert "python3-matplotlib" in r.stderr
    assert not (run_dir / "report.png").exists()
    html = (run_dir / "report.html").read_text()
    assert "<table>" in html and "data:image/png" not in html


def test_no_plot_flag(run_dir):
    r = saccade("report", run_dir, "--no-plot")
    assert r.returncode == 0
    assert not (run_dir / "report.png").exists() and (run_dir / "report.html").exists()


def test_missing_dir_and_file(tmp_path):
    r = saccade("report", tmp_path / "nowhere")
    assert r.returncode == 2
    assert str(tmp_path / "nowhere") in r.stderr
    r = saccade("report", tmp_path)
    assert r.returncode == 2
    assert str(tmp_path / "results.csv") in r.stderr


def test_bad_cells_name_file_line_and_column(run_dir):
    path = run_dir / "results.csv"
    path.write_text(RESULTS.replace("0.82,4,3e6", "high,4,3e6"))
    r = saccade("report", run_dir)
    assert r.returncode == 2
    assert f"{path}:5: column 6 (accuracy)" in r.stderr
    path.write_text(RESULTS + "x,y\n")
    r = saccade("report", run_dir)
    assert r.returncode == 2
    assert f"{path}:15:" in r.stderr


def test_shared_columns(run_dir):
    # env.region stands in for a learner here: the region 15 setting lacks `all`, and each setting gets
    # the other's adaptive as a learned reference (no scores files in this fixture: "not paired").
    r = saccade("report", run_dir, "--no-plot", "--shared", "env.region")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert any(l.strip().startswith("all ") and "reference; shared from env.region=12" in l for l in lines)
    assert any(l.strip().startswith("adaptive[env.region=15]") and "learned reference" in l for l in lines)
    assert "paired: adaptive vs adaptive[env.region=12] (learned reference, for information): not paired" in r.stdout

    r = saccade("report", run_dir, "--shared", "env.region,train.algorithm")
    assert r.returncode == 2
    assert "--shared train.algorithm: not a swept column of" in r.stderr
    assert "(its swept columns: env.region)" in r.stderr
    assert "--shared" in saccade("report", "--help").stdout


def test_shared_from_the_sweep_manifest(run_dir):
    # A sweep file's `sweep.shared: [env.region]`, as the sweep writes it into manifest.json.
    manifest = run_dir / "manifest.json"
    manifest.write_text('{"swept_keys": ["env.region", "seed"], "shared": ["env.region"], "runs": []}\n')
    r = saccade("report", run_dir, "--no-plot")
    assert r.returncode == 0, r.stderr
    assert "reference; shared from env.region=12" in r.stdout
    for off in (["--no-shared"], ["--shared", ""]):
        r = saccade("report", run_dir, "--no-plot", *off)
        assert r.returncode == 0, r.stderr
        assert "shared from" not in r.stdout and "adaptive[" not in r.stdout
    assert saccade("report", run_dir, "--no-shared", "--shared", "env.region").returncode == 2
    assert "--no-shared" in saccade("report", "--help").stdout

    manifest.write_text('{"shared": ["env.region"')
    r = saccade("report", run_dir, "--no-plot")
    assert r.returncode == 2
    assert f"{manifest}: not a sweep manifest" in r.stderr
