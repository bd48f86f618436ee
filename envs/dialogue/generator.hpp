// Generated restaurant-booking dialogues in the spirit of bAbI dialog tasks 1 (issue an API call) and
// 2 (update it): the user states a cuisine, a location, a price range and a party size, some in the
// opening request and the rest when the bot asks, may change one or two of them later, and talks
// about other things in between. Small talk may MENTION slot values ("i was in paris last summer")
// without requesting them, so a reader has to tell requests from mentions, and the turns that matter
// are few among many: the point of learning which turns to read.
//
// Bookkeeping: the target holds, for each slot, the value the user stated last in a request or change
// turn (never one from small talk). A request or change turn states at most one value per slot; bot
// turns and the other user turns state none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "envs/dialogue/dialogue.hpp"

namespace saccade {

class Rng;  // core/random.hpp, which pulls in xtensor: not needed to declare these

// Every value of every slot (bAbI's restaurant world): 16 cuisines, 16 locations, 3 price ranges,
// 4 party sizes, each one lowercase token.
const KnowledgeBase& restaurant_kb();

// The values a generated dialogue draws from: with oov=false the 10 training cuisines and locations,
// with oov=true the 6 others (never seen in training); price and people are the same in both.
const KnowledgeBase& restaurant_values(bool oov);

struct DialogueGeneratorOptions {
  std::size_t min_turns = 8, max_turns = 30;  // total turns, user and bot; max_turns >= 8
  double change_rate = 0.3;  // the probability that the user changes one or two values (1 or 2 equally)
  double chit_chat = 0.3;    // the probability that a filler user turn is small talk, not "thanks"
  bool oov = false;          // cuisines and locations from the out-of-vocabulary values
};

// What a turn does, for tests and analysis (the env sees only the tokens).
enum class TurnRole : int {
  request = 0,    // user: the opening request or an answer to the bot's question; states values
  change = 1,     // user: replaces one value stated before
  chit_chat = 2,  // user: small talk; may mention values without requesting them
  filler = 3,     // user greetings, "<silence>", "thanks"; every bot turn
};

struct GeneratedDialogue {
  Dialogue dialogue;
  std::vector<TurnRole> roles;  // one per turn
};

// One dialogue from `rng`. The number of turns is drawn uniformly in [min_turns, max_turns]; when the
// requests and changes need more turns than drawn, the dialogue is longer, never beyond max_turns
// (fewer slots are then left for the bot to ask). Throws std::invalid_argument for bad options.
Dialogue generate_dialogue(const DialogueGeneratorOptions& options, Rng& rng);
// The same dialogue (the same draws from `rng`), with each turn's role.
GeneratedDialogue generate_dialogue_with_roles(const DialogueGeneratorOptions& options, Rng& rng);

// n dialogues; dialogue i is drawn from the stream (seed, "dialogue-i"), so it does not depend on n.
std::vector<Dialogue> generate_dialogues(std::size_t n, const DialogueGeneratorOptions& options, std::uint64_t seed);

}  // namespace saccade
