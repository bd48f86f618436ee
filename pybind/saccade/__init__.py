"""saccade: learn where to spend attention under a compute budget, from Python.

Everything the command line does is one call away:

    import saccade
    res = saccade.run("experiments/configs/image_ram.yaml", train__epochs=1)   # or a dict
    res.to_pandas()                  # results.csv as a DataFrame: one row per policy
    res.traces("adaptive")           # where each test example looked
    saccade.resume("runs/image-ram")  # an interrupted run goes on from its last epoch checkpoint
    saccade.sweep("experiments/configs/demo.yaml", out="runs/demo", jobs=2).to_pandas()

    env = saccade.make_env("experiments/configs/text_skim.yaml", num_envs=4, reader__init=None)
    obs, info = env.reset(seed=0)    # Gymnasium-style, batched; numpy arrays
    obs, reward, terminated, truncated, info = env.step([0, 3, 5, 7])

    trained = saccade.load(res, "adaptive")          # a trained policy and reader from a run
    probs, info = trained.episode(trained.make_env("test", num_envs=8), seed=0)

Overrides are keyword arguments with `__` for the dots of a key path (train__epochs=1 sets
train.epochs), or a list of "key.path=value" strings. Errors in a config raise ConfigError (a
ValueError) with the command line's message, FILE:LINE:COLUMN: key: what. Training releases the
GIL and stops at the next batch on Ctrl-C with KeyboardInterrupt; files already written stay whole.
"""
import os as _os
import sys as _sys


def _prefer_fast_blas():
    """OpenBLAS picks its kernels when it loads, and under some hypervisors it falls back to generic
    SSE3 ones on an AVX-512 CPU (core/blas_kernels.hpp), 4x slower at sgemm. OPENBLAS_CORETYPE
    overrides that, but only if set before the library loads: here, unless numpy (which loads the
    same OpenBLAS) came first. A user's own OPENBLAS_CORETYPE always wins."""
    if "OPENBLAS_CORETYPE" in _os.environ or "numpy" in _sys.modules:
        return
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return
    if {"avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"} <= set(flags):
        _os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"


_prefer_fast_blas()

from ._saccade import ConfigError  # noqa: E402  (after OPENBLAS_CORETYPE is settled)
from ._saccade import better_blas_kernels as _better_blas_kernels
from .config import resolve
from .envs import Env, make_env
from .results import Results, resume, run, sweep
from .trained import Trained, load

if _better_blas_kernels():
    import warnings as _warnings

    _warnings.warn(f"OpenBLAS runs generic kernels on this CPU; for up to 4x faster training start Python with "
                   f"OPENBLAS_CORETYPE={_better_blas_kernels()} set, or import saccade before numpy", stacklevel=2)

__all__ = ["ConfigError", "Env", "Results", "Trained", "load", "make_env", "resolve", "resume", "run", "sweep"]
