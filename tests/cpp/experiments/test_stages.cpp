// Staged training (experiments/run/stages.hpp): every learner of the table trains only what a stage
// says, a frozen part keeping its parameters bit for bit; the schedule's arithmetic; a stage's
// checkpoint module holds the learned policy even when a fixed policy acts.
#define BOOST_TEST_MODULE stages
#include <boost/test/unit_test.hpp>

#include "agents/differentiable_top_k.hpp"
#include "agents/fixed_policy.hpp"
#include "agents/region_rules.hpp"
#include "agents/top_k_regions.hpp"
#include "attention/patch_reader.hpp"
#include "envs/image/image_env.hpp"
#include "experiments/config/resolve.hpp"
#include "experiments/run/runner.hpp"
#include "experiments/run/stages.hpp"
#include "experiments/tables/tables.hpp"

using namespace saccade;

namespace {

std::vector<Array> values(const Module& m) {
  std::vector<Array> out;
  for (const auto& [name, p] : m.named_parameters()) out.push_back(p.value());
  return out;
}

bool identical(const std::vector<Array>& a, const std::vector<Array>& b) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// A small patch task: its reader, a learned top-k policy, and `saliency` as a fixed actor.
struct Models {
  ImagePatchEnv env{std::make_shared<const ImageDataset>(load_image_splits("digits", 0).train), CanvasSpec::translated(16),
                    ImagePatchOptions{.grid = 4, .budget = 3, .preview_factor = 2}};
  Rng rng{3};
  PatchReader reader{PatchReaderOptions{.content_size = 16, .regions = 16, .dim = 16, .heads = 2}, rng};
  TopKRegionPolicy learned{TopKRegionOptions{.preview_size = 64, .regions = 16, .k = 3, .hidden = 16}, rng};
  FixedRegionPolicy fixed{"saliency", salient_regions, 3};
  // For a learner that trains the policy through the reader (TrainerRow::needs_weights).
  DifferentiableTopKPolicy soft{DifferentiableTopKOptions{.scorer = {.preview_size = 64, .regions = 16, .hidden = 16}, .k = 3}, rng};
};

// Trains `batches` batches with the row's learner under `parts` and says which parts moved.
std::pair<bool, bool> moved(const TrainerRow& row, TrainParts parts, std::size_t batches) {
  Models m;
  const Config cfg = resolve(Config());
  Rng init(1), rng(2);
  // An imitating learner learns from the fixed policy acting; any other from the learned policy's own
  // acts (one that supplies straight-through weights, if the learner needs them).
  Policy& learned = row.needs_weights ? static_cast<Policy&>(m.soft) : m.learned;
  Policy& acting = row.imitates ? static_cast<Policy&>(m.fixed) : learned;
  Policy* learner = row.imitates ? &learned : nullptr;
  const auto reader0 = values(m.reader), policy0 = values(learned);
  auto trainer = row.make(cfg)({.env = m.env, .reader = m.reader, .policy = acting, .learner = learner, .parts = parts, .init = init});
  for (std::size_t i = 0; i < batches; ++i) {
    std::vector<std::size_t> examples(32);
    for (std::size_t j = 0; j < 32; ++j) examples[j] = i * 32 + j;
    trainer->train_batch(examples, i, rng);
  }
  return {!identical(reader0, values(m.reader)), !identical(policy0, values(learned))};
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_learner_trains_only_what_the_stage_says) {
  for (const TrainerRow& row : trainer_table()) {
    BOOST_TEST_CONTEXT("learner " << row.name) {
      const auto [reader_a, policy_a] = moved(row, {.reader = true, .policy = false}, 3);
      BOOST_TEST(reader_a);
      BOOST_TEST(!policy_a);  // frozen: bit-identical
      const auto [reader_b, policy_b] = moved(row, {.reader = false, .policy = true}, 3);
      BOOST_TEST(!reader_b);  // frozen: bit-identical
      BOOST_TEST(policy_b);
      const auto [reader_c, policy_c] = moved(row, {.reader = true, .policy = true}, 3);
      BOOST_TEST(reader_c);
      BOOST_TEST(policy_c);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_schedule_counts_epochs_through_its_stages) {
  const auto stage = [](std::string acts, TrainParts parts, std::size_t epochs) {
    TrainStage s;
    s.acts = std::move(acts);
    s.parts = parts;
    s.epochs = epochs;
    return s;
  };
  const std::vector<TrainStage> stages = {stage("random", {.reader = true, .policy = false}, 5),
                                          stage("adaptive", {.reader = false, .policy = true}, 4),
                                          stage("adaptive", {.reader = true, .policy = true}, 2)};
  BOOST_TEST(total_epochs(stages) == 11u);
  BOOST_TEST(reader_epochs(stages) == 7u);  // what every fixed policy's reader gets
  BOOST_TEST(stage_end(stages, 0) == 5u);
  BOOST_TEST(stage_end(stages, 1) == 9u);
  BOOST_TEST(stage_of_epoch(stages, 0) == 0u);
  BOOST_TEST(stage_of_epoch(stages, 5) == 0u);   // the checkpoint that closed stage 1 is stage 1's
  BOOST_TEST(stage_of_epoch(stages, 6) == 1u);
  BOOST_TEST(stage_of_epoch(stages, 11) == 2u);
  RunOptions o;
  o.stages = stages;
  o.epochs = 10;
  BOOST_TEST(schedule_of(o, "adaptive").size() == 3u);
  const auto fixed = schedule_of(o, "random");
  BOOST_TEST(fixed.size() == 1u);
  BOOST_TEST(fixed[0].epochs == 7u);
  BOOST_TEST(fixed[0].acts == "random");
  o.stages.clear();
  BOOST_TEST(schedule_of(o, "adaptive")[0].epochs == 10u);  // no stages: train.epochs, as always
  BOOST_TEST(schedule_of(o, "random")[0].epochs == 10u);
}

BOOST_AUTO_TEST_CASE(a_stage_where_a_fixed_policy_acts_still_checkpoints_the_learned_policy) {
  Models m;
  Rng init(1);
  const TrainerRow* row = find_row(trainer_table(), "reinforce");
  auto inner = row->make(resolve(Config()))({.env = m.env, .reader = m.reader, .policy = m.fixed, .parts = {.policy = false}, .init = init});
  BOOST_TEST(inner->trainable().named_parameters().size() == m.reader.named_parameters().size());
  StageTrainer stage(nullptr, std::move(inner), m.learned, 1);
  const auto names = stage.trainable().named_parameters();
  BOOST_TEST(names.size() == m.reader.named_parameters().size() + m.learned.named_parameters().size());
  BOOST_TEST(names.back().first.starts_with("policy."));
  TrainerState s = stage.state();
  BOOST_TEST(s.at("stage") == 1.0);
  s["stage"] = 0.0;  // another stage's checkpoint
  BOOST_CHECK_THROW(stage.restore(s), std::runtime_error);
}
