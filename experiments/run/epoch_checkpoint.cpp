#include "experiments/run/epoch_checkpoint.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <stdexcept>

#include "core/checkpoint.hpp"
#include "core/npz_array.hpp"

namespace saccade {

namespace {

const std::string kBest = "best/", kPolicyRng = "rng.policy";

// Counters ride in float64 extras: exact below 2^53, far beyond any step count.
double as_extra(std::size_t n) { return static_cast<double>(n); }
std::size_t as_count(double v) { return static_cast<std::size_t>(v); }

double required(const std::map<std::string, double>& extra, const std::string& key, const std::string& path) {
  const auto it = extra.find(key);
  if (it == extra.end()) throw std::runtime_error(path + ": missing key 'extra/" + key + "' (not an epoch checkpoint)");
  return it->second;
}

bool trainable_has(const Module& m, const std::string& name) {
  for (const auto& [n, p] : m.named_parameters())
    if (n == name) return true;
  return false;
}

}  // namespace

std::string epoch_checkpoint_path(const std::string& out_dir, const std::string& policy) {
  return out_dir + "/checkpoints/" + policy + ".last.npz";
}

void save_epoch_checkpoint(const std::string& path, Trainer& trainer, const EpochState& s, std::uint64_t seed) {
  const Module trainable = trainer.trainable();
  NpzEntries state;
  std::vector<std::int64_t> words(s.policy_rng.begin(), s.policy_rng.end());  // bit patterns, two's complement
  state.emplace_back(kPolicyRng, NpyArray::int64({words.size()}, words.data()));
  for (const auto& [name, value] : s.best) state.emplace_back(kBest + name, to_npy(value));
  std::map<std::string, double> extra = {
      {"epoch", as_extra(s.epoch)}, {"train_seconds", s.train_seconds}, {"val_accuracy", s.val_accuracy},
      {"best_val", s.best_val}, {"best_epoch", as_extra(s.best_epoch)}, {"seed", static_cast<double>(seed)}};
  for (const auto& [key, value] : trainer.state()) {
    if (!extra.emplace(key, value).second)
      throw std::logic_error("the trainer's state key '" + key + "' collides with an epoch checkpoint's own");
  }
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  save_checkpoint(path, trainable, &trainer.optimizer(), extra, state);
}

EpochState load_epoch_checkpoint(const std::string& path, Trainer& trainer, std::uint64_t seed) {
  // Everything is checked before anything is loaded.
  const std::map<std::string, double> extra = checkpoint_extras(path);
  if (const auto saved = static_cast<std::uint64_t>(required(extra, "seed", path)); saved != seed) {
    throw std::runtime_error(path + " was written by a run with seed " + std::to_string(saved) + ", this run has seed " +
                             std::to_string(seed) + ": it is another run's checkpoint");
  }
  EpochState s;
  s.epoch = as_count(required(extra, "epoch", path));
  s.train_seconds = required(extra, "train_seconds", path);
  s.val_accuracy = required(extra, "val_accuracy", path);
  s.best_val = required(extra, "best_val", path);
  s.best_epoch = as_count(required(extra, "best_epoch", path));
  for (const auto& [key, value] : trainer.state()) required(extra, key, path);  // the keys the trainer declares

  Module trainable = trainer.trainable();
  std::map<std::string, NpyArray> state;
  load_checkpoint(path, trainable, &trainer.optimizer(), &state);
  trainer.restore(extra);
  const auto rng = state.find(kPolicyRng);
  if (rng == state.end() || rng->second.size() != s.policy_rng.size())
    throw std::runtime_error(path + ": missing or mis-shaped key 'state/" + kPolicyRng + "'");
  const std::vector<std::int64_t> words = rng->second.to_int64();
  for (std::size_t i = 0; i < words.size(); ++i) s.policy_rng[i] = static_cast<std::uint64_t>(words[i]);
  // The best epoch's parameters were kept only under train.keep=best (its epoch and accuracy always are).
  const bool kept_best = std::any_of(state.begin(), state.end(), [](const auto& e) { return e.first.starts_with(kBest); });
  if (s.best_epoch > 0 && kept_best) {
    // The best epoch's parameters as saved: this trainer's, in its order, then any other that the
    // trainer of the best epoch's stage had (train.stages: a baseline of its own). The reader's and
    // the learned policy's are in every stage's trainer (experiments/run/stages.hpp): they must be there.
    for (const auto& [name, p] : trainable.named_parameters()) {
      const auto it = state.find(kBest + name);
      if (it != state.end()) s.best.emplace_back(name, to_array(it->second));
      else if (name.starts_with("reader.") || name.starts_with("policy."))
        throw std::runtime_error(path + ": missing key 'state/" + kBest + name + "'");
    }
    for (const auto& [key, value] : state) {
      if (!key.starts_with(kBest)) continue;
      const std::string name = key.substr(kBest.size());
      if (trainable_has(trainable, name)) continue;
      s.best.emplace_back(name, to_array(value));
    }
  }
  return s;
}

std::size_t epochs_in_checkpoint(const std::string& path) {
  if (!std::filesystem::exists(path)) return 0;
  const auto extra = checkpoint_extras(path);
  const auto it = extra.find("epoch");
  return it == extra.end() ? 0 : as_count(it->second);
}

}  // namespace saccade
