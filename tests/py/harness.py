"""What every Python test of the `saccade` command line shares: where the tree and the built binary
are (SACCADE_BUILD, set by CTest), a skip marker for when it is not built, and one way to run it."""
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("SACCADE_BUILD", ROOT / "build")).resolve()
SACCADE = BUILD / "saccade"

requires_saccade = pytest.mark.skipif(not SACCADE.exists(), reason=f"{SACCADE} not built")


def saccade(*args, cwd=None, env=None, timeout=300):
    """Runs `saccade ARGS...`, capturing text output; `env` adds to the current environment."""
    full_env = {**os.environ, **env} if env else None
    return subprocess.run([str(SACCADE), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=full_env, timeout=timeout)
