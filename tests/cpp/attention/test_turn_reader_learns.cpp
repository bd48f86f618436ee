// TurnReader (attention/turn_reader.hpp) learns a last-mention task: each slot's answer is the value the
// latest mentioning turn names, so the reader must learn to prefer later turns, beating a pointer blind
// to position (computed on the same test set).
#define BOOST_TEST_MODULE turn_reader_learns
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <vector>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xview.hpp>

#include "attention/turn_reader.hpp"
#include "core/ops.hpp"
#include "core/optim.hpp"

using namespace saccade;

namespace {

std::vector<int> all_rows(std::size_t n) {
  std::vector<int> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<int>(i);
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_CASE(learns_that_the_last_mention_wins) {
  // 4 turns at sorted random positions among R = 8, 6 tokens each: filler ids 2-5 and, for each of 2
  // slots (6 and 8 values) with probability 0.7, one mention of a random value (id 6 + g, or <unk> one
  // time in five); a slot no turn mentions is added to a random turn. Each slot's target is the value
  // mentioned by the latest turn that mentions it, so the reader must learn to prefer later turns.
  // Chance: a pointer blind to position (alpha uniform over the mentioning turns) is right about 0.53
  // of the time (1/k for k mentions, more when values repeat); it is computed below on the test set.
  constexpr std::size_t R = 8, T = 4, LL = 6, S = 2, batch = 32;
  const std::vector<std::size_t> values = {6, 8}, offset = {0, 6};
  const auto start = std::chrono::steady_clock::now();
  struct Data {
    std::vector<RegionBatch> steps;  // T batches, one per turn
    std::vector<int> labels;         // [n * S]
    double blind = 0.0;              // expected accuracy of the position-blind pointer
  };
  auto make = [&](Rng& rng, std::size_t n) {
    Data d;
    d.steps.assign(T, RegionBatch{});
    for (auto& s : d.steps) {
      s.content = xt::zeros<float>({n, 1 + 2 * LL});
      s.region.resize(n);
    }
    d.labels.assign(n * S, 0);
    for (std::size_t b = 0; b < n; ++b) {
      std::vector<std::size_t> pos = rng.permutation(R);
      pos.resize(T);
      std::sort(pos.begin(), pos.end());
      // mention[t][s] = value or -1
      int mention[T][S];
      for (std::size_t t = 0; t < T; ++t)
        for (std::size_t s = 0; s < S; ++s) mention[t][s] = rng.bernoulli(0.7) ? int(rng.randint(values[s])) : -1;
      for (std::size_t s = 0; s < S; ++s) {
        bool any = false;
        for (std::size_t t = 0; t < T; ++t) any = any || mention[t][s] >= 0;
        if (!any) mention[rng.randint(T)][s] = int(rng.randint(values[s]));
      }
      for (std::size_t t = 0; t < T; ++t) {
        Array& c = d.steps[t].content;
        d.steps[t].region[b] = static_cast<int>(pos[t]);
        c(b, 0) = static_cast<float>(rng.randint(2));
        const std::vector<std::size_t> slots_at = rng.permutation(LL);
        const std::size_t len = 2 + rng.randint(LL - 1);  // 2..6 tokens
        for (std::size_t l = 0; l < len; ++l) c(b, 1 + slots_at[l]) = static_cast<float>(2 + rng.randint(4));
        for (std::size_t s = 0; s < S; ++s) {
          if (mention[t][s] < 0) continue;
          const std::size_t g = offset[s] + static_cast<std::size_t>(mention[t][s]);
          c(b, 1 + slots_at[s]) = rng.bernoulli(0.2) ? 1.0f : static_cast<float>(6 + g);
          c(b, 1 + LL + slots_at[s]) = static_cast<float>(1 + g);
        }
      }
      for (std::size_t s = 0; s < S; ++s) {
        std::vector<int> counts(values[s], 0);
        for (std::size_t t = 0; t < T; ++t) {
          if (mention[t][s] >= 0) {
            d.labels[b * S + s] = mention[t][s];
            ++counts[mention[t][s]];
          }
        }
        const int top = *std::max_element(counts.begin(), counts.end());
        if (counts[d.labels[b * S + s]] == top) d.blind += 1.0 / std::count(counts.begin(), counts.end(), top);
      }
    }
    d.blind /= static_cast<double>(n * S);
    return d;
  };
  Rng init(14);
  TurnReader reader({.vocab_size = 20, .turn_tokens = LL, .regions = R, .dim = 16, .heads = 2, .slot_values = values},
                    init);
  auto forward = [&](const Data& d) {
    const std::size_t n = d.labels.size() / S;
    Memory m = reader.init(n);
    for (const RegionBatch& step : d.steps) m = reader.update(m, reader.encode(step), all_rows(n));
    return reader.predict(m);
  };
  Adam adam(reader.named_parameters(), {.lr = 1e-2});
  Rng data(15);
  for (int step = 0; step < 300; ++step) {
    const Data d = make(data, batch);
    adam.zero_grad();
    backward(cross_entropy(forward(d), d.labels));
    adam.step();
  }
  Rng test(16);
  const Data d = make(test, 512);
  NoGrad ng;
  const Array logits = forward(d).value();
  std::size_t correct = 0;
  for (std::size_t i = 0; i < d.labels.size(); ++i) {
    const auto row = xt::view(logits, i);
    correct += static_cast<int>(std::max_element(row.begin(), row.end()) - row.begin()) == d.labels[i];
  }
  const double accuracy = static_cast<double>(correct) / static_cast<double>(d.labels.size());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST_MESSAGE("last-mention task: per-slot test accuracy " << accuracy << " after 300 steps (position-blind "
                     "pointer " << d.blind << "), " << seconds << " s");
  BOOST_TEST(d.blind < 0.6);
  BOOST_TEST(accuracy >= 0.9);
}
