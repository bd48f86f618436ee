// Dialogues encoded for the env: each turn as the row a reader reads and the row a policy previews.
//
// A turn's content row (1 + 2L floats, L = turn_tokens):
//   [0]          the speaker: 0 user, 1 bot
//   [1, 1+L)     token ids of the vocabulary, 0-padded (a longer turn keeps its first L tokens)
//   [1+L, 1+2L)  per token its value code: 0 if it is no slot value, else 1 + g, g the value's index
//                among all the knowledge base's values (slot by slot: g = offset(slot) + index), so
//                an out-of-vocabulary value (id <unk>) is still known as the value it is
// A turn's preview row (kPreviewFixed + buckets floats), what a policy sees before paying to read:
//   [0] 1 for a user turn, [1] its position in the dialogue (0 first .. 1 last), [2] its length
//   (tokens / L, capped at 1), [3..7) per slot 1 if it mentions a value of that slot (bAbI's
//   match-type features), then `buckets` hashed token counts / L (the same hash as text previews).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "envs/dialogue/dialogue.hpp"
#include "envs/text/vocab.hpp"

namespace saccade {

inline constexpr std::size_t kPreviewFixed = 3 + kDialogueSlots;

struct EncodedDialogue {
  std::vector<float> content;            // [turns, 1 + 2L]
  std::vector<float> preview;            // [turns, kPreviewFixed + buckets]
  std::array<int, kDialogueSlots> target{};  // each slot's value index in the knowledge base
  std::vector<std::uint8_t> evidence;    // [turns] 1 on the last turn that mentions a slot's target value
  std::vector<std::string> text;         // [turns] each turn's tokens joined by spaces (to show it)
  std::size_t turns = 0;
};

struct DialogueSplit {
  std::string name;                      // e.g. "generated/train", or the file
  std::vector<EncodedDialogue> dialogues;
  std::shared_ptr<const Vocabulary> vocab;
  KnowledgeBase kb;
  std::size_t turn_tokens = 24, buckets = 64;
  std::size_t size() const { return dialogues.size(); }
  std::size_t max_values() const;       // the most values any slot has (the reader's logit width)
};

// Encodes `dialogues` against `vocab` and `kb`. Throws std::invalid_argument naming `name` and the
// dialogue if a target value is not in the knowledge base.
DialogueSplit encode_dialogues(std::string name, const std::vector<Dialogue>& dialogues,
                               std::shared_ptr<const Vocabulary> vocab, const KnowledgeBase& kb,
                               std::size_t turn_tokens, std::size_t buckets);

// The vocabulary of a training split: every token of every turn, each dialogue one document.
std::shared_ptr<const Vocabulary> dialogue_vocabulary(const std::vector<Dialogue>& training, std::size_t min_count);

}  // namespace saccade
