// The table of full-view references: scored beside the budgeted policies in `eval.policies`, each
// reading every region of its layout, so more than the budget (reports mark them as references, not
// competitors). A row names its reader (empty: the run's), its region layout and the fixed policy that
// reads every region. Adding one: docs/extending.md, "A reference".
#include "experiments/tables/tables.hpp"

namespace saccade {

const std::vector<ReferenceRow>& reference_table() {
  static const std::vector<ReferenceRow> table = {
      {"all", kAnyRegions, "every region, read by the run's own reader (the full view at the same reader)", "", Layout::task, "first"},
      {"fc", kGlimpses | kPatches, "RAM's fully connected 2 x 256 baseline on the whole canvas as one region", "mlp", Layout::whole, "first"},
      {"cnn", kGlimpses | kPatches, "a CNN (3x3 convolutions of 32, 64, 64 channels, each with 2x2 max-pooling, then 256 units) on the whole canvas as one region", "cnn", Layout::whole, "first"},
  };
  return table;
}

bool is_reference(std::string_view name) { return find_row(reference_table(), name) != nullptr; }

}  // namespace saccade
