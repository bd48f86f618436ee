#include "experiments/run/train_loop.hpp"

#include <chrono>
#include <stdexcept>

#include "core/interrupt.hpp"
#include "core/lr_schedule.hpp"

namespace saccade {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void add(TrainStats& sum, const TrainStats& t) {
  sum.loss += t.loss;
  sum.accuracy += t.accuracy;
  sum.reward += t.reward;
  sum.mean_regions += t.mean_regions;
  sum.policy_loss += t.policy_loss;
}

}  // namespace

bool patience_ran_out(const EpochState& st, std::size_t patience) {
  return patience > 0 && st.epoch >= st.best_epoch + patience;
}

void note_validation(EpochState& st, std::size_t epoch, double val_accuracy) {
  if (val_accuracy <= st.best_val) return;
  st.best_val = val_accuracy;
  st.best_epoch = epoch;
}

void train_epochs(PolicySetup& s, const RunOptions& o, Trainer& trainer, EpochState& st, Rng& policy_rng,
                  const std::vector<TrainingHook*>& hooks, const StageEpochs& stage) {
  const std::size_t n_train = limit(s.train_env->num_examples(), o.train_examples);
  const std::size_t n_val = limit(s.val_env->num_examples(), o.eval_examples);
  // The schedule counts this stage's batches (optimizer steps): a function of the epoch and the batch,
  // so a resumed run sets the rates the uninterrupted one did.
  const std::size_t per_epoch = n_train / o.batch_size;
  const LrSchedule schedule{.shape = o.schedule,
                            .warmup_steps = o.warmup_epochs * per_epoch,
                            .total_steps = (stage.last + 1 - stage.first) * per_epoch};
  // The clock goes on from where an interrupted run stopped it: train.minutes counts both, and
  // training stops after the epoch that crosses it.
  const auto start = std::chrono::steady_clock::now() -
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(st.train_seconds));
  auto out_of_time = [&] { return o.minutes > 0 && st.train_seconds > o.minutes * 60.0; };
  for (std::size_t epoch = st.epoch + 1; epoch <= stage.last && !out_of_time() && !patience_ran_out(st, o.patience); ++epoch) {
    // The order and the canvases change every epoch, identically for every policy.
    Rng epoch_rng = Rng::stream(o.seed, "epoch-" + std::to_string(epoch));
    const std::vector<std::size_t> order = epoch_rng.permutation(s.train_env->num_examples());
    const std::uint64_t canvas_seed = epoch_rng.next_u64();
    const auto epoch_start = std::chrono::steady_clock::now();
    TrainStats sum;
    std::size_t batches = 0;
    for (std::size_t b = 0; b + o.batch_size <= n_train; b += o.batch_size) {
      const std::vector<std::size_t> examples(order.begin() + static_cast<long>(b), order.begin() + static_cast<long>(b + o.batch_size));
      trainer.optimizer().set_lr_scale(lr_factor(schedule, (epoch - stage.first) * per_epoch + b / o.batch_size));
      TrainStats t;
      try {
        t = trainer.train_batch(examples, canvas_seed, policy_rng);
      } catch (const NonFiniteError& e) {  // too many NaN/Inf updates in a row: stop, saying where
        for (TrainingHook* h : hooks) h->aborted();
        throw std::runtime_error("policy " + s.name + ", epoch " + std::to_string(epoch) + ": " + e.what());
      }
      check_interrupt();  // a host's Ctrl-C (core/interrupt.hpp): before anything of this epoch is written
      if (t.skipped) continue;  // a NaN or Inf: no update was made (the trainer said so on stderr)
      add(sum, t);
      ++batches;
      for (TrainingHook* h : hooks) h->batch_done(epoch, batches, sum);
    }
    Rng val_rng = Rng::stream(o.seed, "validation");
    EpochReport r{.epoch = epoch, .sum = sum, .batches = batches};
    r.val = evaluate_draws(*s.val_env, *s.reader, *s.policy, n_val, o, kValidationSeed, val_rng);
    r.elapsed = seconds_since(start);
    r.epoch_seconds = seconds_since(epoch_start);
    st.epoch = epoch;
    st.train_seconds = r.elapsed;
    st.val_accuracy = r.val.accuracy;
    note_validation(st, epoch, r.val.accuracy);
    st.policy_rng = policy_rng.state();
    for (TrainingHook* h : hooks) h->epoch_done(r, st);
  }
}

EvalResult evaluate_draws(Env& env, const Reader& reader, Policy& policy, std::size_t n, const RunOptions& o,
                          std::uint64_t seed, Rng& rng, bool anytime) {
  EvalResult mean;
  double reads = 0.0, on_evidence = 0.0;  // over the draws that know the evidence (all or none: one env)
  for (std::size_t r = 0; r < o.eval_repeats; ++r) {
    const EvalResult e = evaluate(env, reader, policy, n, o.eval_batch_size, seed + r, rng, anytime);
    const double w = 1.0 / static_cast<double>(r + 1);  // running means
    mean.accuracy += (e.accuracy - mean.accuracy) * w;
    mean.mean_regions += (e.mean_regions - mean.mean_regions) * w;
    mean.flops_per_example += (e.flops_per_example - mean.flops_per_example) * w;
    mean.us_per_example += (e.us_per_example - mean.us_per_example) * w;
    mean.policy_us_per_example += (e.policy_us_per_example - mean.policy_us_per_example) * w;
    mean.examples += e.examples;
    // Per example, the sum over draws, divided once at the end: k of 3 draws right is exactly k/3.
    if (r == 0) mean.scores.assign(e.scores.size(), 0.0);
    for (std::size_t i = 0; i < e.scores.size(); ++i) mean.scores[i] += e.scores[i];
    mean.confusion.add(e.confusion);
    if (r == 0) mean.anytime.assign(e.anytime.size(), 0.0);
    for (std::size_t k = 0; k < e.anytime.size(); ++k) mean.anytime[k] += e.anytime[k];
    if (e.evidence_read >= 0) {
      const double draw_reads = e.mean_regions * static_cast<double>(e.examples);
      reads += draw_reads;
      on_evidence += e.evidence_read * draw_reads;
    }
  }
  if (reads > 0) mean.evidence_read = on_evidence / reads;
  mean.macro_f1 = macro_f1(class_scores(mean.confusion));
  for (double& s : mean.scores) s /= static_cast<double>(o.eval_repeats);
  return mean;
}

}  // namespace saccade
