"""A trained policy and its reader, loaded from a run's directory and stepped from Python.

    trained = saccade.load("runs/dialogue-turns", policy="adaptive")
    env = trained.make_env("test", num_envs=8)
    probs, info = trained.episode(env, seed=0)       # one batch of episodes, start to end

or step by step, exactly as the runner does:

    obs, info = env.reset(seed=0)
    trained.reset(obs)                               # empty reader memory, a new plan
    while not done.all():
        action = trained.policy.act(obs)             # regions [B] (-1 = STOP) or glimpse locations
        obs, _, terminated, truncated, info = env.step(action)
        trained.reader.read(obs)                     # encode what was read this step
        done |= terminated | truncated
    probs = trained.reader.predict()                 # [B, classes] (dialogue: [B, 4, values])
"""
import pathlib

import numpy as np

from . import _saccade
from .envs import make_env


class Policy:
    """The trained policy: where to look next, from the observation and what has been read."""

    def __init__(self, core):
        self._core = core

    def act(self, obs, greedy=True):
        """The action for an observation dict of the env: regions int32 [B] (-1: STOP) for discrete
        envs, {"location": float32 [B, 2], "stop": bool [B]} for glimpse envs. greedy=True is the
        evaluation's choice (the most likely regions, the mean location); False samples."""
        return self._core.act(obs, greedy)


class Reader:
    """The trained reader: encodes the regions read and predicts the answer."""

    def __init__(self, core):
        self._core = core

    def read(self, obs):
        """Encodes the region each example read this step (obs["active"]) into its memory."""
        self._core.read(obs)

    def predict(self):
        """Class probabilities from what has been read: float32 [B, classes], or for dialogue
        [B, 4, values] (cuisine, location, price, people; a slot's padded values get ~0)."""
        return self._core.predict()

    def attention(self):
        """The reader's own soft attention over the regions each example has read so far, beside the
        policy's hard choices: a list with, per example, float32 weights in reading order (one per region
        read, summing to 1 over them; all 0 for an example whose reader attends to nothing), or None for a
        reader that has none (RAM's recurrent core, the mean readers). Set readers (patch, chunk): their
        pooling's weights, averaged over heads; the turn reader: its slot pointers', averaged over the
        slots that point at some turn read (a turn that mentions no slot value gets 0)."""
        got = self._core.attention()
        if got is None:
            return None
        weights, read = got
        return [w[r != 0] for w, r in zip(weights, read)]


class Trained:
    """A policy (`adaptive` or a fixed one) and the reader trained under it, from a finished run.

    Attributes:
        dir: the run's directory; name: the policy's name; policy: Policy; reader: Reader.
    """

    def __init__(self, run, policy="adaptive", seed=0):
        self.dir = pathlib.Path(getattr(run, "dir", run))
        self.name = policy
        for needed in (self.dir / "resolved.yaml", self.dir / "checkpoints" / f"{policy}.npz"):
            if not needed.exists():
                raise FileNotFoundError(f"{needed}: not there; load() takes a run's directory (saccade run or "
                                        f"saccade.run writes resolved.yaml and checkpoints/<policy>.npz)")
        self._core = _saccade.Agent(str(self.dir), policy, seed)
        self.policy = Policy(self._core)
        self.reader = Reader(self._core)

    def __repr__(self):
        return f"<saccade.Trained {self.name} from {self.dir}>"

    def make_env(self, split="test", num_envs=1):
        """The run's env for this policy (its config from resolved.yaml)."""
        return make_env(self.dir / "resolved.yaml", split=split, policy=self.name, num_envs=num_envs)

    def reset(self, obs):
        """Starts new episodes for the batch of `obs` (as env.reset returned it): empty memory."""
        self._core.reset(len(obs["steps_left"]))

    def episode(self, env, seed=None, options=None, greedy=True):
        """Plays one batch of episodes in `env` to the end; returns (probabilities, info), with
        info["regions"] the regions read per example, in order (glimpses: info["locations"]), and
        info["attention"] the reader's soft attention at the end over those regions (Reader.attention:
        per example one weight per region read, in the same order; None when the reader has none)."""
        obs, info = env.reset(seed=seed, options=options)
        self.reset(obs)
        done = np.zeros(env.num_envs, dtype=bool)
        regions, locations = [[] for _ in range(env.num_envs)], [[] for _ in range(env.num_envs)]
        while not done.all():
            obs, _, terminated, truncated, info = env.step(self.policy.act(obs, greedy))
            self.reader.read(obs)
            for b in np.flatnonzero(obs["active"]):
                regions[b].append(int(obs["region"][b]))
                locations[b].append(obs["location"][b].copy())
            done |= terminated | truncated
        info = dict(info, regions=regions, locations=locations, attention=self.reader.attention())
        return self.reader.predict(), info


def load(run, policy="adaptive", seed=0):
    """The trained `policy` and its reader from a run's directory (or Results).

    Args:
        run: a directory written by `saccade run` / saccade.run (it holds resolved.yaml and
            checkpoints/<policy>.npz), or its Results.
        policy: "adaptive" or a fixed policy's name (its reader was trained under it).
        seed: the stream of sampled (greedy=False) actions.
    """
    return Trained(run, policy, seed)
