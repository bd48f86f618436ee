// RAM's location policy: a Gaussian with fixed std around a mean read from the reader's state.
//
//   mean = tanh(h W + b)      h: the reader's summary, DETACHED (the classifier's gradient must not
//                             flow through the location, a known trap of RAM re-implementations)
//   l ~ N(mean, std^2)        std fixed (0.05-0.2 works; 0.1 default), l clipped to [-1,1] for the env
//
// With `preview_size` > 0 the mean also reads the env's cheap preview (the canvas thumbnail):
//   mean = tanh([h, relu(preview W_p + b_p)] W + b)
// so the first glimpse can already go where the thumbnail shows something (PatchDrop's idea applied
// to glimpses). The fixed `saliency` policy reads the same preview.
//
// With `stop` on, a Bernoulli STOP head sigmoid(h w_s + b_s) may end the episode from step
// `min_steps` on, so the number of glimpses varies per example. In greedy (evaluation) mode the
// location is the mean but STOP is still one sample of the head, unless `greedy_stop`: the budget
// the Lagrange multiplier held during training is that of the stochastic STOP, and thresholding
// probabilities near 1/2 at 0.5 flips whole batches between reading one region and all of them.
#pragma once

#include "agents/policy.hpp"
#include "core/layers.hpp"

namespace saccade {

struct GaussianLocationOptions {
  std::size_t input = 256;  // the reader's summary size
  float std = 0.1f;
  bool stop = false;
  std::size_t min_steps = 1;
  bool greedy_stop = false;         // evaluation thresholds STOP at p > 1/2 instead of sampling it
  std::size_t preview_size = 0;     // elements of one example's preview; 0: RAM's policy (h only)
  std::size_t preview_hidden = 64;
};

class GaussianLocationPolicy : public Policy {
 public:
  GaussianLocationPolicy(const GaussianLocationOptions& options, Rng& rng);
  std::string name() const override { return "adaptive"; }
  bool learned() const override { return true; }
  bool needs_summary() const override { return true; }
  // The preview's code (preview_code()) is computed here once: the thumbnail is fixed for the episode.
  void begin(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  Decision act(const PolicyContext& ctx, Rng& rng, bool greedy) override;
  // From d.sample (the location before clipping) and d.action.stop; the preview's code is computed
  // again from ctx.obs.preview.
  Scored log_prob(const PolicyContext& ctx, const Decision& d) const override;
  // The preview's code once, from the first step's preview (fixed for the episode).
  std::vector<Scored> log_prob_episode(const std::vector<PolicyContext>& steps,
                                       const std::vector<Decision>& decisions) const override;
  Decision decision_from(const PolicyContext& ctx, const std::vector<Action>& taken) const override;
  double flops_per_episode(std::size_t decisions) const override;

 protected:
  // What the mean reads from the episode's fixed preview: [B, preview_hidden] here, undefined
  // without a preview. begin() keeps it for the episode; log_prob() recomputes it from its context.
  virtual Var preview_code(const PolicyContext& ctx) const;
  // The location's mean [B, 2] from the detached summary h and the episode's preview code; `ctx` is
  // the decision's (what has been read so far).
  virtual Var mean(const PolicyContext& ctx, const Var& h, const Var& code) const;
  GaussianLocationOptions opt_;

 private:
  // The STOP head's logit [B] where it decides (stop on, from min_steps), else undefined.
  Var stop_logit(const PolicyContext& ctx, const Var& h) const;
  // log N(sample; mean, std^2) over both coordinates and its entropy, plus the STOP head's Bernoulli
  // of the `stop` taken where `stop_logit` is defined: act() and log_prob() share it.
  Scored score(const Var& mean, const Array& sample, const Var& stop_logit, const std::vector<std::uint8_t>& stop) const;

  Linear mean_, stop_, preview_;
  Var code_;  // preview_code() of the current episode
};

}  // namespace saccade
