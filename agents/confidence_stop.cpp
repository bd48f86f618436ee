#include "agents/confidence_stop.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace saccade {

ConfidenceStopPolicy::ConfidenceStopPolicy(std::string name, RegionRule order, std::size_t budget)
    : plan_(std::move(name), order, budget) {}

void ConfidenceStopPolicy::begin(const PolicyContext& ctx, Rng& rng, bool greedy) {
  plan_.begin(ctx, rng, greedy);
  const std::size_t B = ctx.obs.steps_left.size();
  record_ = {};
  record_.confidence.assign(B, {});
  for (std::size_t b = 0; b < B; ++b) record_.plan_length.push_back(plan_.planned(b));
}

Decision ConfidenceStopPolicy::act(const PolicyContext& ctx, Rng& rng, bool greedy) {
  Decision d = plan_.act(ctx, rng, greedy);
  if (!ctx.prediction) return d;  // step 0: nothing read yet, never stop
  const std::size_t B = d.action.region.size();
  const std::vector<float> sure = reader_confidence(*ctx.prediction, ctx.spec.num_slots);
  for (std::size_t b = 0; b < B; ++b) {
    if (ctx.step >= record_.plan_length[b]) continue;  // this example's plan is done: it is not deciding
    if (recording_) record_.confidence[b].push_back(sure[b]);
    if (sure[b] >= threshold_) d.action.region[b] = -1;  // STOP
  }
  return d;
}

ConfidenceStopPolicy::Record ConfidenceStopPolicy::take_record() { return std::move(record_); }

std::vector<float> reader_confidence(const Var& logits, std::size_t slots) {
  const std::size_t rows = logits.shape(0), C = logits.shape(1);
  if (slots == 0 || rows % slots != 0) throw std::invalid_argument("reader_confidence: rows not a multiple of slots");
  std::vector<float> sure(rows / slots, 1.0f);
  for (std::size_t i = 0; i < rows; ++i) {
    const float* row = logits.data() + i * C;
    const float top = *std::max_element(row, row + C);
    double z = 0.0;
    for (std::size_t j = 0; j < C; ++j) z += std::exp(static_cast<double>(row[j] - top));
    sure[i / slots] = std::min(sure[i / slots], static_cast<float>(1.0 / z));  // softmax at the top logit
  }
  return sure;
}

Calibration calibrate_threshold(const ConfidenceStopPolicy::Record& record, double target) {
  const std::size_t n = record.plan_length.size();
  if (n == 0) throw std::invalid_argument("calibrate_threshold: no examples recorded");
  // An example reads min(plan, 1) regions at any threshold, plus one more for each decision whose
  // running maximum of confidence is below the threshold (once sure, it has stopped).
  double base = 0.0;
  std::vector<float> running;
  for (std::size_t e = 0; e < n; ++e) {
    base += std::min<std::size_t>(record.plan_length[e], 1);
    float m = -1.0f;
    for (float c : record.confidence[e]) running.push_back(m = std::max(m, c));
  }
  std::sort(running.begin(), running.end());
  const auto mean_at = [&](std::size_t below) { return (base + static_cast<double>(below)) / static_cast<double>(n); };
  const double want = std::clamp(target * static_cast<double>(n) - base, 0.0, static_cast<double>(running.size()));
  const auto at = static_cast<std::size_t>(std::lround(want));
  Calibration best{std::numeric_limits<double>::infinity(), mean_at(running.size())};
  if (at >= running.size()) return best;
  // Threshold running[at] leaves below it the values strictly smaller (ties fall above); the next
  // larger value leaves all of them below. Keep whichever mean is nearer the target.
  const auto lo = static_cast<std::size_t>(std::lower_bound(running.begin(), running.end(), running[at]) - running.begin());
  const auto hi = static_cast<std::size_t>(std::upper_bound(running.begin(), running.end(), running[at]) - running.begin());
  best = {running[at], mean_at(lo)};
  const Calibration above{hi < running.size() ? running[hi] : std::numeric_limits<double>::infinity(), mean_at(hi)};
  if (std::abs(above.mean_regions - target) < std::abs(best.mean_regions - target)) best = above;
  return best;
}

}  // namespace saccade
