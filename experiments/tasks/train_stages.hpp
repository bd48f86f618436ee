// train.stages from the config: each stage's keys checked against the tables before any data loads
// (a ConfigError naming the file, line and key: `train.stages[1].acts: no fixed policy "salincy" ...`),
// then built into the runner's schedule (experiments/run/stages.hpp).
//
//   acts       adaptive, or a fixed policy of experiments/tables/fixed_policies.cpp that fits the env
//              (not one that stops when the reader is sure: its threshold is set after training)
//   trains     reader, policy, or a list of both
//   algorithm  a learner of experiments/tables/trainers.cpp (default train.algorithm). Where a fixed
//              policy acts and the policy trains, only a learner that imitates (TrainerRow::imitates)
//              can train it; an imitating learner needs a fixed policy acting; where the learned policy
//              acts and trains, a learner that needs straight-through weights (backprop) needs a policy
//              that supplies them (soft_topk)
//   epochs     >= 1
//   lr         > 0, this stage's train.lr (default train.lr)
#pragma once

#include <vector>

#include "experiments/config/config.hpp"
#include "experiments/run/stages.hpp"
#include "experiments/tables/tables.hpp"

namespace saccade {

// Throws ConfigError at the first bad stage key; also refuses train.algorithm set to an imitating
// learner (it has nothing to imitate outside a stage where a fixed policy acts), or, without stages,
// to a learner that needs weights the learned policy does not supply.
void check_stages(const Config& cfg, EnvKind kind);

// The stages of a checked config (empty without train.stages), each with its trainer's factory.
std::vector<TrainStage> stages_from_config(const Config& cfg);

}  // namespace saccade
