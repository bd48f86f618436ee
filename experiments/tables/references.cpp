// The table of references: scored beside the budgeted policies in `eval.policies` and marked as
// references, not competitors, in reports. The full-view ones read every region of their layout, so
// more than the budget; `preview` reads none (its layout's one region is the example's previews,
// envs/preview_env.hpp, and its results show 0 regions read: what a budgeted policy scores above it is
// what its reading adds). A row names its reader (empty: the run's), its region layout and the fixed policy
// that reads every region. Adding one: docs/extending.md, "A reference".
#include "experiments/tables/tables.hpp"

namespace saccade {

const std::vector<ReferenceRow>& reference_table() {
  static const std::vector<ReferenceRow> table = {
      {"all", kAnyRegions, "every region, read by the run's own reader (the full view at the same reader)", "", Layout::task, "first"},
      {"fc", kGlimpses | kPatches, "RAM's fully connected 2 x 256 baseline on the whole canvas as one region", "mlp", Layout::whole, "first"},
      {"cnn", kGlimpses | kPatches, "a CNN (3x3 convolutions of 32, 64, 64 channels, each with 2x2 max-pooling, then 256 units) on the whole canvas as one region", "cnn", Layout::whole, "first"},
      {"preview", kGlimpses | kAnyRegions,
       "a classifier on the previews alone, reading no region (0 regions read): what reading adds", "preview", Layout::preview, "first"},
  };
  return table;
}

bool is_reference(std::string_view name) { return find_row(reference_table(), name) != nullptr; }

}  // namespace saccade
