// Seeded random streams. Every stream derives from (run seed, stream name), so adding a new consumer
// of randomness never shifts the numbers another consumer sees. The generator (xoshiro256**) and the
// distributions are written out here rather than taken from <random>, whose distributions differ
// between standard libraries: the same seed gives the same numbers on any machine.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/tensor.hpp"

namespace saccade {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);
  // The stream named `name` of the run seeded with `seed`.
  static Rng stream(std::uint64_t seed, std::string_view name);
  // A child stream of this one, e.g. one per worker or per epoch, without advancing this stream.
  Rng fork(std::string_view name) const;

  std::uint64_t next_u64();
  double uniform();                      // [0, 1)
  double uniform(double lo, double hi);  // [lo, hi)
  double normal();                       // standard normal (Box-Muller)
  double normal(double mean, double std) { return mean + std * normal(); }
  std::size_t randint(std::size_t n);    // uniform on {0, ..., n-1}, n > 0, without modulo bias
  bool bernoulli(double p) { return uniform() < p; }

  Array uniform_array(const Shape& shape, float lo, float hi);
  Array normal_array(const Shape& shape, float mean, float std);
  // A uniformly random permutation of {0, ..., n-1}.
  std::vector<std::size_t> permutation(std::size_t n);

  // Where the stream stands, as seven words: the generator's four, the seed, whether a second normal
  // is cached, and its bits. A run saved mid-way continues the stream exactly from it
  // (experiments/run/epoch_checkpoint.hpp).
  using State = std::array<std::uint64_t, 7>;
  State state() const;
  static Rng from_state(const State& state);

 private:
  std::uint64_t s_[4];
  std::uint64_t seed_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

}  // namespace saccade
