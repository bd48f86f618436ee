#include "core/random.hpp"

#include <bit>
#include <cmath>
#include <numeric>

namespace saccade {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
  return h;
}

std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

Rng::Rng(std::uint64_t seed) : seed_(seed) {
  std::uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

Rng Rng::stream(std::uint64_t seed, std::string_view name) {
  std::uint64_t x = seed ^ fnv1a(name);
  return Rng(splitmix64(x));
}

Rng Rng::fork(std::string_view name) const { return stream(seed_, name); }

Rng::State Rng::state() const {
  return {s_[0], s_[1], s_[2], s_[3], seed_, has_spare_ ? 1u : 0u, std::bit_cast<std::uint64_t>(spare_)};
}

Rng Rng::from_state(const State& state) {
  Rng r;
  for (int i = 0; i < 4; ++i) r.s_[i] = state[i];
  r.seed_ = state[4];
  r.has_spare_ = state[5] != 0;
  r.spare_ = std::bit_cast<double>(state[6]);
  return r;
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  spare_ = r * std::sin(2.0 * M_PI * u2);
  has_spare_ = true;
  return r * std::cos(2.0 * M_PI * u2);
}

std::size_t Rng::randint(std::size_t n) {
  // Rejection sampling: draw below the largest multiple of n.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t x = next_u64();
  while (x >= limit) x = next_u64();
  return static_cast<std::size_t>(x % n);
}

Array Rng::uniform_array(const Shape& shape, float lo, float hi) {
  Array a = Array::from_shape(shape);
  for (auto& v : a) v = static_cast<float>(uniform(lo, hi));
  return a;
}

Array Rng::normal_array(const Shape& shape, float mean, float std) {
  Array a = Array::from_shape(shape);
  for (auto& v : a) v = static_cast<float>(normal(mean, std));
  return a;
}

std::vector<std::size_t> Rng::permutation(std::size_t n) {
  std::vector<std::size_t> p(n);
  std::iota(p.begin(), p.end(), 0);
  for (std::size_t i = n; i > 1; --i) std::swap(p[i - 1], p[randint(i)]);  // Fisher-Yates
  return p;
}

}  // namespace saccade
