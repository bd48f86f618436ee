// The tape itself: accumulation, shared inputs, no-grad mode, detach, errors.
#define BOOST_TEST_MODULE autograd
#include <boost/test/unit_test.hpp>

#include "core/ops.hpp"

using namespace saccade;

BOOST_AUTO_TEST_CASE(shared_input_accumulates) {
  Var x(Array{3.f}, true);
  backward(sum(x * x + x));  // d/dx (x^2 + x) = 2x + 1
  BOOST_TEST(x.grad()(0) == 7.f);
  BOOST_TEST(Tape::current().size() == 0u);  // cleared after backward
  backward(sum(x * 2.f));                    // gradients add up until zero_grad
  BOOST_TEST(x.grad()(0) == 9.f);
  x.zero_grad();
  BOOST_TEST(x.grad()(0) == 0.f);
}

BOOST_AUTO_TEST_CASE(no_grad_records_nothing) {
  Var x(Array{1.f, 2.f}, true);
  {
    NoGrad guard;
    Var y = x * x;
    BOOST_TEST(!y.requires_grad());
    BOOST_TEST(Tape::current().size() == 0u);
  }
  BOOST_TEST(grad_enabled());
  Var y = x * x;
  BOOST_TEST(y.requires_grad());
  BOOST_TEST(Tape::current().size() == 1u);
  Tape::current().clear();
}

BOOST_AUTO_TEST_CASE(detach_stops_gradient) {
  Var x(Array{2.f}, true);
  Var y = x * x.detach();  // d/dx = x (the detached factor is a constant)
  backward(sum(y));
  BOOST_TEST(x.grad()(0) == 2.f);
}

BOOST_AUTO_TEST_CASE(constants_only_and_bad_loss) {
  Var a(Array{1.f}), b(Array{2.f});
  BOOST_TEST(!(a + b).requires_grad());
  BOOST_CHECK_THROW(backward(a + b), std::invalid_argument);
  Var x(Array{1.f, 2.f}, true);
  BOOST_CHECK_THROW(backward(x * 2.f), std::invalid_argument);  // two elements: not a loss
  Tape::current().clear();
}

BOOST_AUTO_TEST_CASE(op_names_are_recorded) {
  Var x(Array{1.f}, true);
  BOOST_TEST(std::string(tanh(x).node()->op) == "tanh");
  Tape::current().clear();
}
