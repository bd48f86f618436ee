"""The categorical glimpse policy (policy.type=cells, agents/cell_glimpse.hpp) end to end: a one-epoch
digits run of the image glimpse config trains it and scores it as `adaptive`, reading its budget, with
its own compute counted in the FLOPs per example (docs/concepts.md)."""
import csv

from harness import ROOT, requires_saccade, saccade

pytestmark = requires_saccade

QUICK = ["env.dataset=digits", "env.canvas=16", "env.clutter.pieces=0", "env.retina.size=4", "env.retina.scales=2",
         "env.preview_factor=2", "reader.hidden=32", "reader.glimpse_hidden=16", "policy.type=cells", "policy.budget=3",
         "train.epochs=1", "train.batch_size=64", "eval.policies=[center]"]


def test_a_short_run_trains_and_scores_the_cells_policy(tmp_path):
    out = tmp_path / "cells"
    r = saccade("run", ROOT / "experiments/configs/image_ram.yaml", *QUICK, "--out", out)
    assert r.returncode == 0, r.stderr
    with open(out / "results.csv", newline="") as f:
        rows = {row["policy"]: row for row in csv.DictReader(f)}
    assert set(rows) == {"adaptive", "center"}
    adaptive = rows["adaptive"]
    assert float(adaptive["mean_regions"]) == 3
    assert 0.0 <= float(adaptive["accuracy"]) <= 1.0
    # The same reader reads 3 glimpses under either policy; adaptive adds the policy's own compute: its
    # thumbnail features once (8 x 8 cells, 9 -> 16 -> 1) and each decision's state score (32 -> 64)
    # and offset (16 -> 2), multiply-adds x 2.
    policy_flops = 2 * 64 * (9 * 16 + 16) + 3 * 2 * (32 * 64 + 2 * 16)
    assert float(adaptive["flops_per_example"]) - float(rows["center"]["flops_per_example"]) == policy_flops
