// A text split as the env reads it: token ids, immutable and shared by every env on the split.
// The vocabulary (and so the idf weights) comes from the training split's labelled texts only:
// validation and test words never seen in training are <unk>, as they would be in use. Distractor
// texts are encoded with the same vocabulary.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "envs/text/corpus.hpp"
#include "envs/text/vocab.hpp"

namespace saccade {

struct TextSplit {
  std::string name;                                      // e.g. "fortunes/train"
  std::vector<std::string> classes;                      // class id -> name
  std::size_t num_classes = 0;
  std::size_t vocab_size = 0;                            // ids are in [0, vocab_size); 0 = <pad>
  std::vector<std::vector<int>> docs;                    // labelled texts as token ids
  std::vector<std::vector<std::size_t>> doc_sentences;   // [docs] first token of each sentence
  std::vector<int> labels;                               // [docs]
  std::vector<std::vector<int>> distractors;             // clutter texts (none empty)
  std::vector<std::vector<std::size_t>> distractor_sentences;
  std::vector<float> idf;                                // [vocab_size], Vocabulary::idf()
  std::shared_ptr<const Vocabulary> vocab;               // to show tokens (traces); null if unknown

  std::size_t size() const { return docs.size(); }
};

struct TextSplits {
  TextSplit train, validation, test;
  std::shared_ptr<const Vocabulary> vocab;
};

// Tokenises `texts` (and `distractors`) with `vocab`; distractors without any token are left out.
TextSplit make_text_split(std::string name, const std::vector<std::string>& classes,
                          const std::vector<std::string>& texts, const std::vector<int>& labels,
                          const std::vector<std::string>& distractors, std::shared_ptr<const Vocabulary> vocab);

// Tokenises a corpus; the vocabulary is built from corpus.train's labelled texts.
TextSplits make_text_splits(const TextCorpus& corpus, std::size_t min_count = 2, std::size_t max_vocab = 0);

// load_text_corpus + make_text_splits.
TextSplits load_text_splits(const TextSourceOptions& options, std::uint64_t seed);

}  // namespace saccade
