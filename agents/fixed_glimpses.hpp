// Fixed policies for continuous glimpse locations in [-1,1]^2 (row, col), with the same retina and
// budget as the learned one:
//
//   center    every glimpse at (0, 0)
//   random    each glimpse uniformly in [-1,1]^2
//   grid      a fixed scan: the budget's glimpses on a near-square grid of cell centres over the canvas
//   saliency  peaks of the thumbnail preview's energy (3x3 box-smoothed), strongest first, each peak
//             suppressing its neighbourhood so the glimpses spread over distinct blobs
#pragma once

#include <vector>

#include "agents/policy.hpp"

namespace saccade {

class FixedGlimpsePolicy : public Policy {
 public:
  FixedGlimpsePolicy(const std::string& name, std::size_t budget);
  static const std::vector<std::string>& names();
  std::string name() const override { return name_; }
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;

 private:
  std::string name_;
  std::size_t budget_;
  std::vector<std::vector<std::pair<float, float>>> plan_;  // [B][budget] (row, col)
};

}  // namespace saccade
