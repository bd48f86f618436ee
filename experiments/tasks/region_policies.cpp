#include "experiments/tasks/region_policies.hpp"

#include "agents/jump_reading.hpp"
#include "agents/top_k_regions.hpp"

namespace saccade {

std::unique_ptr<Policy> learned_region_policy(const Config& cfg, const RegionPreviews& p, Rng& rng) {
  const auto hidden = static_cast<std::size_t>(cfg.get<int>("policy.hidden"));
  const bool stop = cfg.get<bool>("policy.stop");
  const auto min_steps = static_cast<std::size_t>(cfg.get<int>("policy.min_steps"));
  const bool greedy_stop = cfg.get<bool>("policy.greedy_stop");
  if (cfg.get_or<std::string>("policy.type", p.default_type) == "jump") {
    JumpReadingOptions o;
    o.input = p.summary;
    o.regions = p.regions;
    o.preview_size = p.features;
    o.bag_slots = p.bag_slots;
    o.max_jump = static_cast<std::size_t>(cfg.get<int>("policy.max_jump"));
    o.any_order = p.any_order || cfg.get<std::string>("policy.order") == "any";
    o.hidden = hidden;
    o.stop = stop;
    o.min_steps = min_steps;
    o.greedy_stop = greedy_stop;
    return std::make_unique<JumpReadingPolicy>(o, rng);
  }
  TopKRegionOptions o;
  o.regions = p.regions;
  o.features = p.features;  // one scorer shared by every region's row
  o.bag_slots = p.bag_slots;
  o.preview_size = p.regions * (p.bag_slots ? 2 * p.bag_slots : p.features);
  o.k = p.budget;
  o.hidden = hidden;
  o.stop = stop;  // then the budget is a cap and the k regions an order
  o.input = p.summary;
  o.min_steps = min_steps;
  o.greedy_stop = greedy_stop;
  return std::make_unique<TopKRegionPolicy>(o, rng);
}

}  // namespace saccade
