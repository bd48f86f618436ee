// The vocabulary of a text task: token strings <-> ids, built from the training split only, so
// validation and test words the reader never trained on are <unk> (as they would be in use).
//
// Ids: 0 = <pad> (empty token slots of a chunk; chunk content is ids as floats, so 0 must mean
// "nothing"), 1 = <unk>, then the tokens seen at least `min_count` times in the training documents,
// most frequent first (ties in byte order, so the same documents give the same ids everywhere).
// `max_size` (0: no limit) caps the size including <pad> and <unk>.
//
// idf(id) = log((1 + N) / (1 + df)) + 1 (scikit-learn's smooth idf), N training documents, df the
// documents in which the id occurs after mapping (so <unk>'s df counts documents with any unknown
// word); idf(<pad>) = 0, so padding adds nothing to a chunk's rarity. Previews weight by it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace saccade {

class Vocabulary {
 public:
  static constexpr int pad = 0;
  static constexpr int unk = 1;

  explicit Vocabulary(const std::vector<std::vector<std::string>>& training_docs, std::size_t min_count = 2,
                      std::size_t max_size = 0);

  std::size_t size() const { return tokens_.size(); }
  int id(std::string_view token) const;           // <unk> for a token not in the vocabulary
  const std::string& token(int id) const;         // "<pad>", "<unk>", ...; throws std::out_of_range
  float idf(int id) const;                        // throws std::out_of_range
  const std::vector<float>& idf() const { return idf_; }  // [size()]
  std::size_t documents() const { return documents_; }    // N
  std::vector<int> encode(const std::vector<std::string>& tokens) const;

 private:
  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int> ids_;
  std::vector<float> idf_;
  std::size_t documents_ = 0;
};

}  // namespace saccade
