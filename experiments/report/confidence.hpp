// Confidence intervals for a mean over a handful of seeds. With 2-5 seeds the normal 1.96 is far too
// narrow, so the half-width uses Student's t with n-1 degrees of freedom, computed (not tabled) from
// the regularized incomplete beta function.
#pragma once

#include <cstddef>
#include <vector>

namespace saccade {

// I_x(a, b), the regularized incomplete beta function, for a, b > 0 and x in [0, 1].
double incomplete_beta(double a, double b, double x);

// P(T <= t) for Student's t with `dof` > 0 degrees of freedom.
double student_t_cdf(double t, double dof);

// The t with P(T <= t) = p, for p in (0, 1) (e.g. p = 0.975, dof = 2 gives 4.303).
double student_t_quantile(double p, double dof);

struct MeanCi {
  std::size_t n = 0;
  double mean = 0;        // NaN when n == 0
  double half_width = 0;  // NaN when n < 2: one value says nothing about its spread
  bool known() const;     // the interval exists (n >= 2)
  double low() const { return mean - half_width; }
  double high() const { return mean + half_width; }
};

// Mean and 95% two-sided interval half-width t(0.975, n-1) * s / sqrt(n), s the sample standard
// deviation (n-1 in the denominator).
MeanCi mean_ci95(const std::vector<double>& values);

}  // namespace saccade
