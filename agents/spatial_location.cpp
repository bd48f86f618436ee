#include "agents/spatial_location.hpp"

#include "agents/thumbnail_cells.hpp"
#include "core/ops.hpp"

namespace saccade {

SpatialLocationPolicy::SpatialLocationPolicy(const SpatialLocationOptions& o, Rng& rng)
    : GaussianLocationPolicy(o.gaussian, rng),
      sopt_(o),
      local_(9, o.hidden, rng),
      local_score_(o.hidden, 1, rng),
      state_score_(o.gaussian.input, o.height * o.width, rng, /*bias=*/false),
      inhibition_(o.inhibition, o.height, o.width) {
  register_module("local", local_);
  register_module("local_score", local_score_);
  register_module("state_score", state_score_);
  register_module("inhibition", inhibition_);  // no parameter when off
  centres_ = Var(cell_centres(o.height, o.width));
}

Var SpatialLocationPolicy::preview_code(const PolicyContext& ctx) const {
  const std::size_t H = sopt_.height, W = sopt_.width, P = H * W;
  const std::size_t B = ctx.obs.steps_left.size();
  Array f = cell_neighbourhoods(ctx.obs.preview, B, H, W, "spatial location policy");
  return reshape(local_score_(relu(local_(Var(std::move(f))))), {B, P});
}

Var SpatialLocationPolicy::mean(const PolicyContext& ctx, const Var& h, const Var& local_scores) const {
  Var s = local_scores + state_score_(h);
  if (inhibition_.on()) s = s + inhibition_(ctx.obs, h.shape(0));
  return matmul(softmax(s), centres_);
}

double SpatialLocationPolicy::flops_per_episode(std::size_t decisions) const {
  const double P = static_cast<double>(sopt_.height * sopt_.width), hid = static_cast<double>(sopt_.hidden);
  const double once = 2.0 * P * (9.0 * hid + hid);
  const double per = 2.0 * (static_cast<double>(sopt_.gaussian.input) * P + 2.0 * P);
  return once + static_cast<double>(decisions) * per + inhibition_.flops_per_episode(decisions);
}

}  // namespace saccade
