"""saccade: learn where to spend attention under a compute budget, from Python.

Everything the command line does is one call away:

    import saccade
    res = saccade.run("experiments/configs/image_ram.yaml", train__epochs=1)   # or a dict
    res.to_pandas()                  # results.csv as a DataFrame: one row per policy
    res.traces("adaptive")           # where each test example looked
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
from ._saccade import ConfigError
from .config import resolve
from .envs import Env, make_env
from .results import Results, run, sweep
from .trained import Trained, load

__all__ = ["ConfigError", "Env", "Results", "Trained", "load", "make_env", "resolve", "run", "sweep"]
