// Labelled texts and their train / validation / test splits, before tokenising (text_split.hpp turns
// them into token ids). A source string names where the texts come from:
//
//   "fortunes" (or "")      Debian's fortune cookies (package `fortunes`): one class per category of
//                           `categories` (default: default_fortune_categories()), and a distractor
//                           pool (the clutter of cluttered documents) of every other category.
//   "fortunes:DIR"          the same from another directory of fortune files.
//   "csv:PATH", "jsonl:PATH", or a PATH ending in .csv / .jsonl: a user's labelled file
//                           (labelled_file.hpp); the classes are its labels, in numeric order when
//                           all are integers, else in byte order. No distractors unless
//                           `distractors` names a second CSV/JSONL file (its labels are ignored).
//
// Duplicates are removed first (texts compared after collapsing whitespace): a text under two
// labels is dropped from both (its label is ambiguous), a repeated text is kept once, and a
// distractor that is also a labelled text is dropped (clutter must never hold an answer).
//
// Splits are deterministic per seed: every class (every distractor category; the whole distractor
// file) is cut 80/10/10 on its own by a seeded permutation (stream "text-split" forked by the
// class's name, so its cut does not depend on the other classes), so the splits are stratified
// and a test distractor never appears in training. A class of n >= 3
// texts gives round(n/10), at least 1, to validation and to test. Inside a split texts keep their
// file order within their class, and classes are interleaved in proportion (text k of a class of
// m sits at (k + 1/2) / m), so any prefix of a split, e.g. "the first 2,000 test examples", is
// stratified too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace saccade {

struct TextSourceOptions {
  std::string source = "fortunes";
  std::vector<std::string> categories;  // fortunes: the classes; empty = the default eight
  std::string distractors;              // csv / jsonl sources: an optional file of distractor texts
  std::size_t min_count = 2;            // vocabulary (text_split.hpp): tokens seen fewer times are <unk>
  std::size_t max_vocab = 0;            // vocabulary size cap including <pad> and <unk>; 0 = none
};

struct TextCorpusSplit {
  std::vector<std::string> texts;
  std::vector<int> labels;               // [texts], in [0, classes)
  std::vector<std::string> distractors;  // clutter texts of this split (may be empty)
};

struct TextCorpus {
  std::string name;                      // "fortunes", or the file's path
  std::vector<std::string> classes;      // class id -> label (category) name
  TextCorpusSplit train, validation, test;
  std::vector<std::size_t> class_sizes;  // texts per class after removing duplicates
  std::size_t duplicates = 0;            // texts dropped as repeats or as ambiguous
};

// Checks the source string, that its files (and fortunes categories) exist and that a CSV header
// names `text` and `label`, without reading whole corpora: throws what loading would (so a sweep
// fails before any work starts). std::invalid_argument for a bad source string or category,
// std::runtime_error for a missing or malformed file.
void check_text_source(const std::string& source, const std::vector<std::string>& categories);
void check_text_source(const TextSourceOptions& options);

// Whether a source string names a CSV/JSONL file (no distractors unless a distractors file is given).
// std::invalid_argument for a source string it cannot parse.
bool text_source_is_file(const std::string& source);

TextCorpus load_text_corpus(const TextSourceOptions& options, std::uint64_t seed);

// Collapses runs of whitespace to one space and trims: the key texts are compared by.
std::string normalize_whitespace(const std::string& text);

}  // namespace saccade
