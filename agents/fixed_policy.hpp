// Fixed policies: rules that do not learn. Each plans one example's reading at the start of its
// episode, from the example's previews (the same ones a learned policy sees) or from nothing; the
// policy then returns the plan a region per step. Same interface as the learned policies, no
// log-probabilities, never trained.
//
// A rule is a plain function; the table of fixed policies (experiments/tables/fixed_policies.cpp)
// names each one and says which envs it fits. Adding one is a file of its own plus a row there:
// docs/extending.md, "A fixed policy".
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "agents/policy.hpp"

namespace saccade {

// What a rule over discrete regions sees of one example.
struct RegionPlanInput {
  const EnvSpec& spec;
  const Observation& obs;        // at reset: the previews of the whole batch
  std::size_t example;           // which row of the batch
  const std::vector<int>& has;   // the regions this example has, in order (a short dialogue has fewer)
  std::size_t k;                 // how many to plan: min(budget, has.size())
  Rng& rng;
};
// The regions to read, in order, at most k of them, each one of `has`.
using RegionRule = std::vector<int> (*)(const RegionPlanInput&);

// What a rule over continuous glimpse locations sees of one example.
struct GlimpsePlanInput {
  const EnvSpec& spec;
  const Observation& obs;
  std::size_t example;
  std::size_t budget;
  Rng& rng;
};
// (row, col) locations in [-1, 1]^2, in reading order, `budget` of them.
using GlimpsePlan = std::vector<std::pair<float, float>>;
using GlimpseRule = GlimpsePlan (*)(const GlimpsePlanInput&);

class FixedRegionPolicy : public Policy {
 public:
  // Reads at most `budget` of the regions each example has (the env's spec says how many it can
  // have), in the order `rule` gives.
  FixedRegionPolicy(std::string name, RegionRule rule, std::size_t budget);
  std::string name() const override { return name_; }
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  // Regions example b's plan reads (after begin()).
  std::size_t planned(std::size_t b) const { return plan_[b].size(); }

 private:
  std::string name_;
  RegionRule rule_;
  std::size_t budget_;
  std::vector<std::vector<int>> plan_;
};

class FixedGlimpsePolicy : public Policy {
 public:
  FixedGlimpsePolicy(std::string name, GlimpseRule rule, std::size_t budget);
  std::string name() const override { return name_; }
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;

 private:
  std::string name_;
  GlimpseRule rule_;
  std::size_t budget_;
  std::vector<GlimpsePlan> plan_;  // [B][budget]
};

}  // namespace saccade
