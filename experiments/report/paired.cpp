#include "experiments/report/paired.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/random.hpp"

namespace saccade {

double sorted_quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) throw std::invalid_argument("sorted_quantile: no values");
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + (pos - static_cast<double>(i)) * (sorted[i + 1] - sorted[i]);
}

PairedInterval paired_bootstrap(const std::vector<double>& d, std::size_t resamples, std::uint64_t seed) {
  if (d.empty()) throw std::invalid_argument("paired_bootstrap: no differences");
  if (resamples == 0) throw std::invalid_argument("paired_bootstrap: no resamples");
  const std::size_t n = d.size();
  PairedInterval r;
  r.n = n;
  double sum = 0;
  for (double v : d) sum += v;
  r.mean = sum / static_cast<double>(n);
  Rng rng = Rng::stream(seed, "paired-bootstrap");
  std::vector<double> means(resamples);
  // This loop runs resamples x examples times (10^8 for a 10,000-example test split), so an index in
  // [0, n) is made by multiply-shift (Lemire), no division, from each 32-bit half of a 64-bit draw.
  // Some indices are then likelier than others by at most n / 2^32 relative (2e-6 for 10,000
  // examples), far under anything the interval can show. Larger splits use all 64 bits.
  const bool halves = n <= (std::size_t{1} << 20);
  for (double& m : means) {
    double s = 0;
    std::size_t k = 0;
    if (halves) {
      for (; k + 1 < n; k += 2) {
        const std::uint64_t x = rng.next_u64();
        s += d[static_cast<std::size_t>(((x & 0xFFFFFFFFu) * n) >> 32)];
        s += d[static_cast<std::size_t>(((x >> 32) * n) >> 32)];
      }
    }
    for (; k < n; ++k) s += d[static_cast<std::size_t>((static_cast<unsigned __int128>(rng.next_u64()) * n) >> 64)];
    m = s / static_cast<double>(n);
  }
  std::sort(means.begin(), means.end());
  r.low = sorted_quantile(means, 0.025);
  r.high = sorted_quantile(means, 0.975);
  return r;
}

double mcnemar_exact_p(std::size_t b, std::size_t c) {
  const std::size_t n = b + c, k = std::min(b, c);
  if (n == 0) return 1.0;
  // P(X <= k) = sum_{i <= k} C(n, i) / 2^n, in logs: 2^-n underflows a double beyond n = 1074, where
  // the p-value can still be near 1. Terms grow with i up to n/2, so the last is the largest and the
  // sum is taken relative to it.
  const double nd = static_cast<double>(n);
  std::vector<double> log_terms(k + 1);
  log_terms[0] = -nd * std::log(2.0);
  for (std::size_t i = 0; i < k; ++i)
    log_terms[i + 1] = log_terms[i] + std::log(nd - static_cast<double>(i)) - std::log(static_cast<double>(i + 1));
  const double top = log_terms[k];
  double relative = 0;
  for (double l : log_terms) relative += std::exp(l - top);
  return std::min(1.0, 2.0 * std::exp(top) * relative);
}

std::optional<McNemar> mcnemar_test(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) throw std::invalid_argument("mcnemar_test: the two score lists differ in length");
  McNemar m;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool binary = (a[i] == 0 || a[i] == 1) && (b[i] == 0 || b[i] == 1);
    if (!binary) return std::nullopt;
    m.b += a[i] == 1 && b[i] == 0;
    m.c += a[i] == 0 && b[i] == 1;
  }
  m.p = mcnemar_exact_p(m.b, m.c);
  return m;
}

Interval clip(const MeanCi& ci, double lo, double hi) {
  Interval r;
  r.known = ci.known();
  if (!r.known) return r;
  r.low = std::clamp(ci.low(), lo, hi);
  r.high = std::clamp(ci.high(), lo, hi);
  return r;
}

}  // namespace saccade
