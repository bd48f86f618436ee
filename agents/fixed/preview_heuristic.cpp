// The task's preview heuristic as one rule, for the fixed confidence stop (`confidence`,
// agents/confidence_stop.hpp), which reads in it until the reader is sure: a dialogue (an answer of
// several slots) reads slot_recent's turns; images and text read their most salient regions
// (`saliency` on a thumbnail, `salient` on chunk previews). Each is the strongest fixed rule of its task
// that sees the same previews as the learned policy. Its row is in experiments/tables/fixed_policies.cpp.
#include "agents/fixed_policy.hpp"
#include "agents/region_rules.hpp"

namespace saccade {

std::vector<int> slot_recent_turns(const RegionPlanInput& in);  // agents/fixed/slot_recent.cpp

std::vector<int> preview_heuristic_regions(const RegionPlanInput& in) {
  return in.spec.num_slots > 1 ? slot_recent_turns(in) : salient_regions(in);
}

}  // namespace saccade
