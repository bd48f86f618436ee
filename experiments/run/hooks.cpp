#include "experiments/run/hooks.hpp"

#include <cstdio>

namespace saccade {

void KeepBest::epoch_done(const EpochReport& r, EpochState& st) {
  if (st.best_epoch != r.epoch) return;  // the loop marked this epoch the best so far (note_validation)
  st.best.clear();
  for (const auto& [name, p] : trainable_.named_parameters()) st.best.emplace_back(name, p.value());
}

double KeepBest::restore(const EpochState& st, double last, const std::string& policy) const {
  if (st.best.empty()) return last;
  // By name: the best epoch may be of an earlier stage, whose trainer had other parameters of its own
  // (a baseline); the reader's and the learned policy's are in every stage's (experiments/run/stages.hpp).
  for (const auto& [name, p] : trainable_.named_parameters())
    for (const auto& [kept, value] : st.best)
      if (kept == name) p.node()->value = value;
  std::fprintf(stderr, "[%s] keeping epoch %zu (best validation accuracy %.4f)\n", policy.c_str(), st.best_epoch, st.best_val);
  return st.best_val;
}

void MetricsHook::epoch_done(const EpochReport& r, EpochState&) {
  const TrainStats& s = r.sum;
  nlohmann::json line = {{"policy", policy_}, {"epoch", r.epoch}};
  line.update(stage_);
  line.update({{"loss", r.mean(s.loss)}, {"accuracy", r.mean(s.accuracy)}, {"reward", r.mean(s.reward)},
               {"mean_regions", r.mean(s.mean_regions)}, {"policy_loss", r.mean(s.policy_loss)}, {"cost", trainer_.cost()},
               {"val_accuracy", r.val.accuracy}, {"val_mean_regions", r.val.mean_regions}, {"seconds", r.elapsed}});
  log_.write(line);
}

ProgressHook::ProgressHook(const RunOptions& o, const PolicySetup& s, const Trainer& trainer, const RunProgress& progress)
    : trainer_(trainer), progress_(progress) {
  u_.run = o.run_name;
  u_.policy = s.name;
  u_.policy_index = progress.policy_index;
  u_.policies = progress.policies;
  u_.epochs = o.epochs;
  u_.batches = o.batch_size ? limit(s.train_env->num_examples(), o.train_examples) / o.batch_size : 0;
}

// Stamps the time fields from the run's start and sends the update: the ETA scales the time so far by
// the fraction of training done (evaluation time is not modelled apart).
void ProgressHook::send(ProgressUpdate& u) const {
  u.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - progress_.run_start).count();
  const double f = progress_fraction(u);
  u.eta_seconds = f > 0 ? u.elapsed_seconds * (1.0 - f) / f : -1.0;
  progress_.reporter->update(u);
}

void ProgressHook::batch_done(std::size_t epoch, std::size_t batches, const TrainStats& sum) {
  if (!progress_.reporter) return;
  const double n = static_cast<double>(batches);
  u_.epoch = epoch;
  u_.batch = batches;
  u_.loss = sum.loss / n;
  u_.accuracy = sum.accuracy / n;
  u_.regions = sum.mean_regions / n;
  u_.epoch_done = false;
  send(u_);
}

void ProgressHook::epoch_done(const EpochReport& r, EpochState&) {
  char line[512];
  std::snprintf(line, sizeof line,
                "[%s] epoch %zu/%zu  loss %.4f  train acc %.4f  val acc %.4f  regions %.2f  cost %.4f  %.0fs (%.0fs/epoch)",
                u_.policy.c_str(), r.epoch, u_.epochs, r.mean(r.sum.loss), r.mean(r.sum.accuracy), r.val.accuracy,
                r.val.mean_regions, trainer_.cost(), r.elapsed, r.epoch_seconds);
  if (!progress_.reporter) {
    std::fprintf(stderr, "%s\n", line);
    return;
  }
  u_.epoch = r.epoch;
  u_.batch = r.batches;
  u_.loss = r.mean(r.sum.loss);
  u_.accuracy = r.mean(r.sum.accuracy);
  u_.regions = r.mean(r.sum.mean_regions);
  u_.val_accuracy = r.val.accuracy;
  u_.epoch_done = true;
  send(u_);
  progress_.reporter->print_line(line);
}

void ProgressHook::aborted() {
  if (progress_.reporter) progress_.reporter->finish();
}

}  // namespace saccade
