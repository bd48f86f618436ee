// The fixed confidence stop: the strongest fixed answer to a learned policy that may STOP. It reads in
// a fixed preview-heuristic order (the rule it is given: saliency, salient, slot_recent) and stops an
// example as soon as the reader is sure enough of its answer: the reader's top probability (for an
// answer of several slots, the least sure slot's) reaches a threshold. It never stops before reading
// one region.
//
// The threshold is not a hyperparameter chosen by hand: after training, it is set on the validation
// split so that the stop's mean regions read there equals the learned policy's (calibrate_threshold),
// so the two are compared at the same compute. Its reader is trained reading the heuristic's whole plan
// (threshold +inf), the same reader the run's `salient`/`saliency`/`slot_recent` policy would get.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "agents/fixed_policy.hpp"

namespace saccade {

class ConfidenceStopPolicy : public Policy {
 public:
  ConfidenceStopPolicy(std::string name, RegionRule order, std::size_t budget);
  std::string name() const override { return plan_.name(); }
  bool needs_prediction() const override { return true; }
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;

  double threshold() const { return threshold_; }
  void set_threshold(double t) { threshold_ = t; }
  // While recording, every act() keeps each example's confidence after each read (whether or not it
  // stops); take_record() returns the episode's, one row per example: [confidence after 1 read, 2, ...],
  // as far as the example's plan went on (its last read's is never seen: nothing is decided after it),
  // and the plan's length per example.
  void record(bool on) { recording_ = on; }
  struct Record {
    std::vector<std::vector<float>> confidence;
    std::vector<std::size_t> plan_length;
  };
  Record take_record();

 private:
  FixedRegionPolicy plan_;
  double threshold_ = std::numeric_limits<double>::infinity();
  bool recording_ = false;
  Record record_;
};

// Per example, how sure the reader is of its answer: the largest softmax probability of each of its
// `slots` rows of logits [B * slots, C], the smallest of those over the slots.
std::vector<float> reader_confidence(const Var& logits, std::size_t slots);

struct Calibration {
  double threshold = std::numeric_limits<double>::infinity();
  double mean_regions = 0.0;  // on the recorded examples, at that threshold
};

// The threshold whose mean regions read over the recorded examples is nearest `target` (an example
// with a plan reads at least 1 region, at most its plan; +inf reads every plan whole). Exact: the
// regions an example reads at threshold t are 1 + the number of its decisions whose running maximum of
// confidence is below t, so the mean is a count over one sorted list.
Calibration calibrate_threshold(const ConfidenceStopPolicy::Record& record, double target);

}  // namespace saccade
