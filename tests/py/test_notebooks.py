"""The notebooks of pybind/notebooks run headlessly (`jupyter nbconvert --execute`), start to end,
against the module in build/python; a cell that raises fails the test with its traceback."""
import os
import shutil
import subprocess

import pytest

from harness import BUILD, ROOT

NOTEBOOKS = ["quickstart.ipynb", "compare_policies.ipynb", "own_data.ipynb"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name, tmp_path):
    assert shutil.which("jupyter-nbconvert"), "jupyter-nbconvert missing: run scripts/install-deps.sh"
    assert (BUILD / "python" / "saccade").is_dir(), f"{BUILD / 'python'} not built"
    env = {**os.environ, "PYTHONPATH": str(BUILD / "python"), "SACCADE_NOTEBOOK_OUT": str(tmp_path / "runs"),
           "PYDEVD_DISABLE_FILE_VALIDATION": "1", "MPLBACKEND": "Agg"}
    r = subprocess.run(["jupyter-nbconvert", "--to", "notebook", "--execute", "--output-dir", str(tmp_path),
                        "--ExecutePreprocessor.timeout=600", str(ROOT / "pybind/notebooks" / name)],
                       capture_output=True, text=True, env=env, timeout=900)
    assert r.returncode == 0, r.stderr[-4000:]
    assert (tmp_path / name).exists()
