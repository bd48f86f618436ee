#include "agents/anytime.hpp"

#include <stdexcept>

namespace saccade {

std::vector<double> anytime_correct(const Episode& ep, std::size_t budget) {
  if (ep.step_predicted.size() != ep.read_now.size())
    throw std::logic_error("anytime_correct: the episode was run without EpisodeRecording::step_predictions");
  const std::size_t B = ep.regions_read.size(), S = ep.slots;
  const std::vector<int> last = predicted_classes(ep.logits);
  std::vector<double> correct(budget, 0.0);
  for (std::size_t b = 0; b < B; ++b) {
    // Which step's answers are example b's after k reads: the step of its k-th read, or (k at or past
    // what it read) the end, where the answer it is scored on comes from.
    const std::size_t read = static_cast<std::size_t>(ep.regions_read[b]);
    std::vector<const int*> after(budget + 1, last.data() + b * S);
    for (std::size_t t = 0, k = 0; t < ep.read_now.size() && k + 1 < read; ++t)
      if (ep.read_now[t][b]) after[++k] = ep.step_predicted[t].data() + b * S;
    for (std::size_t k = 1; k <= budget; ++k) {
      bool right = true;
      for (std::size_t s = 0; s < S; ++s) right = right && after[k][s] == ep.labels[b * S + s];
      correct[k - 1] += right;
    }
  }
  return correct;
}

}  // namespace saccade
