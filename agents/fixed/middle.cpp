// `middle`, a fixed region policy: the k regions nearest the middle of what the example has, read in
// document order. For text, where a passage is often surrounded by preamble and sign-off, and as the
// counterpart of `first` and `last`. Its row is in experiments/tables/fixed_policies.cpp.
#include <algorithm>
#include <cmath>

#include "agents/fixed_policy.hpp"
#include "agents/region_rules.hpp"

namespace saccade {

std::vector<int> middle_regions(const RegionPlanInput& in) {
  const double mid = (static_cast<double>(in.has.size()) - 1.0) / 2.0;
  std::vector<double> score(in.spec.num_regions, 0.0);
  for (std::size_t j = 0; j < in.has.size(); ++j)
    score[static_cast<std::size_t>(in.has[j])] = -std::abs(static_cast<double>(j) - mid);  // nearer the middle: higher
  std::vector<int> p = top_scored(in.has, score, in.k);
  std::sort(p.begin(), p.end());
  return p;
}

}  // namespace saccade
