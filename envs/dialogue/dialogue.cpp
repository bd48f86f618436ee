#include "envs/dialogue/dialogue.hpp"

namespace saccade {

const std::array<std::string, kDialogueSlots>& slot_names() {
  static const std::array<std::string, kDialogueSlots> names = {"cuisine", "location", "price", "people"};
  return names;
}

// A linear scan: a KB has a few dozen values, and the readers look tokens up once per turn read.
std::pair<int, int> KnowledgeBase::find(const std::string& token) const {
  for (std::size_t s = 0; s < kDialogueSlots; ++s) {
    for (std::size_t i = 0; i < values[s].size(); ++i) {
      if (values[s][i] == token) return {static_cast<int>(s), static_cast<int>(i)};
    }
  }
  return {-1, -1};
}

}  // namespace saccade
