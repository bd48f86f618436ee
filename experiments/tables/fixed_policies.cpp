// The table of fixed policies: the names `eval.policies` may list beside the references
// (experiments/tables/references.cpp). A row: the name, the envs it fits, a line of doc, and its rule
// (agents/fixed_policy.hpp): over discrete regions, or over glimpse locations. One name may have both
// (`center` on glimpses and on patches). Adding one is a file with its rule plus a row here:
// docs/extending.md, "A fixed policy".
#include "agents/glimpse_rules.hpp"
#include "agents/region_rules.hpp"
#include "experiments/tables/tables.hpp"

namespace saccade {

// Rules in files of their own (agents/fixed/).
GlimpsePlan center_out_glimpses(const GlimpsePlanInput& in);  // agents/fixed/center_out.cpp
std::vector<int> middle_regions(const RegionPlanInput& in);   // agents/fixed/middle.cpp
std::vector<int> slot_recent_turns(const RegionPlanInput& in);  // agents/fixed/slot_recent.cpp
std::vector<int> preview_heuristic_regions(const RegionPlanInput& in);  // agents/fixed/preview_heuristic.cpp

const std::vector<FixedPolicyRow>& fixed_policy_table() {
  static const std::vector<FixedPolicyRow> table = {
      {"first", kAnyRegions, "the first regions (text: the beginning; dialogue: the first turns)", first_regions},
      {"last", kAnyRegions, "the last regions (dialogue: the recency window deployed assistants keep)", last_regions},
      {"last_user", kTurns, "the last user turns", last_user_turns},
      {"random", kAnyRegions | kGlimpses, "regions (or glimpse locations) uniformly at random", random_regions, random_glimpses},
      {"spaced", kAnyRegions, "regions evenly spaced over those the example has", spaced_regions},
      {"grid", kPatches | kGlimpses, "a fixed scan: patches evenly spaced over the grid, or glimpses at the cells of a near-square grid",
       spaced_regions, grid_glimpses},
      {"center", kPatches | kGlimpses, "the patches nearest the centre, or every glimpse at the centre", center_regions, center_glimpses},
      {"saliency", kPatches | kGlimpses, "the patches with the most thumbnail energy, or glimpses at its peaks (each suppressing its neighbourhood)",
       salient_regions, saliency_glimpses},
      {"salient", kChunks, "the chunks whose previews weigh most: those with the rarest words (idf)", salient_regions},
      {"center_out", kGlimpses, "glimpses on a square spiral from the centre outwards", nullptr, center_out_glimpses},
      {"middle", kAnyRegions, "the regions nearest the middle of the example, in order", middle_regions},
      {"slot_recent", kTurns,
       "each slot's last mentioning turn (read once if shared; over budget, slots in the order cuisine, location, party size, "
       "price: the most values first), then the last user turns",
       slot_recent_turns},
      {"confidence", kAnyRegions,
       "the task's preview heuristic (saliency, salient, slot_recent) in order, stopping once the reader's top probability "
       "passes a threshold set on validation to adaptive's mean regions read (for runs with STOP)",
       preview_heuristic_regions, nullptr, true},
  };
  return table;
}

}  // namespace saccade
