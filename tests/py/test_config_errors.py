"""Deliberately wrong configs, each with the message a user must see: FILE:LINE:COLUMN, the key path
and what was expected, exit status 2, and nothing run or written. (test_cli.py has a few more.)"""

import pytest

from harness import requires_saccade, saccade

pytestmark = requires_saccade

# (name, config text, command, expected line in stderr)
CASES = [
    ("negative_lr", "train:\n  lr: -1\n", "run",
     "cfg.yaml:2:7: train.lr: expected float > 0, got -1"),
    ("enum_typo", "env:\n  region: glimpes\n", "run",
     'cfg.yaml:2:11: env.region: expected one of glimpse, patch, got "glimpes" (did you mean `glimpse`?)'),
    ("section_given_a_number", "train: 5\n", "run",
     "cfg.yaml:1:8: train: expected a section (keys epochs, batch_size, lr, schedule, warmup_epochs, patience, weight_decay, threads, max_grad_norm, nonfinite_limit, examples, keep, "
     "minutes, algorithm, stages), got 5"),
    ("missing_include", "include: nope.yaml\nname: x\n", "run",
     "cfg.yaml:1:10: include: nope.yaml: cannot read config file: No such file or directory"),
    ("unknown_fixed_policy", "eval:\n  policies: [center, centre]\n", "run",
     'cfg.yaml:2:22: eval.policies[1]: no fixed policy or reference "centre" for image glimpses '
     "(choices: random, grid, center, saliency, center_out, fc, preview, cnn) (did you mean `center`?)"),
    ("missing_dataset_dir", "env:\n  dataset: idx-dir:/nonexistent\n", "run",
     "cfg.yaml:2:12: env.dataset: load_image_split: directory /nonexistent not found"),
    ("preview_reference_without_thumbnail", "env: {preview_factor: 0}\npolicy: {type: gaussian}\neval: {policies: [center, preview]}\n",
     "run", 'cfg.yaml:1:23: env.preview_factor: the reference "preview" classifies the thumbnail preview: set env.preview_factor > 0'),
    ("spatial_without_preview", "env: {preview_factor: 0}\npolicy: {type: spatial}\n", "run",
     "cfg.yaml:2:16: policy.type: the spatial policy reads the thumbnail preview: set env.preview_factor > 0"),
    ("cells_without_preview", "env: {preview_factor: 0}\npolicy: {type: cells}\n", "run",
     "cfg.yaml:2:16: policy.type: the cells policy picks a cell of the thumbnail preview: set env.preview_factor > 0"),
    ("grid_does_not_divide_canvas", "env: {region: patch, canvas: 60, grid: 7}\n", "run",
     "cfg.yaml:1:40: env.grid: the grid (7 per side) must divide env.canvas (60)"),
    ("dialogue_longer_than_the_env", "env: {type: dialogue, dialogue: {turns: 20, max_turns: 24}}\n", "run",
     "cfg.yaml:1:56: env.dialogue.max_turns: is more than env.dialogue.turns (20), the turns the env has room for"),
    ("reader_the_env_does_not_have", "env: {type: text}\nreader: {type: ram}\n", "run",
     "cfg.yaml:2:16: reader.type: the reader \"ram\" does not fit text chunks (readers for text chunks: chunk)"),
    ("policy_the_env_does_not_fit", "policy: {type: topk}\n", "run",
     "cfg.yaml:1:16: policy.type: the learned policy \"topk\" does not fit image glimpses "
     "(learned policies for image glimpses: gaussian, spatial, cells)"),
    ("unknown_learner", "train: {algorithm: reinforc}\n", "run",
     'cfg.yaml:1:20: train.algorithm: expected one of reinforce, imitation, a2c, ppo, backprop, got "reinforc" (did you mean `reinforce`?)'),
    ("dialogue_max_jump", "env: {type: dialogue}\npolicy: {type: jump, max_jump: 2}\n", "run",
     "cfg.yaml:2:32: policy.max_jump: dialogue policies read any unread turn: max_jump does not apply"),
    ("text_any_order_with_max_jump", "env: {type: text}\npolicy: {type: jump, order: any, max_jump: 2}\n", "run",
     "cfg.yaml:2:44: policy.max_jump: limits jumps ahead, and policy.order=any reads any unread chunk: set one of them"),
    ("sweep_file_given_to_run", "sweep:\n  seeds: [0, 1]\n", "run",
     "cfg.yaml:1:1: sweep: this config describes a sweep; run it with `saccade sweep FILE --out DIR`"),
    ("sweep_unknown_key", "sweep:\n  grid:\n    train.lrr: [0.1, 0.2]\n", "sweep",
     "cfg.yaml:3:5: sweep.grid.train.lrr: unknown key train.lrr (did you mean `train.lr`?)"),
    ("sweep_value_not_a_list", "sweep:\n  grid: {train.epochs: 3}\n", "sweep",
     "cfg.yaml:2:24: sweep.grid.train.epochs: expected a non-empty list of values to sweep, got 3"),
    ("sweep_zip_lengths_differ", "sweep:\n  zip:\n    train.lr: [0.1, 0.2]\n    policy.budget: [1, 2, 3]\n", "sweep",
     "cfg.yaml:4:5: sweep.zip.policy.budget: 3 values, but sweep.zip.train.lr has 2 "
     "(zipped lists must have equal lengths)"),
    ("sweep_bad_value_names_its_runs", "sweep:\n  grid:\n    train.lr: [0.1, -1]\n  seeds: [0, 1]\n", "sweep",
     "cfg.yaml:3:21: train.lr: expected float > 0, got -1 (in runs 002-lr=-1-seed=0, 003-lr=-1-seed=1)"),
    ("sweep_bad_seed", "sweep:\n  seeds: [a]\n", "sweep",
     'cfg.yaml:2:11: sweep.seeds[0]: expected int >= 0, got "a"'),
    ("sweep_seed_in_grid", "sweep:\n  grid: {seed: [1, 2]}\n", "sweep",
     "cfg.yaml:2:10: sweep.grid.seed: seed is swept with sweep.seeds"),
    ("sweep_key_in_grid_and_zip", "sweep:\n  grid: {train.lr: [0.1]}\n  zip: {train.lr: [0.2]}\n", "sweep",
     "cfg.yaml:3:9: train.lr: swept twice (in both sweep.grid and sweep.zip)"),
    ("sweep_shared_not_swept", "sweep:\n  zip: {train.algorithm: [reinforce, ppo], eval.policies: [[grid], []]}\n"
     "  shared: [train.algorithm, policy.type]\n", "sweep",
     "cfg.yaml:3:29: sweep.shared[1]: policy.type is not swept (swept keys: train.algorithm, eval.policies)"),
    ("sweep_shared_seed", "sweep:\n  grid: {train.lr: [0.1, 0.2]}\n  seeds: [0, 1]\n  shared: [seed]\n", "sweep",
     "cfg.yaml:4:12: sweep.shared[0]: seed cannot be shared"),
    # train.stages (experiments/tasks/train_stages.hpp)
    ("stage_unknown_fixed_policy",
     "train:\n  stages:\n    - {acts: random, trains: reader, epochs: 1}\n    - {acts: salincy, trains: policy, epochs: 1}\n", "run",
     'cfg.yaml:4:14: train.stages[1].acts: no fixed policy "salincy" for image glimpses '
     "(choices: adaptive, random, grid, center, saliency, center_out) (did you mean `saliency`?)"),
    ("stage_trains_typo", "train:\n  stages:\n    - {acts: adaptive, trains: [reader, polcy], epochs: 1}\n", "run",
     'cfg.yaml:3:41: train.stages[0].trains: expected reader, policy or a list of them, got "polcy" (did you mean `policy`?)'),
    ("stage_policy_trains_under_a_fixed_actor", "train:\n  stages:\n    - {acts: saliency, trains: [reader, policy], epochs: 2}\n", "run",
     'cfg.yaml:3:32: train.stages[0].trains: the policy trains while the fixed policy "saliency" acts: only an imitating '
     "learner (imitation) learns from another policy's choices, and reinforce does not"),
    ("stage_imitation_without_a_teacher", "train:\n  stages:\n    - {acts: adaptive, trains: policy, algorithm: imitation, epochs: 2}\n",
     "run", "cfg.yaml:3:14: train.stages[0].acts: the learner imitation imitates a fixed policy: name the one that acts (e.g. saliency), not adaptive"),
    ("stage_unknown_key", "train:\n  stages:\n    - {acts: adaptive, trains: policy, epoch: 2}\n", "run",
     "cfg.yaml:3:40: train.stages[0].epoch: unknown key (a stage has acts, trains, algorithm, epochs, lr) (did you mean `epochs`?)"),
    ("stage_without_epochs", "train:\n  stages:\n    - {acts: adaptive, trains: policy}\n", "run",
     "cfg.yaml:3:7: train.stages[0].epochs: missing (a stage needs acts, trains and epochs)"),
    ("stage_bad_lr", "train:\n  stages:\n    - {acts: random, trains: reader, epochs: 2, lr: 0}\n", "run",
     "cfg.yaml:3:53: train.stages[0].lr: expected float > 0, got 0"),
    ("stage_unknown_learner", "train:\n  stages:\n    - {acts: random, trains: reader, epochs: 1, algorithm: reinforc}\n", "run",
     'cfg.yaml:3:60: train.stages[0].algorithm: no learner "reinforc" (learners: reinforce, imitation, a2c, ppo, backprop) (did you mean `reinforce`?)'),
    ("stages_not_a_list", "train:\n  stages: {acts: random}\n", "run",
     "cfg.yaml:2:11: train.stages: expected list of maps, got a map with keys acts"),
    ("stage_actor_that_stops_when_sure", "env: {type: text}\ntrain:\n  stages:\n    - {acts: confidence, trains: reader, epochs: 2}\n", "run",
     'cfg.yaml:4:14: train.stages[0].acts: "confidence" stops when the reader is sure, with a threshold set after training, '
     "so it cannot act in a stage (choices: adaptive, first, last, random, spaced, salient, middle)"),
    # train.algorithm: backprop needs a policy with straight-through weights (agents/backprop.hpp)
    ("backprop_with_a_policy_without_weights", "env: {region: patch}\npolicy: {type: topk}\ntrain: {algorithm: backprop}\n", "run",
     "cfg.yaml:3:20: train.algorithm: backprop trains the policy through the reader's loss, by straight-through weights, and "
     "policy.type topk supplies none: set policy.type=soft_topk (the policies that supply them: soft_topk), or a policy-gradient learner (reinforce, a2c, ppo)"),
    ("backprop_on_glimpses", "train: {algorithm: backprop}\n", "run",
     "cfg.yaml:1:20: train.algorithm: backprop trains the policy through the reader's loss, by straight-through weights, and "
     "policy.type gaussian supplies none: no learned policy for image glimpses supplies them: use a policy-gradient learner"),
    ("stage_backprop_with_a_policy_without_weights",
     "env: {region: patch}\ntrain:\n  stages:\n    - {acts: adaptive, trains: [reader, policy], algorithm: backprop, epochs: 1}\n", "run",
     "cfg.yaml:4:61: train.stages[0].algorithm: backprop trains the policy through the reader's loss"),
    ("soft_topk_with_stop", "env: {region: patch}\npolicy: {type: soft_topk, stop: true}\n", "run",
     "cfg.yaml:2:33: policy.stop: the soft_topk policy reads exactly its k regions (the budget) and cannot STOP"),
    ("imitation_outside_a_stage", "train: {algorithm: imitation}\n", "run",
     "cfg.yaml:1:20: train.algorithm: imitation imitates a fixed policy acting in a stage: use it in train.stages"),
]


@pytest.mark.parametrize("name,text,command,expected", CASES, ids=[c[0] for c in CASES])
def test_wrong_config(tmp_path, name, text, command, expected):
    (tmp_path / "cfg.yaml").write_text(text)
    extra = ["--out", "swept"] if command == "sweep" else []
    r = saccade(command, "cfg.yaml", *extra, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert expected in r.stderr
    assert r.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cfg.yaml"]  # nothing was written


def test_there_are_at_least_ten_cases():
    assert len(CASES) >= 10
