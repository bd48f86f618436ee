#include "agents/returns.hpp"

#include <algorithm>
#include <cmath>

namespace saccade {

namespace {

// 1 where example b decides at t + 1 (0 past the last decision).
double next_deciding(const std::vector<Array>& deciding, std::size_t t, std::size_t b) {
  return t + 1 < deciding.size() ? deciding[t + 1](b) : 0.0;
}

}  // namespace

std::vector<Array> discounted_returns(const std::vector<Array>& rewards, const std::vector<Array>& deciding, float gamma) {
  const std::size_t T = rewards.size();
  std::vector<Array> g(T);
  for (std::size_t i = T; i-- > 0;) {
    const std::size_t B = rewards[i].size();
    g[i] = Array::from_shape({B});
    for (std::size_t b = 0; b < B; ++b) {
      const double later = i + 1 < T ? next_deciding(deciding, i, b) * g[i + 1](b) : 0.0;
      g[i](b) = deciding[i](b) ? static_cast<float>(rewards[i](b) + gamma * later) : 0.0f;
    }
  }
  return g;
}

std::vector<Array> gae_advantages(const std::vector<Array>& rewards, const std::vector<Array>& values,
                                  const std::vector<Array>& deciding, float gamma, float lambda) {
  const std::size_t T = rewards.size();
  std::vector<Array> a(T);
  for (std::size_t i = T; i-- > 0;) {
    const std::size_t B = rewards[i].size();
    a[i] = Array::from_shape({B});
    for (std::size_t b = 0; b < B; ++b) {
      const double on = next_deciding(deciding, i, b);
      const double v_next = on ? values[i + 1](b) : 0.0, a_next = on ? a[i + 1](b) : 0.0;
      const double delta = rewards[i](b) + gamma * v_next - values[i](b);
      a[i](b) = deciding[i](b) ? static_cast<float>(delta + gamma * lambda * a_next) : 0.0f;
    }
  }
  return a;
}

void normalize_advantages(std::vector<Array>& adv, const std::vector<Array>& deciding) {
  double sum = 0.0, sum2 = 0.0, n = 0.0;
  for (std::size_t t = 0; t < adv.size(); ++t)
    for (std::size_t b = 0; b < adv[t].size(); ++b) {
      sum += adv[t](b);
      sum2 += adv[t](b) * adv[t](b);
      n += deciding[t](b);
    }
  if (n < 2) return;
  const double mean = sum / n, sd = std::sqrt(std::max(1e-12, sum2 / n - mean * mean));
  for (std::size_t t = 0; t < adv.size(); ++t)
    for (std::size_t b = 0; b < adv[t].size(); ++b)
      adv[t](b) = deciding[t](b) ? static_cast<float>((adv[t](b) - mean) / (sd + 1e-8)) : 0.0f;
}

}  // namespace saccade
