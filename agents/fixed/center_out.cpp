// `center_out`, a fixed glimpse policy: a square spiral from the centre of the canvas outwards. The
// canvas is cut into n x n cells (n the smallest odd number with n * n >= budget); the first glimpse
// is at the centre cell, the next ones walk the cells around it ring by ring (right, down, left, up,
// each leg one longer every second turn), so a small budget looks where objects usually are and a
// larger one widens the search. Its row is in experiments/tables/fixed_policies.cpp.
#include <cmath>

#include "agents/fixed_policy.hpp"

namespace saccade {

GlimpsePlan center_out_glimpses(const GlimpsePlanInput& in) {
  std::size_t n = 1;
  while (n * n < in.budget) n += 2;
  const double cell = 2.0 / static_cast<double>(n);
  const auto at = [&](long i) { return static_cast<float>(-1.0 + (static_cast<double>(i) + 0.5) * cell); };
  const long c = static_cast<long>(n / 2);
  long y = c, x = c, leg = 1;
  const long dy[] = {0, 1, 0, -1}, dx[] = {1, 0, -1, 0};  // right, down, left, up
  GlimpsePlan p = {{at(y), at(x)}};
  for (int turn = 0; p.size() < in.budget; ++turn) {
    for (long s = 0; s < leg && p.size() < in.budget; ++s) {
      y += dy[turn % 4];
      x += dx[turn % 4];
      p.emplace_back(at(y), at(x));
    }
    if (turn % 2 == 1) ++leg;
  }
  return p;
}

}  // namespace saccade
