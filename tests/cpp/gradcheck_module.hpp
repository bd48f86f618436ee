// Finite-difference checks for leaves that already live somewhere: a module's parameters, or an input
// Var the module is called on. tests/cpp/gradcheck.hpp builds fresh Vars from Arrays, which cannot reach
// the parameters inside a layer; this variant perturbs each leaf's value in place (and restores it),
// with the same loss L = sum(f() * w), the same weights w and the same tolerances (GradCheckOptions).
#pragma once

#include <algorithm>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>

#include "core/module.hpp"
#include "gradcheck.hpp"

namespace saccade::testing {

// `f` recomputes the output from the current values of the leaves; every leaf must require a gradient.
// Returns the number of entries compared.
inline std::size_t gradcheck_leaves(const std::string& name, const std::function<Var()>& f,
                                    const NamedParameters& leaves, GradCheckOptions opt = {}) {
  // Ops recorded earlier whose results were dropped (a forward outside NoGrad) would be differentiated
  // along with ours: start from an empty tape.
  Tape::current().clear();
  for (const auto& [leaf, v] : leaves) {
    BOOST_TEST_REQUIRE(v.requires_grad(), name << ": leaf '" << leaf << "' does not require a gradient");
    Var(v).zero_grad();
  }
  Var out = f();
  Rng rng = Rng::stream(1234, "gradcheck-weights");
  Var w(rng.uniform_array(out.shape(), 0.5f, 1.5f));
  backward(sum(out * w));

  auto loss = [&] {
    NoGrad ng;
    return static_cast<double>(sum(f() * w).item());
  };

  std::size_t compared = 0;
  for (const auto& [leaf, v] : leaves) {
    const Array analytic = v.grad();
    float* x = v.node()->value.data();
    for (std::size_t j = 0; j < v.size(); ++j) {
      const float saved = x[j];
      x[j] = saved + opt.eps;
      const double plus = loss();
      x[j] = saved - opt.eps;
      const double minus = loss();
      x[j] = saved;
      const double numeric = (plus - minus) / (2.0 * opt.eps);
      const double a = analytic.data()[j];
      if (!(std::abs(a - numeric) <= opt.atol + opt.rtol * std::abs(numeric))) {
        std::ostringstream msg;
        msg << name << ": '" << leaf << "' element " << j << ": analytic " << a << " vs numeric " << numeric;
        BOOST_ERROR(msg.str());
      }
      ++compared;
    }
  }
  BOOST_TEST(compared > 0u, name << ": nothing compared");
  return compared;
}

// Per tensor (check_tensor_gradient, gradcheck.hpp): d loss / d leaf for every leaf, where loss = f()
// if f returns one element (e.g. a cross-entropy), else sum(f() * w) as above. Each leaf's numeric
// gradient is taken with each step of opt.eps and the closer one is checked: float32 rounding spoils
// a small step (about one ulp of the loss / 2 eps per entry, ~1e-4 at eps 1e-3) and a ReLU kink a large
// one, while a wrong backward is wrong at every step. Leaves named in `zero` have a gradient that is 0
// by construction (e.g. a key bias under softmax's shift invariance): their analytic gradient must be
// ~0 instead. Returns the largest relative error.
inline double gradcheck_relative(const std::string& name, const std::function<Var()>& f, const NamedParameters& leaves,
                                 RelativeGradOptions opt = {}, const std::vector<std::string>& zero = {}) {
  Tape::current().clear();
  for (const auto& [leaf, v] : leaves) {
    BOOST_TEST_REQUIRE(v.requires_grad(), name << ": leaf '" << leaf << "' does not require a gradient");
    Var(v).zero_grad();
  }
  Var out = f();
  const bool scalar = out.size() == 1;
  Rng rng = Rng::stream(1234, "gradcheck-weights");
  Var w(scalar ? Array(xt::ones<float>(out.shape())) : rng.uniform_array(out.shape(), 0.5f, 1.5f));
  // An output that depends on no leaf (a constant entropy) has no backward: every gradient stays 0,
  // which passes only for leaves named in `zero`.
  if (const Var total = sum(out * w); total.requires_grad()) backward(total);
  // Summed in double: a float32 sum of many terms would round at the total's ulp, which swamps the
  // central difference of a loss over many outputs.
  auto loss = [&] {
    NoGrad ng;
    const Array y = f().value();
    double total = 0.0;
    for (std::size_t j = 0; j < y.size(); ++j) total += static_cast<double>(y.data()[j]) * w.value().data()[j];
    return total;
  };
  double worst = 0.0;
  for (const auto& [leaf, v] : leaves) {
    const Array analytic = v.grad();
    if (std::find(zero.begin(), zero.end(), leaf) != zero.end()) {
      BOOST_TEST(xt::amax(xt::abs(analytic))() < 1e-5f, name << " '" << leaf << "': a gradient that must be 0");
      continue;
    }
    double best = INFINITY;
    std::vector<double> best_numeric;
    for (const float eps : opt.eps) {
      std::vector<double> numeric(v.size());
      float* x = v.node()->value.data();
      for (std::size_t j = 0; j < v.size(); ++j) {
        const float saved = x[j];
        x[j] = saved + eps;
        const double plus = loss();
        x[j] = saved - eps;
        const double minus = loss();
        x[j] = saved;
        numeric[j] = (plus - minus) / (2.0 * eps);
      }
      const double rel = relative_error(analytic, numeric);
      if (rel < best || best_numeric.empty()) best = rel, best_numeric = std::move(numeric);
    }
    const double rel = check_tensor_gradient(name + " '" + leaf + "'", analytic, best_numeric, opt);
    BOOST_TEST_MESSAGE(name << " '" << leaf << "': relative error " << rel << ", ||numeric|| " << l2(best_numeric));
    worst = std::max(worst, rel);
  }
  BOOST_TEST_MESSAGE(name << ": largest relative error " << worst << " over " << leaves.size() << " tensors");
  return worst;
}

// The module's parameters plus named input leaves.
inline NamedParameters with_inputs(const Module& m, const NamedParameters& inputs) {
  NamedParameters all = m.named_parameters();
  all.insert(all.end(), inputs.begin(), inputs.end());
  return all;
}

}  // namespace saccade::testing
