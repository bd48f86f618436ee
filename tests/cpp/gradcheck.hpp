// Finite-difference gradient checks for the autograd.
//
// For a function f of some inputs, the check builds the scalar loss L = sum(f(x) * w) with fixed
// random weights w (so every output element matters, with different weights), takes dL/dx from the
// tape, and compares each entry with the central difference (L(x + eps) - L(x - eps)) / 2 eps.
// Values are float32, so the tolerance is |analytic - numeric| <= atol + rtol * |numeric|.
//
// check_tensor_gradient is the per-tensor criterion (used by gradcheck_relative in
// gradcheck_module.hpp): ||analytic - numeric||_2 / ||numeric||_2 <= max_rel_error (1e-2), with the
// guard ||numeric||_2 >= min_norm (1e-2): about 100 times the central difference's float32 noise per
// entry (one ulp of an O(1) loss over 2 eps, ~1e-4 at eps 1e-3), so that a relative error of 1e-2 is
// measured, not noise; a tensor whose numeric gradient is below it fails rather than passing vacuously.
// A backward off by 10% anywhere on a tensor's path gives a relative error near 0.1 and fails.
#pragma once

#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "core/autograd.hpp"
#include "core/ops.hpp"
#include "core/random.hpp"

namespace saccade::testing {

struct GradCheckOptions {
  float eps = 1e-3f;
  float atol = 2e-3f;
  float rtol = 2e-2f;
};

struct RelativeGradOptions {
  std::vector<float> eps = {1e-3f, 3e-3f};  // central-difference steps (gradcheck_relative takes the closer)
  double max_rel_error = 1e-2;              // ||analytic - numeric|| / ||numeric|| per tensor
  double min_norm = 1e-2;                   // the guard: ||numeric|| per tensor at least this
};

inline double l2(const std::vector<double>& x) {
  double s = 0.0;
  for (double v : x) s += v * v;
  return std::sqrt(s);
}

// ||analytic - numeric||_2 / ||numeric||_2 (infinity when the numeric gradient is 0).
inline double relative_error(const Array& analytic, const std::vector<double>& numeric) {
  double diff2 = 0.0;
  for (std::size_t j = 0; j < numeric.size(); ++j) diff2 += (analytic.data()[j] - numeric[j]) * (analytic.data()[j] - numeric[j]);
  const double n = l2(numeric);
  return n > 0.0 ? std::sqrt(diff2) / n : INFINITY;
}

// One tensor's relative error ||analytic - numeric||_2 / ||numeric||_2, checked against the options
// (and the guard); returns it (infinity when the numeric gradient is zero).
inline double check_tensor_gradient(const std::string& name, const Array& analytic, const std::vector<double>& numeric,
                                    const RelativeGradOptions& opt) {
  BOOST_TEST_REQUIRE(analytic.size() == numeric.size(), name << ": gradient sizes differ");
  double diff2 = 0.0, num2 = 0.0, ana2 = 0.0;
  for (std::size_t j = 0; j < numeric.size(); ++j) {
    const double a = analytic.data()[j];
    diff2 += (a - numeric[j]) * (a - numeric[j]);
    num2 += numeric[j] * numeric[j];
    ana2 += a * a;
  }
  const double num = std::sqrt(num2), rel = num > 0.0 ? std::sqrt(diff2) / num : INFINITY;
  BOOST_TEST(num >= opt.min_norm, name << ": ||numeric gradient|| " << num << " is below the guard " << opt.min_norm
                                       << " (||analytic|| " << std::sqrt(ana2) << "): the check would be vacuous");
  BOOST_TEST(rel <= opt.max_rel_error, name << ": relative error " << rel << " > " << opt.max_rel_error
                                            << " (||numeric|| " << num << ", ||analytic|| " << std::sqrt(ana2) << ")");
  return rel;
}

using VarFn = std::function<Var(const std::vector<Var>&)>;

// Checks d/dx of every input that `check[i]` marks (all by default). Reports each mismatch with the
// input index and element. Returns the number of entries compared.
inline std::size_t gradcheck(const std::string& name, const VarFn& f, const std::vector<Array>& inputs,
                             GradCheckOptions opt = {}, std::vector<bool> check = {}) {
  if (check.empty()) check.assign(inputs.size(), true);
  std::vector<Var> vars;
  for (std::size_t i = 0; i < inputs.size(); ++i) vars.emplace_back(inputs[i], check[i]);

  Var out = f(vars);
  Rng rng = Rng::stream(1234, "gradcheck-weights");
  Var w(rng.uniform_array(out.shape(), 0.5f, 1.5f));
  backward(sum(out * w));

  auto loss_at = [&](std::vector<Array> xs) {
    NoGrad ng;
    std::vector<Var> vs;
    for (auto& x : xs) vs.emplace_back(x);
    return static_cast<double>(sum(f(vs) * w).item());
  };

  std::size_t compared = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!check[i]) continue;
    const Array analytic = vars[i].grad();
    for (std::size_t j = 0; j < inputs[i].size(); ++j) {
      std::vector<Array> plus = inputs, minus = inputs;
      plus[i].data()[j] += opt.eps;
      minus[i].data()[j] -= opt.eps;
      const double numeric = (loss_at(plus) - loss_at(minus)) / (2.0 * opt.eps);
      const double a = analytic.data()[j];
      const bool ok = std::abs(a - numeric) <= opt.atol + opt.rtol * std::abs(numeric);
      if (!ok) {
        std::ostringstream msg;
        msg << name << ": input " << i << " element " << j << ": analytic " << a << " vs numeric " << numeric;
        BOOST_ERROR(msg.str());
      }
      ++compared;
    }
  }
  BOOST_TEST(compared > 0u, name << ": nothing compared");
  return compared;
}

}  // namespace saccade::testing
