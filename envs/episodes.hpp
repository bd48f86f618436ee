// The episode rules of envs/env.hpp, written once for every env: a batch of episodes, each with a
// budget of reads, done once it stops or spends its budget, and (discrete envs) which of its R regions
// it has read. An env keeps one `Episodes`, starts it in reset and lets it do a step's bookkeeping;
// the env itself only produces a region's content.
//
//   reset(batch, regions, budget)   all episodes running, nothing read, `budget` steps left each;
//                                   regions 0 for a continuous env (read() is then empty)
//   blank_result(...)               a step's result in which nothing is read yet: zero content,
//                                   location 0, region -1, active 0, flags 0, read, steps_left and
//                                   visited as now
//   stop(i, r) / spend(i, r)        example i stops (terminated) / reads (active, one step of budget,
//                                   truncated on the last; a continuous env's location added to
//                                   visited: write r.obs.location's row first), updating the state
//                                   and r together
//   validate(action, who, repeat)   a discrete action's checks, before any state changes
//   step(action, r, read_one)       a discrete step: STOP (-1), or with repeat_stops a region already
//                                   read, stops; otherwise read_one(i, region, content, location)
//                                   fills example i's content row and location, and the read is spent
//
// Done examples are never read again: their actions are ignored and their rows stay blank.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "envs/env.hpp"

namespace saccade {

// Throws what a reset on `examples` of a split of `size` examples named `data` must throw:
// std::invalid_argument for no examples, std::out_of_range for an example past the end.
void check_reset_examples(const std::vector<std::size_t>& examples, std::size_t size, const std::string& env,
                          const std::string& data);

class Episodes {
 public:
  // Writes example i's content row (content_shape floats, zeros on entry) and its location (2 floats,
  // (row, col), zeros on entry) for region `region`.
  using ReadOne = std::function<void(std::size_t i, std::size_t region, float* content, float* location)>;

  void reset(std::size_t batch, std::size_t regions, std::size_t budget);

  std::size_t batch() const { return done_.size(); }
  std::size_t regions() const { return regions_; }
  const std::vector<std::uint8_t>& done() const { return done_; }      // [B] stopped or out of budget
  const std::vector<std::uint8_t>& read() const { return read_; }      // [B * regions]
  const std::vector<int>& steps_left() const { return steps_left_; }   // [B]
  bool all_done() const;
  // std::logic_error "<who>: step before reset" until the first reset.
  void require_started(const std::string& who) const;

  // Nothing read this step; `preview` is the episode's (size 0 if none).
  Observation blank_observation(const Array& preview, const Shape& content_shape) const;
  StepResult blank_result(const Array& preview, const Shape& content_shape, const Info& info) const;

  // Example i does not have `region` (a dialogue shorter than the env's turn slots): it is flagged
  // read from the start, so policies pass it over and a read of it is rejected. Call after reset.
  void exclude(std::size_t i, std::size_t region) { read_[i * regions_ + region] = 1; }

  void stop(std::size_t i, StepResult& r);
  void spend(std::size_t i, StepResult& r);

  // Discrete actions: action.region must have one entry per example; an example not done must name
  // -1 (STOP) or a region in [0, regions) (else std::out_of_range), and, unless repeat_stops, one it
  // has not read (else std::invalid_argument). Messages start with `who`.
  void validate(const Action& action, const std::string& who, bool repeat_stops) const;
  void step(const Action& action, StepResult& r, const ReadOne& read_one);

 private:
  std::size_t regions_ = 0;
  std::vector<std::uint8_t> done_, read_;
  std::vector<int> steps_left_;
  Array visited_;  // [B, budget, 3] (Observation::visited); empty for a discrete env
};

}  // namespace saccade
