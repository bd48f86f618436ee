// Finite-difference checks for leaves that already live somewhere: a module's parameters, or an input
// Var the module is called on. tests/cpp/gradcheck.hpp builds fresh Vars from Arrays, which cannot reach
// the parameters inside a layer; this variant perturbs each leaf's value in place (and restores it),
// with the same loss L = sum(f() * w), the same weights w and the same tolerances (GradCheckOptions).
#pragma once

#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/test/unit_test.hpp>

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

// The module's parameters plus named input leaves.
inline NamedParameters with_inputs(const Module& m, const NamedParameters& inputs) {
  NamedParameters all = m.named_parameters();
  all.insert(all.end(), inputs.begin(), inputs.end());
  return all;
}

}  // namespace saccade::testing
