"""saccade's own text and dialogue data, for the PyTorch references: every example of a split read
region by region through saccade's Python module (pybind/saccade/envs.py), kept as numpy arrays and
cached in an .npz, so the references train and test on exactly the documents saccade's envs give.

Per split and reset seed, arrays over the N examples and R regions of the config's env:
  content  float32 [N, R, *content_shape]  each region's content (text: token ids; dialogue: speaker,
                                           token ids, value codes); zeros for a region the example lacks
  preview  float32 [N, *preview_shape]     the cheap previews the policy scores
  missing  bool    [N, R]                  regions the example does not have (obs["read"] at reset)
  labels   int64   [N] or [N, S]           info["labels"]
The module must be built (`cmake --build build --target saccade_python`); it is imported from
build/python. Extraction runs before and outside any timing.

Seeds: a text document depends on (reset seed, example) (envs/text/document.hpp: the passage's place and
the clutter); a dialogue on the example only. Validation and test use saccade's own evaluation seeds
(experiments/run/train_loop.hpp), so they are exactly the documents saccade scores; training draws one
document set per epoch, as saccade's train loop does with its per-epoch seed (its seeds come from its
own random stream, so the draws are not the same ones). Env.reset() derives its episode seed from its
own generator, so the env's core is reset directly, with the seed itself.
"""
import hashlib
import os
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VALIDATION_SEED, TEST_SEED = 0x5EEDA11, 0x7E57  # kValidationSeed, kTestSeed


def saccade_envs():
    """saccade.envs from the build tree (or wherever `saccade` is installed)."""
    try:
        import saccade.envs
    except ImportError:
        sys.path.insert(0, os.path.join(ROOT, "build", "python"))
        import saccade.envs
    return saccade.envs


def read_batch(core, examples, seed, out, at):
    """Resets the examples with `seed` and reads each one's regions in order; fills out[*][at:]."""
    obs, info = core.reset(examples, seed)
    n = len(examples)
    out["preview"][at:at + n] = obs["preview"]
    out["missing"][at:at + n] = obs["read"]
    out["labels"][at:at + n] = np.asarray(info["labels"]).reshape(out["labels"][at:at + n].shape)
    order = np.argsort(obs["read"], axis=1, kind="stable")  # each example's own regions first, in order
    have = (~obs["read"]).sum(1)
    read = obs["read"].copy()
    for j in range(int(have.max())):
        action = np.where(j < have, order[:, j], -1)  # -1: STOP, once an example has read all it has
        obs = core.step(action.tolist(), None, [])[0]
        rows = np.nonzero(obs["active"])[0]
        out["content"][at + rows, obs["region"][rows]] = obs["content"][rows]
        read[rows, obs["region"][rows]] = True
    if not read.all():
        raise RuntimeError(f"task_data: examples {examples[0]}..{examples[-1]}: some regions were not read")


def extract(config, split, seed, batch=512):
    """Every example of `split`, every region read (the `all` policy's env: budget = the regions)."""
    env = saccade_envs().make_env(config, split=split, policy="all", num_envs=batch)
    spec = env.spec
    N, R = spec["num_examples"], spec["num_regions"]
    if spec["max_steps"] < R:
        raise RuntimeError(f"task_data: the env reads {spec['max_steps']} of {R} regions")
    slots = spec["num_slots"]
    out = {"content": np.zeros((N, R, *spec["content_shape"]), np.float32),
           "preview": np.zeros((N, *spec["preview_shape"]), np.float32),
           "missing": np.zeros((N, R), bool),
           "labels": np.zeros((N, slots) if slots > 1 else (N,), np.int64)}
    for at in range(0, N, batch):
        read_batch(env._core, list(range(at, min(N, at + batch))), seed, out, at)
    out["num_classes"] = np.int64(spec["num_classes"])
    return out


def cached(config, split, seed, cache_dir=None):
    """extract(), or its .npz from an earlier run (named by the config's text, the split and seed)."""
    with open(config, "rb") as f:
        digest = hashlib.sha1(f.read()).hexdigest()[:10]
    cache_dir = cache_dir or os.path.join(ROOT, "build", "bench", "task-data")
    path = os.path.join(cache_dir, f"{os.path.basename(config).rsplit('.', 1)[0]}-{digest}-{split}-{seed:x}.npz")
    if os.path.exists(path):
        with np.load(path) as f:
            return {k: f[k] for k in f.files}
    print(f"[task_data] extracting {split} (seed {seed:#x}) of {config}", file=sys.stderr)
    arrays = extract(config, split, seed)
    os.makedirs(cache_dir, exist_ok=True)
    tmp = path + ".tmp.npz"  # written whole, then renamed: no half-written cache
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, path)
    return arrays


class TaskData:
    """A config's splits for common.measure(): train(epoch), validation(), test(), each the tuple
    to_split(arrays) makes (inputs..., labels). redraw: a new training document set every epoch."""

    def __init__(self, config, seed, to_split, redraw, cache_dir=None):
        self.config, self.seed, self.to_split, self.redraw, self.cache_dir = config, seed, to_split, redraw, cache_dir

    def arrays(self, split, seed):
        return cached(self.config, split, seed, self.cache_dir)

    def train_seed(self, epoch):
        epoch = epoch if self.redraw else 1
        return int(np.random.SeedSequence([self.seed, epoch]).generate_state(1, np.uint64)[0]) >> 1

    def prepare(self, epochs):
        for e in range(1, epochs + 1):
            self.arrays("train", self.train_seed(e))

    def train(self, epoch):
        return self.to_split(self.arrays("train", self.train_seed(epoch)))

    def validation(self):
        return self.to_split(self.arrays("validation", VALIDATION_SEED))

    def test(self):
        return self.to_split(self.arrays("test", TEST_SEED))
