// Finite-difference gradient checks for the autograd.
//
// For a function f of some inputs, the check builds the scalar loss L = sum(f(x) * w) with fixed
// random weights w (so every output element matters, with different weights), takes dL/dx from the
// tape, and compares each entry with the central difference (L(x + eps) - L(x - eps)) / 2 eps.
// Values are float32, so the tolerance is |analytic - numeric| <= atol + rtol * |numeric|.
#pragma once

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
