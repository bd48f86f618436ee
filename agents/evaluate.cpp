#include "agents/evaluate.hpp"

#include <algorithm>

#include "agents/anytime.hpp"
#include "core/interrupt.hpp"

namespace saccade {

namespace {

double median(std::vector<double> v) {  // the upper one of an even count; 0 for none
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

}  // namespace

EvalResult evaluate(Env& env, const Reader& reader, Policy& policy, std::size_t count, std::size_t batch_size,
                    std::uint64_t seed, Rng& rng, bool anytime) {
  NoGrad no_grad;
  EvalResult r;
  const EnvSpec& spec = env.spec();
  r.confusion = Confusion(spec.num_slots, spec.num_classes);
  anytime = anytime && !spec.region_is_preview;
  if (anytime) r.anytime.assign(spec.max_steps, 0.0);
  std::vector<double> us, policy_us;
  double correct = 0.0, regions = 0.0, flops = 0.0, on_evidence = 0.0;
  bool knows_evidence = true;
  r.scores.reserve(count);
  for (std::size_t begin = 0; begin < count; begin += batch_size) {
    const std::size_t end = std::min(count, begin + batch_size);
    std::vector<std::size_t> examples(end - begin);
    for (std::size_t i = begin; i < end; ++i) examples[i - begin] = i;
    const Episode ep = run_episode(env, reader, policy, examples, seed, rng, /*greedy=*/true, {.step_predictions = anytime});
    check_interrupt();  // a host's Ctrl-C (core/interrupt.hpp)
    for (float c : correct_per_example(ep.logits, ep.labels, ep.slots)) {
      correct += c;
      r.scores.push_back(c);
    }
    r.confusion.add(ep.labels, predicted_classes(ep.logits));
    if (anytime) {
      const std::vector<double> c = anytime_correct(ep, spec.max_steps);
      for (std::size_t k = 0; k < c.size(); ++k) r.anytime[k] += c[k];
    }
    for (int n : ep.regions_read) regions += n;
    knows_evidence = knows_evidence && !ep.evidence.empty();
    for (std::size_t t = 0; t < ep.read_now.size(); ++t)
      for (std::size_t b = 0; b < examples.size(); ++b) on_evidence += read_evidence(ep, t, b) == 1;
    flops += ep.reader_flops + ep.policy_flops;
    us.push_back(ep.seconds * 1e6 / static_cast<double>(examples.size()));
    policy_us.push_back(ep.policy_seconds * 1e6 / static_cast<double>(examples.size()));
  }
  r.examples = count;
  r.accuracy = correct / static_cast<double>(count);
  r.mean_regions = regions / static_cast<double>(count);
  if (knows_evidence && regions > 0) r.evidence_read = on_evidence / regions;
  r.flops_per_example = flops / static_cast<double>(count);
  r.us_per_example = median(us);
  r.policy_us_per_example = median(policy_us);
  r.macro_f1 = macro_f1(class_scores(r.confusion));
  return r;
}

}  // namespace saccade
