#include "envs/dialogue/turns.hpp"

#include <algorithm>
#include <stdexcept>

#include "envs/text/chunks.hpp"

namespace saccade {

std::size_t DialogueSplit::max_values() const {
  std::size_t m = 0;
  for (const auto& v : kb.values) m = std::max(m, v.size());
  return m;
}

std::shared_ptr<const Vocabulary> dialogue_vocabulary(const std::vector<Dialogue>& training, std::size_t min_count) {
  std::vector<std::vector<std::string>> docs;
  for (const Dialogue& d : training) {
    std::vector<std::string> all;
    for (const Turn& t : d.turns) all.insert(all.end(), t.tokens.begin(), t.tokens.end());
    docs.push_back(std::move(all));
  }
  return std::make_shared<const Vocabulary>(docs, min_count);
}

DialogueSplit encode_dialogues(std::string name, const std::vector<Dialogue>& dialogues,
                               std::shared_ptr<const Vocabulary> vocab, const KnowledgeBase& kb,
                               std::size_t turn_tokens, std::size_t buckets) {
  DialogueSplit s;
  s.name = std::move(name);
  s.vocab = std::move(vocab);
  s.kb = kb;
  s.turn_tokens = turn_tokens;
  s.buckets = buckets;
  std::array<std::size_t, kDialogueSlots> offset{};
  for (std::size_t k = 1; k < kDialogueSlots; ++k) offset[k] = offset[k - 1] + kb.size(k - 1);
  const std::size_t L = turn_tokens, C = 1 + 2 * L, P = kPreviewFixed + buckets;

  for (std::size_t d = 0; d < dialogues.size(); ++d) {
    const Dialogue& dialogue = dialogues[d];
    EncodedDialogue e;
    e.turns = dialogue.turns.size();
    e.content.assign(e.turns * C, 0.0f);
    e.preview.assign(e.turns * P, 0.0f);
    e.evidence.assign(e.turns, 0);
    for (std::size_t k = 0; k < kDialogueSlots; ++k) {
      const auto [slot, index] = kb.find(dialogue.target[k]);
      if (slot != static_cast<int>(k)) {
        throw std::invalid_argument(s.name + ", dialogue " + std::to_string(d + 1) + ": the target " + slot_names()[k] +
                                    " \"" + dialogue.target[k] + "\" is not a " + slot_names()[k] + " of the knowledge base");
      }
      e.target[k] = index;
    }
    std::array<int, kDialogueSlots> last_target_turn;
    last_target_turn.fill(-1);
    for (std::size_t t = 0; t < e.turns; ++t) {
      const Turn& turn = dialogue.turns[t];
      float* row = e.content.data() + t * C;
      float* pre = e.preview.data() + t * P;
      row[0] = turn.speaker == Speaker::bot ? 1.0f : 0.0f;
      pre[0] = turn.speaker == Speaker::user ? 1.0f : 0.0f;
      pre[1] = e.turns > 1 ? static_cast<float>(t) / static_cast<float>(e.turns - 1) : 1.0f;
      pre[2] = std::min(1.0f, static_cast<float>(turn.tokens.size()) / static_cast<float>(L));
      std::string words;
      for (const auto& w : turn.tokens) words += (words.empty() ? "" : " ") + w;
      e.text.push_back(std::move(words));
      const std::vector<int> ids = s.vocab->encode(turn.tokens);
      for (std::size_t i = 0; i < turn.tokens.size(); ++i) {
        const auto [slot, index] = kb.find(turn.tokens[i]);
        if (slot >= 0) {
          pre[3 + slot] = 1.0f;
          if (index == e.target[static_cast<std::size_t>(slot)]) last_target_turn[static_cast<std::size_t>(slot)] = static_cast<int>(t);
        }
        if (buckets > 0) pre[kPreviewFixed + preview_bucket(ids[i], buckets)] += 1.0f / static_cast<float>(L);
        if (i >= L) continue;  // the reader sees the first L tokens
        row[1 + i] = static_cast<float>(ids[i]);
        if (slot >= 0) row[1 + L + i] = static_cast<float>(1 + offset[static_cast<std::size_t>(slot)] + static_cast<std::size_t>(index));
      }
    }
    for (int t : last_target_turn)
      if (t >= 0) e.evidence[static_cast<std::size_t>(t)] = 1;
    s.dialogues.push_back(std::move(e));
  }
  return s;
}

}  // namespace saccade
