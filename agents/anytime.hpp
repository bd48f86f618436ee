// The anytime curve: how accuracy grows with the regions read. Point k (k = 1 .. the budget) scores,
// for every example, the reader's answer after that example's k-th read; an example that stopped (or
// ran out of regions) before reading k keeps the answer it ended with, the one it is scored on. So
// the last point is the episode's accuracy, and a policy that never stops early traces its own
// accuracy at each smaller budget of the same run (not that of a run trained at that budget).
#pragma once

#include <cstddef>
#include <vector>

#include "agents/episode.hpp"

namespace saccade {

// Per k = 1 .. `budget`, the number of the episode's examples answered right (every slot) after k
// reads, at [k - 1]. Needs the episode's step_predicted (EpisodeRecording::step_predictions).
std::vector<double> anytime_correct(const Episode& ep, std::size_t budget);

}  // namespace saccade
