#!/usr/bin/python3
"""Loads a saccade run's trained checkpoint into the PyTorch twin of its model and scores it on the same
test documents: if the mirror is exact, the greedy test accuracy is saccade's to the example.

  /usr/bin/python3 bench/reference/checkpoint.py chunk RUN_DIR     (RUN_DIR from `saccade run
  /usr/bin/python3 bench/reference/checkpoint.py turn RUN_DIR       bench/configs/chunk.yaml --out RUN_DIR`)

Prints one JSON line: the model, the checkpoint, the test accuracy here and the one saccade wrote in
RUN_DIR's results (results.csv, the `adaptive` row's accuracy). core/checkpoint.cpp stores parameters as
"param/<name>" with saccade's module names, which the references keep; a Linear's weight is [in, out]
there and [out, in] in nn.Linear (transposed here), a LayerNorm's gamma and beta are weight and bias.
"""
import csv
import json
import os
import sys

import common

common.thread_environment(1)
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402


def saccade_name(model, name):
    """The checkpoint's name of a parameter of `model`."""
    owner, leaf = name.rsplit(".", 1)
    if isinstance(model.get_submodule(owner), nn.LayerNorm):
        leaf = {"weight": "gamma", "bias": "beta"}[leaf]
    return owner + "." + leaf


def load_saccade(model, path):
    """Copies every parameter of the checkpoint at `path` into `model` (which must have them all)."""
    with np.load(path) as f:
        params = {k[len("param/"):]: f[k] for k in f.files if k.startswith("param/")}
    # The token table: saccade's may have rows for ids no document holds (task_data.py sizes ours by
    # the data); it is replaced by one of the checkpoint's size.
    model.reader.token = nn.Embedding(*params["reader.token.weight"].shape)
    for name, p in model.named_parameters():
        value = params.pop(saccade_name(model, name))
        if isinstance(model.get_submodule(name.rsplit(".", 1)[0]), nn.Linear) and name.endswith("weight"):
            value = value.T
        if tuple(value.shape) != tuple(p.shape):
            raise ValueError(f"{path}: {name} is {value.shape} there, {tuple(p.shape)} here")
        with torch.no_grad():
            p.copy_(torch.from_numpy(np.ascontiguousarray(value)))
    if params:
        raise ValueError(f"{path}: parameters with no place here: {sorted(params)}")


def saccade_test_accuracy(run_dir):
    with open(os.path.join(run_dir, "results.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r.get("policy") == "adaptive"]
    return float(rows[-1]["accuracy"]) if rows else None


def main(name, run_dir):
    torch.set_num_threads(1)
    if name == "chunk":
        import chunk_torch as ref
        data = ref.data_for(0)
        model = ref.Chunk(data.vocab, data.classes)
    else:
        import turn_torch as ref
        data = ref.data_for(0)
        model = ref.Turn(data.vocab, data.tokens, data.features)
    path = os.path.join(run_dir, "checkpoints", "adaptive.npz")
    load_saccade(model, path)
    print(json.dumps({"impl": "pytorch", "model": name, "checkpoint": path,
                      "test_accuracy": common.accuracy(model, data.test()),
                      "saccade_test_accuracy": saccade_test_accuracy(run_dir)}), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("chunk", "turn"):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
