// Goal-oriented dialogues (restaurant booking, after the bAbI dialog tasks 1 and 2): the data the
// dialogue env cuts into turns, whether generated (generator.hpp) or read from bAbI files
// (babi_file.hpp).
//
// A dialogue is a list of turns, user and bot, each a list of lowercase tokens (tokenize() of
// envs/text/tokenizer.hpp). Its target is the API call the bot finally makes: one value for each of
// the four slots, in the order cuisine, location, price, people. Every slot value is one token, and
// the knowledge base lists every value a slot may take (the values of the out-of-vocabulary split
// too: the KB is world knowledge, as in bAbI; the OOV split only has values no training dialogue
// uses).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace saccade {

inline constexpr std::size_t kDialogueSlots = 4;  // cuisine, location, price, people

enum class Speaker : int { user = 0, bot = 1 };

struct Turn {
  Speaker speaker = Speaker::user;
  std::vector<std::string> tokens;
};

struct Dialogue {
  std::vector<Turn> turns;                           // oldest first
  std::array<std::string, kDialogueSlots> target;    // the final API call's values, slot order above
};

// The slots' names, in slot order: "cuisine", "location", "price", "people".
const std::array<std::string, kDialogueSlots>& slot_names();

struct KnowledgeBase {
  std::array<std::vector<std::string>, kDialogueSlots> values;  // every value of each slot, distinct

  // The slot and the index of `token` among that slot's values, or {-1, -1} if it is no slot value.
  // (A token is a value of at most one slot.)
  std::pair<int, int> find(const std::string& token) const;
  std::size_t size(std::size_t slot) const { return values[slot].size(); }
};

}  // namespace saccade
