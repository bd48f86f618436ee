#include "envs/text/text_split.hpp"

#include <stdexcept>

#include "envs/text/tokenizer.hpp"

namespace saccade {
namespace {

std::vector<std::vector<std::string>> tokenize_all(const std::vector<std::string>& texts) {
  std::vector<std::vector<std::string>> out;
  out.reserve(texts.size());
  for (const auto& t : texts) out.push_back(tokenize(t));
  return out;
}

TextSplit encode(std::string name, const std::vector<std::string>& classes,
                 const std::vector<std::vector<std::string>>& docs, const std::vector<int>& labels,
                 const std::vector<std::string>& distractors, std::shared_ptr<const Vocabulary> vocab) {
  if (!vocab) throw std::invalid_argument("make_text_split: no vocabulary");
  if (docs.size() != labels.size()) throw std::invalid_argument("make_text_split: texts and labels differ in number");
  TextSplit s;
  s.name = std::move(name);
  s.classes = classes;
  s.num_classes = classes.size();
  s.vocab_size = vocab->size();
  s.idf = vocab->idf();
  for (int y : labels) {
    if (y < 0 || static_cast<std::size_t>(y) >= s.num_classes) {
      throw std::invalid_argument("make_text_split: label " + std::to_string(y) + " outside 0.." +
                                  std::to_string(s.num_classes - 1));
    }
  }
  s.labels = labels;
  s.docs.reserve(docs.size());
  for (const auto& tokens : docs) {
    s.docs.push_back(vocab->encode(tokens));
    s.doc_sentences.push_back(sentence_starts(tokens));
  }
  for (const auto& text : distractors) {
    const std::vector<std::string> tokens = tokenize(text);
    if (tokens.empty()) continue;
    s.distractors.push_back(vocab->encode(tokens));
    s.distractor_sentences.push_back(sentence_starts(tokens));
  }
  s.vocab = std::move(vocab);
  return s;
}

}  // namespace

TextSplit make_text_split(std::string name, const std::vector<std::string>& classes,
                          const std::vector<std::string>& texts, const std::vector<int>& labels,
                          const std::vector<std::string>& distractors, std::shared_ptr<const Vocabulary> vocab) {
  return encode(std::move(name), classes, tokenize_all(texts), labels, distractors, std::move(vocab));
}

TextSplits make_text_splits(const TextCorpus& corpus, std::size_t min_count, std::size_t max_vocab) {
  const auto train_tokens = tokenize_all(corpus.train.texts);
  auto vocab = std::make_shared<const Vocabulary>(train_tokens, min_count, max_vocab);
  TextSplits s;
  s.vocab = vocab;
  s.train = encode(corpus.name + "/train", corpus.classes, train_tokens, corpus.train.labels, corpus.train.distractors, vocab);
  s.validation = make_text_split(corpus.name + "/validation", corpus.classes, corpus.validation.texts,
                                 corpus.validation.labels, corpus.validation.distractors, vocab);
  s.test = make_text_split(corpus.name + "/test", corpus.classes, corpus.test.texts, corpus.test.labels,
                           corpus.test.distractors, vocab);
  return s;
}

TextSplits load_text_splits(const TextSourceOptions& options, std::uint64_t seed) {
  return make_text_splits(load_text_corpus(options, seed), options.min_count, options.max_vocab);
}

}  // namespace saccade
