#include "agents/gaussian_location.hpp"

#include <algorithm>
#include <cmath>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xstrided_view.hpp>

#include "core/ops.hpp"

namespace saccade {

GaussianLocationPolicy::GaussianLocationPolicy(const GaussianLocationOptions& o, Rng& rng)
    : opt_(o), mean_(o.input + (o.preview_size ? o.preview_hidden : 0), 2, rng) {
  register_module("mean", mean_);
  if (o.preview_size) {
    preview_ = Linear(o.preview_size, o.preview_hidden, rng);
    register_module("preview", preview_);
  }
  if (o.stop) {
    stop_ = Linear(o.input, 1, rng);
    register_module("stop", stop_);
  }
}

void GaussianLocationPolicy::begin(const PolicyContext& ctx, Rng&, bool) {
  if (!opt_.preview_size) return;
  const std::size_t B = ctx.obs.steps_left.size();
  preview_code_ = relu(preview_(Var(xt::reshape_view(ctx.obs.preview, {B, opt_.preview_size}))));
}

Var GaussianLocationPolicy::mean(const PolicyContext&, const Var& h) const {
  return tanh(mean_(opt_.preview_size ? concat({h, preview_code_}, 1) : h));
}

Decision GaussianLocationPolicy::act(const PolicyContext& ctx, Rng& rng, bool greedy) {
  const Var h = ctx.summary.detach();
  const std::size_t B = h.shape(0);
  const Var mean = this->mean(ctx, h);
  // The sample is a constant: the gradient reaches the mean through log N(l; mean, std^2) only.
  Array sample = mean.value();
  if (!greedy) {
    for (auto& v : sample) v += opt_.std * static_cast<float>(rng.normal());
  }
  Decision d;
  d.action.location = xt::clip(sample, -1.0f, 1.0f);
  d.action.stop.assign(B, 0);
  if (!grad_enabled() && !opt_.stop) return d;  // no gradient to take: the log-probability is not needed
  const Var std_var(Array(opt_.std));
  d.log_prob = sum(gaussian_log_prob(Var(sample), mean, std_var), -1);
  // A fixed-std Gaussian's entropy is a constant: it carries no gradient, but is reported.
  const float gauss_entropy = 2.0f * 0.5f * std::log(2.0f * static_cast<float>(M_PI) * std::exp(1.0f) * opt_.std * opt_.std);
  d.entropy = Var(xt::ones<float>({B}) * gauss_entropy);
  if (opt_.stop && ctx.step >= opt_.min_steps) {
    const Var logit = reshape(stop_(h), {B});
    Array stop_taken = Array::from_shape({B});
    for (std::size_t i = 0; i < B; ++i) {
      const float p = 1.0f / (1.0f + std::exp(-logit.value()(i)));
      const bool s = greedy && opt_.greedy_stop ? p > 0.5f : rng.bernoulli(p);
      stop_taken(i) = s ? 1.0f : 0.0f;
      d.action.stop[i] = s ? 1 : 0;
    }
    d.log_prob = d.log_prob + bernoulli_log_prob(logit, stop_taken);
    d.entropy = d.entropy + bernoulli_entropy(logit);
  }
  return d;
}

double GaussianLocationPolicy::flops_per_episode(std::size_t decisions) const {
  const double in = static_cast<double>(opt_.input + (opt_.preview_size ? opt_.preview_hidden : 0));
  const double preview_once = 2.0 * static_cast<double>(opt_.preview_size * opt_.preview_hidden);
  return preview_once + static_cast<double>(decisions) * 2.0 * in * (opt_.stop ? 3.0 : 2.0);
}

}  // namespace saccade
