// Every config key saccade knows. Adding a key is adding a row: validation, defaults, the order of
// `saccade run --print-config` and docs/CONFIG.md (regenerate with `saccade config-docs`) follow.
// A reader's, a learned policy's or a learner's own keys are in its row of experiments/tables/, and
// reader.type, policy.type and train.algorithm are enums over those tables' names.
// A key with no_default is optional: absent from the resolved config unless set, and the code that
// reads it decides (usually per env type).
#include "experiments/config/schema.hpp"

#include "core/lr_schedule.hpp"
#include "experiments/tables/tables.hpp"

namespace saccade {

namespace {

// Appends each row's keys, a key shared by several rows once.
template <class Table>
void append_row_keys(Schema& schema, const Table& table) {
  for (const auto& row : table)
    for (const KeySpec& k : row.keys)
      if (!find_key(schema, k.path)) schema.push_back(k);
}

Schema build_schema() {
  using T = KeyType;
  const Schema top = {
      key("name", T::String, "run", "Run name: labels results and names the default output directory."),
      key("seed", T::Int, "0", "Run seed; every random stream derives from (seed, stream name).").at_least(0),
      key("out", T::String, "runs/{name}", "Output directory for results and checkpoints (`--out DIR` sets it too)."),

      key("env.type", T::Enum, "image", "Task: glimpses of an image, chunks of a text, or turns of a dialogue.")
          .one_of({"image", "text", "dialogue"}),
      key("env.dataset", T::String, no_default, "Dataset to read (docs/data.md). Image: fashion-mnist (default), digits, idx-dir:DIR, idx:IMAGES,LABELS, npz:PATH (NumPy arrays x_train, y_train, x_test, y_test, optionally x_val, y_val; images [N, H, W] uint8 or float32 in [0, 1], integer labels [N]) or npy:DIR (the same as DIR/x_train.npy, ...). Text: fortunes (default), csv:PATH or jsonl:PATH with text and label fields. Dialogue: generated (default) or babi:PREFIX (the bAbI dialog files PREFIX-trn.txt, -dev.txt, -tst.txt and, if there, -tst-OOV.txt)."),
      key("env.canvas", T::Int, no_default, "Image env: side in pixels of the square canvas the image is placed on; unset: the image's own size.")
          .at_least(1),
      key("env.clutter.pieces", T::Int, "0", "Image env: distractor pieces cut from other images and scattered on the canvas.")
          .at_least(0),
      key("env.clutter.size", T::Int, "8", "Image env: side in pixels of each clutter piece.").at_least(1),
      key("env.region", T::Enum, "glimpse", "Image env: regions are retina glimpses at continuous locations, or the patches of a grid.")
          .one_of({"glimpse", "patch"}),
      key("env.retina.size", T::Int, "12", "Image glimpses: side g of each retina scale, in pixels.").at_least(1),
      key("env.retina.scales", T::Int, "3", "Image glimpses: scales k, each twice as wide as the one before.").at_least(1),
      key("env.grid", T::Int, "5", "Image patches: patches per side of the grid (must divide the canvas side).").at_least(1),
      key("env.preview_factor", T::Int, "4", "Image env: the thumbnail preview averages factor x factor pixels (0: no preview).")
          .at_least(0),

      key("env.text.categories", T::Strings, no_default, "Text env, fortunes: the categories that are the labels; unset: definitions, disclaimer, knghtbrd, literature, men-women, perl, startrek, zippy (the 8 most distinct by scripts/fortune_categories.py)."),
      key("env.text.distractors", T::String, no_default, "Text env, CSV/JSONL source: a CSV/JSONL file of distractor texts (a text column or key; labels, if any, are ignored), the clutter of cluttered documents. Split 80/10/10 by the seed like the corpus, so a test distractor is never seen in training; a distractor that is also a labelled text is dropped. Unset: no clutter (set env.text.clutter: false)."),
      key("env.text.chunks", T::Int, "16", "Text env: chunks per document (the regions).").at_least(1),
      key("env.text.chunk_tokens", T::Int, "12", "Text env: tokens per chunk (a sentence per chunk is cut or padded to it).").at_least(1),
      key("env.text.sentences", T::Bool, "false", "Text env: one sentence per chunk instead of consecutive runs of chunk_tokens tokens."),
      key("env.text.clutter", T::Bool, "true", "Text env: place the labelled passage at a random position among distractor chunks: fortunes' categories outside the label set, or a CSV/JSONL source's env.text.distractors."),
      key("env.text.passage_chunks", T::Int, "4", "Text env, cluttered: the labelled passage's chunks (the item's first ones).").at_least(1),
      key("env.text.min_count", T::Int, "2", "Text env: a token enters the vocabulary if it occurs this often in the training split (else <unk>).").at_least(1),
      key("env.text.preview_size", T::Int, "4096", "Text env: hash buckets of a chunk's preview, a bag of its tokens' (bucket, rarity) pairs; a policy's first layer costs the same whatever this is (it reads chunk_tokens rows).").at_least(1),

      key("env.dialogue.turns", T::Int, "30", "Dialogue env: turns per dialogue the env has room for (the regions); a shorter dialogue ends at the last one.").at_least(1),
      key("env.dialogue.turn_tokens", T::Int, "24", "Dialogue env: tokens of a turn the reader reads (the rest is cut).").at_least(1),
      key("env.dialogue.buckets", T::Int, "64", "Dialogue env: hashed token features in a turn's preview, beside its speaker, position, length and which slots it mentions.").at_least(0),
      key("env.dialogue.min_count", T::Int, "1", "Dialogue env: a token enters the vocabulary if it occurs this often in the training dialogues (else <unk>).").at_least(1),
      key("env.dialogue.min_turns", T::Int, "8", "Generated dialogues: fewest turns (user and bot together).").at_least(2),
      key("env.dialogue.max_turns", T::Int, "30", "Generated dialogues: most turns (at most env.dialogue.turns).").at_least(2),
      key("env.dialogue.change_rate", T::Float, "0.3", "Generated dialogues: the fraction in which the user later changes a slot value (\"actually, make it for six\").").at_least(0).at_most(1),
      key("env.dialogue.chit_chat", T::Float, "0.3", "Generated dialogues: the chance a filler user turn is small talk, some of which mentions slot values without asking for them.").at_least(0).at_most(1),
      key("env.dialogue.train_size", T::Int, "5000", "Generated dialogues: training dialogues.").at_least(1),
      key("env.dialogue.eval_size", T::Int, "1000", "Generated dialogues: dialogues in each of validation, test and the out-of-vocabulary test.").at_least(1),

      key("reader.type", T::Enum, no_default, "Reader (attention model), a row of experiments/tables/readers.cpp: image glimpses ram, image patches patch, text chunk, dialogue turn. Unset: the env's.")
          .one_of(row_names(reader_table())),
      key("reader.init", T::String, no_default, "A checkpoint (.npz, e.g. RUN/checkpoints/all.npz) whose reader starts every policy's reader; unset: random initialisation."),
      key("reader.pretrain", T::String, no_default, "A first stage inside the run: a config file (e.g. experiments/configs/text_pretrain.yaml, relative to the working directory) whose reader the run trains first, under its own seed, in OUT/pretrain; every policy's reader starts from it. Not with reader.init."),
      key("reader.hidden", T::Int, "128", "Width of the reader's embeddings and hidden state.").at_least(1),
      key("reader.dropout", T::Float, "0", "Inverted dropout with this probability on the reader's last representation before its output layer, in the reader's training pass only (its cross-entropy): never in evaluation, never in the summary the policy decides from nor in the rewards; masks from the stream (seed of the epoch, the batch). 0: none.").at_least(0).below(1),
  };
  const Schema policy_type = {

      key("policy.type", T::Enum, no_default, "The learned policy trained as `adaptive`, a row of experiments/tables/learned_policies.cpp. Image glimpses: spatial, gaussian (RAM's) or cells (a categorical over the thumbnail's cells); image patches: topk; text: jump (read, jump or stop) or topk (one-shot from previews); dialogue: topk or jump. Unset: gaussian, topk, jump, topk.")
          .one_of(row_names(learned_policy_table())),
  };
  const Schema policy = {
      key("policy.budget", T::Int, "6", "Regions the policy may read per example (it may stop earlier).").at_least(1),
      key("policy.stop", T::Bool, "false", "Learned policy may STOP before the budget is spent.") ,
      key("policy.greedy_stop", T::Bool, "false", "With policy.stop: evaluation thresholds STOP at p > 1/2 (default: one sample of it, the budget trained for)."),
      key("policy.min_steps", T::Int, "1", "With policy.stop: regions read before STOP is allowed.").at_least(1),
      key("policy.region_cost", T::Float, "0", "Reward cost per region read (the starting value when a target is set).").at_least(0),
      key("policy.target_regions", T::Float, "0", "If > 0: a Lagrange multiplier adapts the cost until the mean regions read meets this.")
          .at_least(0),
      key("policy.lagrange_lr", T::Float, "0.01", "Step size of the Lagrange multiplier on the region cost.").above(0),
      key("policy.reward", T::Enum, "correct", "What the answer at the end pays the policy: 1 if correct (RAM's), the reader's probability of the right class (denser while the reader is weak), the larger of the two (Structural-Jump-LSTM's), or nothing (step rewards only). agents/reward.hpp.")
          .one_of({"correct", "probability", "max", "none"}),
      key("policy.step_reward", T::Enum, "none", "Dense rewards per region read (GFNet's): the rise in the reader's probability of the true class that the read made (gain), or the fall in its cross-entropy (loss_drop); none. The reader then predicts after every step while training.")
          .one_of({"none", "gain", "loss_drop"}),
      key("policy.cost_per_length", T::Bool, "false", "Divide the cost per region by the number of regions there are (Structural-Jump-LSTM's; not for glimpses)."),
      key("policy.gamma", T::Float, "1", "Discount per decision. With step rewards or gamma < 1 each decision is credited with the discounted rewards from it on; else (RAM's) with the whole episode's reward.").above(0).at_most(1),
      key("policy.entropy", T::Float, "0", "Learners: entropy bonus weight.").at_least(0),
      key("policy.normalize_advantage", T::Bool, "false", "Learners: normalise advantages over each batch (to mean 0, standard deviation 1)."),
      key("policy.lr", T::Float, no_default, "Learning rate of the controller: the learned policy's parameters and the learner's own (a baseline, a value head); train.lr stays the reader's. Unset: train.lr. A stage's own lr (train.stages) wins over both. The schedule (train.schedule) scales both.").above(0),
  };
  const Schema train = {
      key("train.epochs", T::Int, "10", "Passes over the training set (with train.stages, the stages' epochs instead).").at_least(1),
      key("train.batch_size", T::Int, "64", "Examples per gradient step (envs stepped together).").at_least(1),
      key("train.lr", T::Float, "0.001", "Learning rate (the reader's, and the policy's unless policy.lr sets its own).").above(0),
      key("train.schedule", T::Enum, "constant", "Learning-rate schedule, set before every batch (core/lr_schedule.hpp): constant; warmup, a linear rise from about 0 to the rate over train.warmup_epochs, then constant; cosine, the same warm-up (if train.warmup_epochs > 0), then a cosine decay towards 0 over the remaining epochs. With train.stages each stage has its own learner and optimizer, so its own schedule over its own epochs (warm-up included).")
          .one_of(lr_shape_names()),
      key("train.warmup_epochs", T::Int, "0", "Epochs of the linear warm-up of train.schedule warmup (which needs >= 1) or cosine (0: none); a stage shorter than this warms up all through.").at_least(0),
      key("train.patience", T::Int, "0", "Early stopping: training stops once validation accuracy has not improved for this many epochs (0: never). The whole run counts: with train.stages it ends the schedule, later stages included. Every policy's run counts its own, so they may train different epochs (results.csv's epochs). The epoch checkpoint keeps the best epoch: --resume counts on, and a run that had stopped trains no more.").at_least(0),
      key("train.weight_decay", T::Float, "0", "AdamW's decoupled weight decay (0: plain Adam).").at_least(0),
      key("train.threads", T::Int, "1", "Worker threads for training and evaluation.").at_least(1),
      key("train.max_grad_norm", T::Float, "5", "Global gradient-norm clipping.").above(0),
      key("train.nonfinite_limit", T::Int, "5", "A NaN or Inf in the loss, a gradient or a glimpse location skips that update and halves the learning rate; this many such updates in a row stop the run, naming the step and the op.")
          .at_least(1),
      key("train.examples", T::Int, "0", "Training examples used per epoch (0: the whole training split).").at_least(0),
      key("train.keep", T::Enum, "last", "Which epoch's parameters are saved and tested: the last, or the one with the best validation accuracy (with train.stages, of any stage: validation always scores the learned policy with its reader).")
          .one_of({"last", "best"}),
      key("train.minutes", T::Float, "0", "Wall-clock limit per policy's training in minutes (0: none); training stops after the epoch that crosses it (with train.stages, the later stages are skipped).")
          .at_least(0),
      key("train.algorithm", T::Enum, "reinforce", "The learner, a row of experiments/tables/trainers.cpp (its own keys are the policy.* keys above).")
          .one_of(row_names(trainer_table())),
      key("train.stages", T::Maps, no_default, "Staged training of the learned policy's run, in order; each stage `{acts, trains, algorithm, epochs, lr}`: `acts` adaptive or a fixed policy that reads in its place, `trains` reader, policy or both, `algorithm` (default train.algorithm), `epochs`, `lr` (default train.lr). Replaces train.epochs; every fixed policy's and reference's reader trains for the stages' reader epochs in total (docs/concepts.md, Stages). Unset: one stage, adaptive acts, both train."),

      key("eval.policies", T::Strings, no_default, "Fixed policies and baselines (e.g. center, grid, all, fc) scored beside `adaptive`, each with its own reader trained under it."),
      key("eval.adaptive", T::Bool, "true", "Train and score the learned policy as `adaptive` (false: only eval.policies)."),
      key("eval.batch_size", T::Int, "250", "Examples per batch when evaluating.").at_least(1),
      key("eval.repeats", T::Int, "1", "Validation and test: score each example under this many draws of its clutter (the same for every policy) and average; more draws, less noise from the clutter.")
          .at_least(1),
      key("eval.examples", T::Int, "0", "Validation and test examples scored (0: the whole split).").at_least(0),
      key("eval.test", T::Bool, "true", "Score the test split (and keep each test example's score in OUT/scores/) once training ends. false for probes that choose settings: no test episode at all, results.csv's test columns stay empty, the traces come from validation, and `saccade report` compares validation accuracy."),

      // Read by `saccade sweep` only; `saccade run` refuses a config that has them.
      key("sweep.grid", T::KeyLists, no_default, "Sweep: every combination of these values, e.g. `{policy.budget: [3, 6], train.lr: [0.001, 0.003]}`."),
      key("sweep.zip", T::KeyLists, no_default, "Sweep: lists of equal length taken together (i-th with i-th), crossed with the grid."),
      key("sweep.seeds", T::Ints, no_default, "Sweep: run every combination once per seed (sets `seed`).").at_least(0),
      key("sweep.shared", T::Strings, no_default, "Sweep: swept keys (of grid or zip) that change only the learned policy, e.g. `[train.algorithm, policy.type, eval.policies]` for a learner comparison whose fixed policies run with the first learner only. Written to OUT/manifest.json; `saccade report OUT` then shares the fixed policies across settings equal but for these keys, as `--shared` does (docs/cli.md)."),

      // Read by `saccade search` only; `saccade run` and `saccade sweep` refuse a config that has them.
      // No defaults here (a resolved run config has no search section): the search applies the ones
      // the docs give (experiments/sweep/search.hpp).
      key("search.parameters", T::KeyRanges, no_default, "Search: the keys to tune, each a range `{low, high}` (`log: true` samples on a log scale; `type: int` or `float`, by default the key's own) or `{choices: [...]}`, e.g. `{train.lr: {low: 0.0001, high: 0.01, log: true}, reader.core: {choices: [rnn, gru]}}`."),
      key("search.sampler", T::Enum, no_default, "Search: Optuna's sampler, tpe (default) or random.").one_of({"tpe", "random"}),
      key("search.sampler_seed", T::Int, no_default, "Search: the sampler's seed (default 0).").at_least(0),
      key("search.trials", T::Int, no_default, "Search: trials to finish, complete, pruned or failed (default 20).").at_least(1),
      key("search.metric", T::String, no_default, "Search: what a trial maximises, POLICY.COLUMN of its runs' results.csv with a validation column (default adaptive.val_accuracy); trials run only that policy, with eval.test false."),
      key("search.seeds", T::Ints, no_default, "Search: the seeds each trial runs; its value is the mean over them (default: the config's seed).").at_least(0),
      key("search.pruner", T::Enum, no_default, "Search: median (default) stops a trial whose validation accuracy at an epoch (mean over its seeds, from metrics.jsonl) is below the median of earlier trials' at that epoch; none. Not with --emit slurm.").one_of({"median", "none"}),
      key("search.startup_trials", T::Int, no_default, "Search, median pruner: trials that finish before any is pruned (default 5).").at_least(0),
      key("search.warmup_epochs", T::Int, no_default, "Search, median pruner: epochs a trial trains before it may be pruned (default 1).").at_least(0),
  };
  // The rows' own keys follow the key that picks the row: reader.* after reader.hidden, the learned
  // policies' after policy.type, the learners' after the keys every learner shares.
  Schema keys = top;
  append_row_keys(keys, reader_table());
  keys.insert(keys.end(), policy_type.begin(), policy_type.end());
  append_row_keys(keys, learned_policy_table());
  keys.insert(keys.end(), policy.begin(), policy.end());
  append_row_keys(keys, trainer_table());
  keys.insert(keys.end(), train.begin(), train.end());
  return keys;
}

}  // namespace

const Schema& schema() {
  static const Schema keys = build_schema();
  return keys;
}

}  // namespace saccade
