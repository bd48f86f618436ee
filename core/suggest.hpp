// "did you mean ...?" for misspelled names: config keys, enum values, policy names, fortune
// categories. In core so that every folder may use it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace saccade {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours
// ("trian" -> "train" is 1) each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidates closest to `word`, if close enough to be a plausible typo (distance at most a
// third of the word's length, and at least 1); several if tied. Empty if nothing is close.
std::vector<std::string> closest(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean `a`?)", " (did you mean `a` or `b`?)", or "" for no candidates.
std::string did_you_mean(const std::vector<std::string>& candidates);

}  // namespace saccade
