"""The tasks' environments, stepped by hand: Gymnasium-style and batched (num_envs examples at once).

Observations are dicts of numpy arrays, B = num_envs, R = the regions per example:

    preview     float32 [B, *spec["preview_shape"]]  cheap view, fixed for the episode (empty if none):
                image: a thumbnail [B, h, w]; text: per chunk a bag [B, R, 2 * tokens] (bucket ids,
                then weights); dialogue: per turn a row [B, R, P]
    content     float32 [B, *spec["content_shape"]]  what the region read this step holds (zeros if
                none): image glimpses [B, scales, g, g]; patches [B, p, p]; text chunks token ids
                [B, tokens]; dialogue turns [B, 1 + 2 L] (speaker, token ids, value codes)
    location    float32 [B, 2]   where it was read, (row, col) in [-1, 1]
    region      int32   [B]      which region was read this step (-1: none)
    read        bool    [B, R]   regions read so far (a dialogue's missing turns are read from the start)
    active      bool    [B]      read something this step
    steps_left  int32   [B]      budget left

Actions: discrete envs (patches, text, dialogue) take one region per example, -1 for STOP;
glimpse envs take locations [B, 2] in [-1, 1] and an optional stop flag per example. Rewards are
zero: the answer is scored by a reader (see saccade.run), not by the env. info: labels int32 [B]
(dialogue: [B, 4], cuisine, location, price, people), examples int64 [B] (indices in the split) and,
where the env knows it, evidence bool [B, R] (the regions that hold the answer).
"""
import numpy as np

from . import _saccade
from .config import overrides_of, source_of


class Env:
    """One split of a task's environment for one policy's setting (its budget), batched.

    Made by make_env(). `spec` describes it: name, num_classes, num_slots, num_regions (0 for
    continuous glimpses), max_steps (the budget), content_shape, preview_shape, preview_kind,
    num_examples.
    """

    def __init__(self, core, num_envs):
        self._core = core
        self.spec = core.spec()
        self.num_envs = num_envs
        self._rng = np.random.default_rng()
        self._done = None

    def __repr__(self):
        return f"<saccade.Env {self.spec['name']} num_envs={self.num_envs} examples={self.spec['num_examples']}>"

    def reset(self, seed=None, options=None):
        """Starts num_envs episodes; returns (obs, info).

        Args:
            seed: seeds the choice of examples and their randomness (clutter, canvas): the same
                seed gives the same episodes. None continues the env's own random stream.
            options: {"examples": [indices]} to choose the examples (len num_envs).
        """
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        examples = (options or {}).get("examples")
        if examples is None:
            examples = self._rng.choice(self.spec["num_examples"], size=self.num_envs, replace=False)
        examples = [int(e) for e in examples]
        if len(examples) != self.num_envs:
            raise ValueError(f"reset: {len(examples)} examples for num_envs={self.num_envs}")
        episode_seed = int(self._rng.integers(0, 2**63 - 1))
        obs, info = self._core.reset(examples, episode_seed)
        self._done = np.zeros(self.num_envs, dtype=bool)
        return obs, info

    def step(self, action):
        """Reads one region per example; returns (obs, reward, terminated, truncated, info).

        Args:
            action: discrete envs: int array-like [num_envs], a region each, -1 for STOP.
                Glimpse envs: float array [num_envs, 2] of locations, or a dict
                {"location": [num_envs, 2], "stop": bool [num_envs]}.

        terminated is set on the step an example STOPs, truncated on the step it spends its
        budget; later steps ignore that example's action.
        """
        if self._done is None:
            raise RuntimeError("step before reset")
        if self.spec["num_regions"] > 0:
            regions = np.asarray(action, dtype=np.int64).reshape(-1).tolist()
            result = self._core.step(regions, None, [])
        else:
            stop = None
            if isinstance(action, dict):
                stop, action = action.get("stop"), action["location"]
            location = np.ascontiguousarray(np.asarray(action, dtype=np.float32).reshape(self.num_envs, 2))
            flags = [] if stop is None else [int(bool(s)) for s in np.asarray(stop).reshape(-1)]
            result = self._core.step([], location, flags or [0] * self.num_envs)
        obs, reward, terminated, truncated, info = result
        self._done |= terminated | truncated
        return obs, reward, terminated, truncated, info


    def region_texts(self, example=0):
        """The words of each region (text chunks, dialogue turns) of `example` (0..num_envs-1) of
        the current batch: a list of num_regions strings ("" for a turn slot the dialogue lacks).
        Text chunks show the vocabulary's tokens, <unk> for words too rare to be in it."""
        if self._done is None:
            raise RuntimeError("region_texts before reset")
        return self._core.region_texts(example)


def make_env(config, split="train", policy="adaptive", num_envs=1, overrides=(), **kwargs):
    """The env of `config`'s task for `policy`'s setting (its budget; `all` reads every region).

    Args:
        config: a YAML file path or a dict.
        split: "train", "validation", "test" or (dialogue) "test_oov".
        policy: "adaptive" or a fixed policy's name (decides the budget).
        num_envs: examples stepped together.
        overrides, **kwargs: overrides, as for saccade.run (e.g. reader__init=None).

    Raises:
        ConfigError: a bad config.
    """
    source, is_text = source_of(config)
    core = _saccade.Env(source, is_text, overrides_of(overrides, **kwargs), split, policy)
    return Env(core, num_envs)
