// Every config key saccade knows. Adding a key is adding a row: validation, defaults, the order of
// `saccade run --print-config` and docs/CONFIG.md (regenerate with `saccade config-docs`) follow.
// A key with no_default is optional: absent from the resolved config unless set, and the code that
// reads it decides (usually per env type).
#include "experiments/schema.hpp"

namespace saccade {

const Schema& schema() {
  using T = KeyType;
  static const Schema keys = {
      key("name", T::String, "run", "Run name: labels results and names the default output directory."),
      key("seed", T::Int, "0", "Run seed; every random stream derives from (seed, stream name).").at_least(0),
      key("out", T::String, "runs/{name}", "Output directory for results and checkpoints (`--out DIR` sets it too)."),

      key("env.type", T::Enum, "image", "Task: glimpses of an image, chunks of a text, or turns of a dialogue.")
          .one_of({"image", "text", "dialogue"}),
      key("env.dataset", T::String, no_default, "Dataset name or path to read; unset: the env's built-in default."),
      key("env.canvas", T::Int, no_default, "Image env: side in pixels of the square canvas the image is placed on; unset: the image's own size.")
          .at_least(1),
      key("env.clutter.pieces", T::Int, "0", "Image env: distractor pieces cut from other images and scattered on the canvas.")
          .at_least(0),
      key("env.clutter.size", T::Int, "8", "Image env: side in pixels of each clutter piece.").at_least(1),

      key("reader.type", T::String, no_default, "Reader (attention model) by registered name; unset: the env's default."),
      key("reader.hidden", T::Int, "128", "Width of the reader's embeddings and hidden state.").at_least(1),

      key("policy.type", T::String, no_default, "Allocation policy by registered name (learned or fixed); unset: the env's default."),
      key("policy.budget", T::Int, "6", "Regions the policy may read per example (it may stop earlier).").at_least(1),

      key("train.epochs", T::Int, "10", "Passes over the training set.").at_least(1),
      key("train.batch_size", T::Int, "64", "Examples per gradient step (envs stepped together).").at_least(1),
      key("train.lr", T::Float, "0.001", "Learning rate.").above(0),
      key("train.threads", T::Int, "1", "Worker threads for training and evaluation.").at_least(1),

      key("eval.policies", T::Strings, no_default, "Policies to score, each with a reader trained under it; unset: just policy.type."),
  };
  return keys;
}

}  // namespace saccade
