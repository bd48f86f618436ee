#include "agents/region_scorer.hpp"

#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {

RegionScorer::RegionScorer(const RegionScorerOptions& o, Rng& rng)
    : MLP(o.features ? std::vector<std::size_t>{o.features, o.hidden, 1} : std::vector<std::size_t>{o.preview_size, o.hidden, o.regions},
          rng),
      opt_(o) {}

Var RegionScorer::logits(const Observation& obs) const {
  const std::size_t B = obs.preview.shape()[0], R = opt_.regions;
  if (opt_.bag_slots)
    return reshape(forward(bag_rows(xt::reshape_view(obs.preview, {B * R, 2 * opt_.bag_slots}), opt_.features)), {B, R});
  if (opt_.features) return reshape(forward(Var(xt::reshape_view(obs.preview, {B * R, opt_.features}))), {B, R});
  return forward(Var(xt::reshape_view(obs.preview, {B, opt_.preview_size})));
}

double RegionScorer::flops() const {
  // A bag's first layer touches bag_slots weight rows, not `features`.
  const std::size_t inputs = opt_.bag_slots ? opt_.bag_slots : opt_.features;
  if (opt_.features) return 2.0 * static_cast<double>(opt_.regions * (inputs * opt_.hidden + opt_.hidden));
  return 2.0 * static_cast<double>(opt_.preview_size * opt_.hidden + opt_.hidden * opt_.regions);
}

Array flagged_read(const Observation& obs, std::size_t R) {
  const std::size_t B = obs.preview.shape()[0];
  Array flagged = xt::zeros<float>({B, R});
  if (obs.read.size() == B * R)
    for (std::size_t i = 0; i < B * R; ++i) flagged.data()[i] = obs.read[i] ? 1.0f : 0.0f;
  return flagged;
}

}  // namespace saccade
