#include "experiments/report/confidence.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace saccade {

namespace {

// The continued fraction for I_x(a, b) (modified Lentz), which converges fast for x < (a+1)/(a+b+2);
// the caller uses the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) on the other side.
double beta_continued_fraction(double a, double b, double x) {
  constexpr double tiny = 1e-300, eps = 1e-15;
  double c = 1, d = 1 - (a + b) * x / (a + 1);
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 1000; ++m) {
    const double m2 = 2.0 * m;
    // Even step, then odd step, of the fraction's terms.
    double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    for (int odd = 0; odd < 2; ++odd) {
      d = 1 + num * d;
      if (std::fabs(d) < tiny) d = tiny;
      c = 1 + num / c;
      if (std::fabs(c) < tiny) c = tiny;
      d = 1 / d;
      const double delta = d * c;
      h *= delta;
      if (odd == 1 && std::fabs(delta - 1) < eps) return h;
      num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    }
  }
  return h;  // not converged to 1e-15 after 1000 terms: still accurate far beyond what we print
}

}  // namespace

double incomplete_beta(double a, double b, double x) {
  if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1)) throw std::invalid_argument("incomplete_beta: bad arguments");
  if (x == 0 || x == 1) return x;
  // x^a (1-x)^b / (a B(a, b)), in logs to avoid overflow for large a, b.
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

double student_t_cdf(double t, double dof) {
  if (!(dof > 0)) throw std::invalid_argument("student_t_cdf: dof must be > 0");
  // P(|T| > |t|) = I_{dof/(dof+t^2)}(dof/2, 1/2).
  const double tail = 0.5 * incomplete_beta(dof / 2, 0.5, dof / (dof + t * t));
  return t >= 0 ? 1 - tail : tail;
}

double student_t_quantile(double p, double dof) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument("student_t_quantile: p must be in (0, 1)");
  if (!(dof > 0)) throw std::invalid_argument("student_t_quantile: dof must be > 0");
  if (p < 0.5) return -student_t_quantile(1 - p, dof);
  // The CDF is increasing: bracket the root, then bisect. 200 halvings reach double precision; the
  // cost is nothing next to reading a CSV.
  double lo = 0, hi = 1;
  while (student_t_cdf(hi, dof) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return std::numeric_limits<double>::infinity();
  }
  for (int i = 0; i < 200 && hi - lo > 1e-14 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (student_t_cdf(mid, dof) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

bool MeanCi::known() const { return n >= 2 && std::isfinite(half_width); }

MeanCi mean_ci95(const std::vector<double>& values) {
  MeanCi r;
  r.n = values.size();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.mean = r.half_width = nan;
  if (r.n == 0) return r;
  double sum = 0;
  for (double v : values) sum += v;
  r.mean = sum / static_cast<double>(r.n);
  if (r.n < 2) return r;
  double squares = 0;
  for (double v : values) squares += (v - r.mean) * (v - r.mean);
  const double sd = std::sqrt(squares / static_cast<double>(r.n - 1));
  r.half_width = student_t_quantile(0.975, static_cast<double>(r.n - 1)) * sd / std::sqrt(static_cast<double>(r.n));
  return r;
}

}  // namespace saccade
