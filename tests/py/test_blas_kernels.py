"""The command line runs OpenBLAS's kernels for this CPU (core/blas_kernels.hpp): on a CPU with
AVX-512 or AVX2 it never runs the generic ones OpenBLAS falls back to under some hypervisors, and a
user's own OPENBLAS_CORETYPE wins. status.json records the kernels a run used."""
import json

import pytest

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade

QUICK = ["env.dataset=digits", "env.canvas=16", "env.retina.size=4", "env.retina.scales=2", "env.preview_factor=2",
         "reader.hidden=16", "reader.glimpse_hidden=16", "train.epochs=1", "eval.policies=[]"]


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        return set(next(line.split(":", 1)[1].split() for line in f if line.startswith("flags")))


def kernels_of_a_run(tmp_path, env):
    r = saccade("run", ROOT / "experiments/configs/image_ram.yaml", *QUICK, "--out", tmp_path, env=env)
    assert r.returncode == 0, r.stderr
    return json.loads((tmp_path / "status.json").read_text())["blas_kernels"]


def test_a_run_uses_the_kernels_the_cpu_is_built_for(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    kernels = kernels_of_a_run(tmp_path, {})
    flags = cpu_flags()
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"} <= flags:
        assert kernels in ("SkylakeX", "Cooperlake", "SapphireRapids")
    elif {"avx2", "fma"} <= flags:
        assert kernels in ("Haswell", "Zen")
    else:
        pytest.skip(f"a CPU without AVX2: OpenBLAS's own choice ({kernels}) stands")


def test_the_users_choice_wins(tmp_path):
    assert kernels_of_a_run(tmp_path, {"OPENBLAS_CORETYPE": "Prescott"}) == "Prescott"
