// The learned policy over a fixed set of regions with one preview row each (text chunks, dialogue
// turns), built from the config the same way for every such task:
//
//   policy.type topk   TopKRegionPolicy: one shared scorer over each region's preview row; k =
//                      policy.budget regions at once, or with policy.stop a reading order and STOP
//   policy.type jump   JumpReadingPolicy: one region at a time from the reader's summary and the
//                      previews, ahead of the last (policy.order forward, policy.max_jump) or any
//                      unread one, and STOP with policy.stop
//
// policy.hidden, policy.min_steps and policy.greedy_stop apply to both.
#pragma once

#include <memory>
#include <string>

#include "agents/policy.hpp"
#include "experiments/config/config.hpp"

namespace saccade {

struct RegionPreviews {
  std::size_t regions = 0;      // R
  std::size_t features = 0;     // a dense row's width, or a bag's feature count (hash buckets)
  std::size_t bag_slots = 0;    // > 0: each row is a bag of this many (feature, weight) pairs
  std::size_t summary = 0;      // the reader's summary size (STOP heads and jumps read it)
  std::size_t budget = 0;       // policy.budget
  std::string default_type;     // policy.type when unset
  bool any_order = false;       // jump: any unread region whatever policy.order says
};

std::unique_ptr<Policy> learned_region_policy(const Config& cfg, const RegionPreviews& previews, Rng& rng);

}  // namespace saccade
