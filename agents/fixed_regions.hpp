// Fixed policies over discrete regions: a plan of which regions to read, made per example at the
// start of the episode from rules that do not learn. Same interface as the learned policies, no
// log-probabilities, never trained.
//
// Plans are made over the regions an example has (those not flagged in obs.read at the start: a
// dialogue shorter than the env's R turns has the rest flagged), n of them, at most k:
//   first    the first k                       (text: the beginning; dialogue: the first turns)
//   last     the last k                        (the recency window)
//   last_user the last k user turns            (dialogue: previews [R, P] whose feature 0 is 1 for
//            a user turn)
//   random   k distinct regions, uniformly
//   spaced   k regions evenly spaced over the n (images: "grid", a fixed scan of the patch grid)
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
