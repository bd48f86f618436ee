// Stepping a policy by hand in tests: one decision at a step, from summary rows or previews.
#pragma once

#include <algorithm>
#include <vector>

#include "agents/policy.hpp"

namespace saccade::testing {

constexpr std::size_t H = 4;                                // the summary width these tests use
inline const std::vector<float> h0 = {0.3f, -0.2f, 0.5f, 0.1f};  // one summary row of width H

// `rows` copies of one summary row.
inline Var summaries(std::size_t rows, const std::vector<float>& h) {
  Array s = Array::from_shape({rows, h.size()});
  for (std::size_t b = 0; b < rows; ++b) std::copy(h.begin(), h.end(), s.data() + b * h.size());
  return Var(s);
}

// One decision at `step` (begin() first at step 0), 3 steps left for every example, having read
// `visited` (Observation::visited; none if empty).
inline Decision act(Policy& p, const Var& summary, std::size_t step, Rng& rng, bool greedy, const Array& preview = {},
                    const Array& visited = {}) {
  EnvSpec spec;
  Observation obs;
  obs.preview = preview;
  obs.visited = visited;
  obs.steps_left.assign(summary.defined() ? summary.shape(0) : preview.shape()[0], 3);
  const PolicyContext ctx{spec, obs, summary, step};
  if (step == 0) p.begin(ctx, rng, greedy);
  return p.act(ctx, rng, greedy);
}

}  // namespace saccade::testing
