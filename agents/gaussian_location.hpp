// RAM's location policy: a Gaussian with fixed std around a mean read from the reader's state.
//
//   mean = tanh(h W + b)      h: the reader's summary, DETACHED (the classifier's gradient must not
//                             flow through the location, a known trap of RAM re-implementations)
//   l ~ N(mean, std^2)        std fixed (0.05-0.2 works; 0.1 default), l clipped to [-1,1] for the env
//
// With `stop` on, a Bernoulli STOP head sigmoid(h w_s + b_s) may end the episode from step
// `min_steps` on, so the number of glimpses varies per example.
#pragma once

#include "agents/policy.hpp"
#include "core/layers.hpp"

namespace saccade {

struct GaussianLocationOptions {
  std::size_t input = 256;  // the reader's summary size
  float std = 0.1f;
  bool stop = false;
  std::size_t min_steps = 1;
};

class GaussianLocationPolicy : public Policy {
 public:
  GaussianLocationPolicy(const GaussianLocationOptions& options, Rng& rng);
  std::string name() const override { return "adaptive"; }
  bool learned() const override { return true; }
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  double flops_per_episode(std::size_t decisions) const override;

 private:
  GaussianLocationOptions opt_;
  Linear mean_, stop_;
};

}  // namespace saccade
