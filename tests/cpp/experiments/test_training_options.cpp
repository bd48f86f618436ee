// Training options (docs/concepts.md, "Training options"): the early-stopping rule and the best epoch
// it counts from, which every epoch checkpoint keeps (not only under train.keep=best); policy.lr, at
// which the controller's parameters move while the reader's move at train.lr; a stage's own lr winning
// over policy.lr.
#define BOOST_TEST_MODULE training_options
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "agents/top_k_regions.hpp"
#include "attention/patch_reader.hpp"
#include "envs/image/image_env.hpp"
#include "experiments/config/resolve.hpp"
#include "experiments/run/epoch_checkpoint.hpp"
#include "experiments/run/runner.hpp"
#include "experiments/run/stages.hpp"
#include "experiments/run/train_loop.hpp"
#include "experiments/tables/tables.hpp"
#include "experiments/tasks/train_stages.hpp"

using namespace saccade;

namespace {

// A small patch task's policy setup: its reader and a learned top-k policy; a REINFORCE stage over it.
PolicySetup patch_setup() {
  PolicySetup s;
  s.name = kAdaptive;
  s.budget = 3;
  s.train_env = std::make_unique<ImagePatchEnv>(std::make_shared<const ImageDataset>(load_image_splits("digits", 0).train),
                                                CanvasSpec::translated(16), ImagePatchOptions{.grid = 4, .budget = 3, .preview_factor = 2});
  Rng rng(3);
  s.reader = std::make_unique<PatchReader>(PatchReaderOptions{.content_size = 16, .regions = 16, .dim = 16, .heads = 2}, rng);
  s.policy = std::make_unique<TopKRegionPolicy>(TopKRegionOptions{.preview_size = 64, .regions = 16, .k = 3, .hidden = 16}, rng);
  return s;
}

std::vector<TrainStage> one_stage(const Config& cfg, std::optional<double> policy_lr) {
  TrainStage st;
  st.epochs = 1;
  st.make_trainer = find_row(trainer_table(), "reinforce")->make(cfg);
  st.policy_lr = policy_lr;
  return {st};
}

// The largest change of any entry of the parameters named `prefix`*, from `before`.
float largest_move(const Module& m, const std::vector<std::pair<std::string, Array>>& before, const std::string& prefix) {
  float most = 0.0f;
  const auto now = m.named_parameters();
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (!now[i].first.starts_with(prefix)) continue;
    for (std::size_t j = 0; j < now[i].second.size(); ++j)
      most = std::max(most, std::abs(now[i].second.value().data()[j] - before[i].second.data()[j]));
  }
  return most;
}

}  // namespace

BOOST_AUTO_TEST_CASE(patience_counts_epochs_since_the_best) {
  EpochState st;
  const std::vector<double> val = {0.30, 0.50, 0.45, 0.50, 0.49, 0.60};  // best at 2 (0.50; a tie is no gain)
  std::vector<bool> stop;
  for (std::size_t e = 1; e <= val.size(); ++e) {
    st.epoch = e;
    note_validation(st, e, val[e - 1]);
    stop.push_back(patience_ran_out(st, 3));
  }
  // After epoch 5, three epochs (3, 4, 5) have not beaten epoch 2's 0.50: stop there. (Had it gone on,
  // epoch 6's new best would have started the count again.)
  BOOST_TEST(stop == (std::vector<bool>{false, false, false, false, true, false}), boost::test_tools::per_element());
  BOOST_TEST(st.best_epoch == 6u);
  BOOST_TEST(st.best_val == 0.60);
  EpochState never;
  never.epoch = 100;
  BOOST_TEST(!patience_ran_out(never, 0));  // 0: off
  BOOST_TEST(patience_ran_out(never, 1));    // no best yet in 100 epochs
  EpochState fresh;
  BOOST_TEST(!patience_ran_out(fresh, 1));   // nothing trained yet
}

BOOST_AUTO_TEST_CASE(the_epoch_checkpoint_keeps_the_best_epoch_without_keep_best) {
  const Config cfg = resolve(Config());
  PolicySetup s = patch_setup();
  RunOptions o;
  const auto stages = one_stage(cfg, std::nullopt);
  auto trainer = make_stage_trainer(s, o, stages, 0);
  EpochState st;
  st.epoch = 7;
  st.best_val = 0.625;
  st.best_epoch = 4;  // train.keep=last: no parameters kept, only which epoch and its accuracy
  const std::string path = (std::filesystem::temp_directory_path() / "saccade_test_patience.last.npz").string();
  save_epoch_checkpoint(path, *trainer, st, 5);
  auto fresh = make_stage_trainer(s, o, stages, 0);
  const EpochState back = load_epoch_checkpoint(path, *fresh, 5);
  BOOST_TEST(back.epoch == 7u);
  BOOST_TEST(back.best_epoch == 4u);
  BOOST_TEST(back.best_val == 0.625);
  BOOST_TEST(back.best.empty());
  BOOST_TEST(patience_ran_out(back, 3));  // a run that had stopped stops again at once
  std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(policy_lr_moves_the_controller_at_its_rate_and_the_reader_at_train_lr) {
  // Adam's first step moves every entry with a gradient by its rate (m / sqrt(v) = sign g), so after
  // one batch the largest move of each part is its rate: 1e-3 for the reader (train.lr), 1e-2 for
  // the policy (policy.lr).
  const Config cfg = resolve(Config());
  PolicySetup s = patch_setup();
  RunOptions o;
  auto trainer = make_stage_trainer(s, o, one_stage(cfg, 0.01), 0);
  const Module m = trainer->trainable();
  std::vector<std::pair<std::string, Array>> before;
  for (const auto& [n, p] : m.named_parameters()) before.emplace_back(n, p.value());
  Rng rng(2);
  std::vector<std::size_t> examples(32);
  for (std::size_t j = 0; j < 32; ++j) examples[j] = j;
  trainer->train_batch(examples, 1, rng);
  BOOST_TEST(largest_move(m, before, "reader.") == 1e-3f, boost::test_tools::tolerance(1e-3f));
  BOOST_TEST(largest_move(m, before, "policy.") == 1e-2f, boost::test_tools::tolerance(1e-3f));
  BOOST_TEST(largest_move(m, before, "baseline.") == 1e-2f, boost::test_tools::tolerance(1e-3f));  // the learner's own
}

BOOST_AUTO_TEST_CASE(a_stages_own_lr_wins_over_policy_lr) {
  Config c;
  c.apply_override("policy.lr=0.02");
  c.apply_override("train.stages=[{acts: adaptive, trains: [reader, policy], epochs: 1}, "
                   "{acts: adaptive, trains: policy, epochs: 1, lr: 0.005}]");
  const std::vector<TrainStage> stages = stages_from_config(resolve(c));
  BOOST_TEST_REQUIRE(stages.size() == 2u);
  BOOST_TEST(stages[0].policy_lr.value() == 0.02);   // policy.lr for the controller
  BOOST_TEST(!stages[1].policy_lr.has_value());      // the stage's lr is both's
}
