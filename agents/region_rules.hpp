// The fixed rules over discrete regions (patches, chunks, turns), for agents/fixed_policy.hpp. Each
// plans min(budget, n) of the n regions an example has:
//   first     the first k                       (text: the beginning; dialogue: the first turns)
//   last      the last k                        (the recency window)
//   last_user the last k user turns             (dialogue: previews [R, P] whose feature 0 is 1 for
//             a user turn)
//   random    k distinct regions, uniformly
//   spaced    k regions evenly spaced over the n (images: "grid", a fixed scan of the patch grid)
//   center    the k regions nearest the centre of a square grid of regions (images)
//   saliency  the k regions with the most preview energy: sum of |preview| over the region's block of
//             a [h, w] thumbnail (preview_kind image) or over its row of [R, P] previews (text,
//             dialogue); text previews weight each token by its rarity (idf), so for text these are
//             the chunks with the rarest words (its name there: `salient`)
#pragma once

#include <vector>

#include "agents/fixed_policy.hpp"

namespace saccade {

std::vector<int> first_regions(const RegionPlanInput& in);
std::vector<int> last_regions(const RegionPlanInput& in);
std::vector<int> last_user_turns(const RegionPlanInput& in);
std::vector<int> random_regions(const RegionPlanInput& in);
std::vector<int> spaced_regions(const RegionPlanInput& in);
std::vector<int> center_regions(const RegionPlanInput& in);
std::vector<int> salient_regions(const RegionPlanInput& in);

// The k of `has` with the highest score (score[r] for region r), highest first; ties keep the lower
// region, so a plan is deterministic. For rules that rank regions.
std::vector<int> top_scored(const std::vector<int>& has, const std::vector<double>& score, std::size_t k);

}  // namespace saccade
