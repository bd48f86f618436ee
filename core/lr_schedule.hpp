// Learning-rate schedules (train.schedule, docs/concepts.md "Training options"): the factor on the
// learning rate at each optimizer step, a pure function of the step's number, so a resumed run gets
// the rates the uninterrupted run had without saving anything. The training loop sets it before every
// batch (experiments/run/train_loop.cpp); each stage of train.stages runs its own over its own epochs.
//
//   constant  1 at every step (what every run did before schedules existed)
//   warmup    (step + 1) / W over the first W steps (from about 0 up to 1), then 1
//   cosine    the same warm-up when W > 0, then 0.5 (1 + cos(pi (step - W) / (T - W))): from 1 at step W
//             down towards 0 at step T (the step after the last; the last step's factor is small, not 0)
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace saccade {

enum class LrShape { constant, warmup, cosine };

struct LrSchedule {
  LrShape shape = LrShape::constant;
  std::size_t warmup_steps = 0;  // W (more than total_steps: the warm-up is cut at the end)
  std::size_t total_steps = 0;   // T, the steps the schedule runs over
};

// The factor at optimizer step `step` (0-based, counted from the schedule's start); 0 past the end of a
// cosine decay.
double lr_factor(const LrSchedule& schedule, std::size_t step);

// "constant", "warmup", "cosine"; std::invalid_argument naming the choices otherwise.
LrShape lr_shape(const std::string& name);
const std::vector<std::string>& lr_shape_names();

}  // namespace saccade
