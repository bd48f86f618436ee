"""numpy and saccade read each other's .npz checkpoints.

The C++ side lives in tests/cpp/core/test_checkpoint.cpp (suite `numpy_interop`); these tests run that
binary themselves with file paths in the environment, so they do not depend on test order.
"""
import os
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest

BUILD = Path(os.environ.get("SACCADE_BUILD", "build"))


def checkpoint_binary() -> Path:
    # Test executables land in the build directory or its tests/ subdirectory, depending on the CMake setup.
    for candidate in (BUILD / "test_checkpoint", BUILD / "tests" / "test_checkpoint"):
        if candidate.exists():
            return candidate
    pytest.fail(f"test_checkpoint not found under SACCADE_BUILD={BUILD}; build the C++ tests first")


def run_case(case: str, **env: str) -> None:
    result = subprocess.run(
        [str(checkpoint_binary()), f"--run_test=numpy_interop/{case}", "--log_level=message"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"{case} failed:\n{result.stdout}\n{result.stderr}"


def test_numpy_reads_cpp_checkpoint(tmp_path):
    path = tmp_path / "checkpoint.npz"
    run_case("write_for_numpy", SACCADE_NPZ_OUT=str(path))

    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every CRC-32 checks out
        assert all(info.compress_type == zipfile.ZIP_STORED for info in z.infolist())
    assert not list(tmp_path.glob("*.tmp-*")), "the temporary file was left behind"

    data = np.load(path)
    assert sorted(data.files) == sorted(
        [
            "param/weight",
            "param/bias",
            "optim/weight.exp_avg",
            "optim/weight.exp_avg_sq",
            "optim/bias.exp_avg",
            "optim/bias.exp_avg_sq",
            "optim/step",
            "extra/epoch",
            "extra/loss",
        ]
    )
    # Linear(3, 2): weight arange(6).reshape(3, 2) / 4, bias [-1, 0.5], then one Adam step (lr 0.01) on
    # all-ones gradients, which moves every entry by lr / (1 + eps).
    weight, bias = data["param/weight"], data["param/bias"]
    assert weight.dtype == np.float32 and weight.shape == (3, 2)
    assert bias.dtype == np.float32 and bias.shape == (2,)
    np.testing.assert_allclose(weight, np.arange(6, dtype=np.float32).reshape(3, 2) / 4 - 0.01, rtol=0, atol=1e-6)
    np.testing.assert_allclose(bias, np.array([-1.0, 0.5]) - 0.01, rtol=0, atol=1e-6)
    for name, shape in (("weight", (3, 2)), ("bias", (2,))):
        m, v = data[f"optim/{name}.exp_avg"], data[f"optim/{name}.exp_avg_sq"]
        assert m.dtype == np.float32 and m.shape == shape and v.shape == shape
        np.testing.assert_allclose(m, 0.1, rtol=1e-6)
        np.testing.assert_allclose(v, 0.001, rtol=1e-6)
    step = data["optim/step"]
    assert step.dtype == np.int64 and step.shape == () and int(step) == 1
    assert data["extra/epoch"].dtype == np.float64 and float(data["extra/epoch"]) == 3.0
    assert float(data["extra/loss"]) == 0.25


def numpy_checkpoint() -> dict:
    """The layout of a saccade checkpoint of Linear(3, 2) + Adam, with a mix of dtypes the loader converts.

    read_from_numpy in test_checkpoint.cpp checks exactly these values.
    """
    return {
        "param/weight": np.arange(6, dtype=np.float32).reshape(3, 2) / np.float32(4),
        "param/bias": np.array([-1.0, 0.5], dtype=np.float64),
        "optim/weight.exp_avg": np.full((3, 2), 0.1, dtype=np.float32),
        "optim/weight.exp_avg_sq": np.full((3, 2), 0.001, dtype=np.float32),
        "optim/bias.exp_avg": np.full((2,), 0.1, dtype=np.float32),
        "optim/bias.exp_avg_sq": np.full((2,), 0.001, dtype=np.float32),
        "optim/step": np.int64(7),
        "extra/epoch": np.float64(3.0),
        "extra/count": np.int32(42),
        "extra/flag": np.bool_(True),
    }


# np.savez (zipfile's force_zip64) gives every local header a zip64 extra field even for small arrays:
# the stored case checks that the reader skips it rather than mistaking the file for a zip64 archive.
@pytest.mark.parametrize("save", [np.savez_compressed, np.savez], ids=["deflate", "stored"])
def test_cpp_reads_numpy_npz(tmp_path, save):
    path = tmp_path / "from_numpy.npz"
    save(path, **numpy_checkpoint())
    run_case("read_from_numpy", SACCADE_NPZ_FROM_NUMPY=str(path))


def test_cpp_reads_numpy_file_in_build_dir():
    """Also leaves a numpy-written file where a plain `ctest` run of test_checkpoint looks for it."""
    path = BUILD / "test-artifacts" / "from_numpy.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp-{os.getpid()}.npz")
    np.savez_compressed(tmp, **numpy_checkpoint())
    os.replace(tmp, path)  # a concurrent ctest run never sees half a file
    run_case("read_from_numpy")
