#include "envs/episodes.hpp"

#include <algorithm>
#include <stdexcept>

namespace saccade {
namespace {

Array zeros(const Shape& shape) {
  Array a = Array::from_shape(shape);
  std::fill(a.begin(), a.end(), 0.0f);
  return a;
}

}  // namespace

void check_reset_examples(const std::vector<std::size_t>& examples, std::size_t size, const std::string& env,
                          const std::string& data) {
  if (examples.empty()) throw std::invalid_argument(env + ": reset with no examples");
  for (std::size_t e : examples) {
    if (e >= size) {
      throw std::out_of_range(env + ": example " + std::to_string(e) + " of " + data + " (size " +
                              std::to_string(size) + ")");
    }
  }
}

void Episodes::reset(std::size_t batch, std::size_t regions, std::size_t budget) {
  regions_ = regions;
  done_.assign(batch, 0);
  read_.assign(batch * regions, 0);
  steps_left_.assign(batch, static_cast<int>(budget));
  // Continuous envs only: a discrete env's policies read `read`, and the copy each step costs.
  visited_ = regions == 0 ? zeros({batch, budget, 3}) : zeros({0});
}

bool Episodes::all_done() const {
  return std::all_of(done_.begin(), done_.end(), [](std::uint8_t d) { return d != 0; });
}

void Episodes::require_started(const std::string& who) const {
  if (done_.empty()) throw std::logic_error(who + ": step before reset");
}

Observation Episodes::blank_observation(const Array& preview, const Shape& content_shape) const {
  const std::size_t b = batch();
  Shape content{b};
  content.insert(content.end(), content_shape.begin(), content_shape.end());
  Observation o;
  o.preview = preview;
  o.content = zeros(content);
  o.location = zeros({b, 2});
  o.region.assign(b, -1);
  o.read = read_;
  o.active.assign(b, 0);
  o.steps_left = steps_left_;
  o.visited = visited_;
  return o;
}

StepResult Episodes::blank_result(const Array& preview, const Shape& content_shape, const Info& info) const {
  const std::size_t b = batch();
  StepResult r;
  r.obs = blank_observation(preview, content_shape);
  r.reward.assign(b, 0.0f);
  r.terminated.assign(b, 0);
  r.truncated.assign(b, 0);
  r.info = info;
  return r;
}

void Episodes::stop(std::size_t i, StepResult& r) {
  r.terminated[i] = 1;
  done_[i] = 1;
}

void Episodes::spend(std::size_t i, StepResult& r) {
  if (visited_.size()) {  // the read's row: the k-th read of example i, k = the budget already spent
    const std::size_t budget = visited_.shape()[1], k = budget - static_cast<std::size_t>(steps_left_[i]);
    for (Array* v : {&visited_, &r.obs.visited}) {
      float* row = v->data() + (i * budget + k) * 3;
      row[0] = r.obs.location(i, 0);
      row[1] = r.obs.location(i, 1);
      row[2] = 1.0f;
    }
  }
  r.obs.active[i] = 1;
  r.obs.steps_left[i] = --steps_left_[i];
  if (steps_left_[i] == 0) {
    r.truncated[i] = 1;
    done_[i] = 1;
  }
}

void Episodes::validate(const Action& action, const std::string& who, bool repeat_stops) const {
  require_started(who);
  const std::size_t b = batch(), nr = regions_;
  if (action.region.size() != b) {
    throw std::invalid_argument(who + ": action.region must have " + std::to_string(b) + " entries");
  }
  for (std::size_t i = 0; i < b; ++i) {
    if (done_[i]) continue;
    const int g = action.region[i];
    if (g < -1 || g >= static_cast<int>(nr)) {
      throw std::out_of_range(who + ": region " + std::to_string(g) + " for example " + std::to_string(i) +
                              "; expected -1 (STOP) or 0.." + std::to_string(nr - 1));
    }
    if (g >= 0 && read_[i * nr + g] && !repeat_stops) {
      throw std::invalid_argument(who + ": region " + std::to_string(g) + " of example " + std::to_string(i) +
                                  " was already read (a policy must mask read regions)");
    }
  }
}

void Episodes::step(const Action& action, StepResult& r, const ReadOne& read_one) {
  const std::size_t b = batch(), nr = regions_;
  const std::size_t per = b == 0 ? 0 : r.obs.content.size() / b;
  for (std::size_t i = 0; i < b; ++i) {
    if (done_[i]) continue;
    const int g = action.region[i];
    if (g < 0 || read_[i * nr + g]) {  // STOP, or a repeat read treated as STOP (validate allowed it)
      stop(i, r);
      continue;
    }
    read_[i * nr + g] = r.obs.read[i * nr + g] = 1;
    read_one(i, static_cast<std::size_t>(g), r.obs.content.data() + i * per, r.obs.location.data() + 2 * i);
    r.obs.region[i] = g;
    spend(i, r);
  }
}

}  // namespace saccade
