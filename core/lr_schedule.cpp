#include "core/lr_schedule.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>

namespace saccade {

double lr_factor(const LrSchedule& s, std::size_t step) {
  if (s.shape == LrShape::constant) return 1.0;
  const std::size_t warmup = std::min(s.warmup_steps, s.total_steps);
  // Warm-up starts at 1/W rather than 0: a first step at rate 0 would be a step wasted.
  if (step < warmup) return static_cast<double>(step + 1) / static_cast<double>(warmup);
  if (s.shape == LrShape::warmup) return 1.0;
  if (step >= s.total_steps) return 0.0;
  const double progress = static_cast<double>(step - warmup) / static_cast<double>(s.total_steps - warmup);
  return 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
}

const std::vector<std::string>& lr_shape_names() {
  static const std::vector<std::string> names = {"constant", "warmup", "cosine"};
  return names;
}

LrShape lr_shape(const std::string& name) {
  if (name == "constant") return LrShape::constant;
  if (name == "warmup") return LrShape::warmup;
  if (name == "cosine") return LrShape::cosine;
  throw std::invalid_argument("no learning-rate schedule \"" + name + "\" (constant, warmup, cosine)");
}

}  // namespace saccade
