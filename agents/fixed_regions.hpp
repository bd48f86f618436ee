// Fixed policies over discrete regions: a plan of which regions to read, made per example at the
// start of the episode from rules that do not learn. Same interface as the learned policies, no
// log-probabilities, never trained.
//
//   first    regions 0, 1, ..., k-1            (text: the beginning; dialogue: the first turns)
//   last     regions R-k, ..., R-1             (the recency window)
//   random   k distinct regions, uniformly
//   spaced   k regions evenly spaced over 0..R-1 (images: "grid", a fixed scan of the patch grid)
//   all      every region (the full view)
//   center   the k regions nearest the centre of a square n x n grid (images)
//   saliency the k regions with the most preview energy: sum of |preview| over the region's block of
//            a [h, w] thumbnail (spec.preview_kind image) or over its row of [R, P] previews (text,
//            dialogue)
//   salient  the same rule under the name text uses: text previews weight each token by its rarity
//            (idf), so these are the chunks with the rarest words
#pragma once

#include <functional>
#include <vector>

#include "agents/policy.hpp"

namespace saccade {

class FixedRegionPolicy : public Policy {
 public:
  // Names listed above; throws std::invalid_argument naming the unknown one and the choices.
  FixedRegionPolicy(const std::string& name, std::size_t regions, std::size_t budget);
  static const std::vector<std::string>& names();
  std::string name() const override { return name_; }
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;

 private:
  std::string name_;
  std::size_t regions_, budget_;
  std::vector<std::vector<int>> plan_;
};

}  // namespace saccade
