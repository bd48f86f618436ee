#include "envs/text/vocab.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace saccade {

Vocabulary::Vocabulary(const std::vector<std::vector<std::string>>& training_docs, std::size_t min_count,
                       std::size_t max_size)
    : documents_(training_docs.size()) {
  if (max_size != 0 && max_size < 2) throw std::invalid_argument("vocabulary: max_size must be 0 (no limit) or >= 2");
  std::unordered_map<std::string, std::size_t> counts;
  for (const auto& doc : training_docs) {
    for (const auto& t : doc) ++counts[t];
  }
  std::vector<std::pair<std::string, std::size_t>> kept;
  for (auto& [t, c] : counts) {
    if (c >= std::max<std::size_t>(min_count, 1)) kept.emplace_back(t, c);
  }
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (max_size != 0 && kept.size() > max_size - 2) kept.resize(max_size - 2);

  tokens_ = {"<pad>", "<unk>"};
  for (auto& [t, c] : kept) {
    ids_.emplace(t, static_cast<int>(tokens_.size()));
    tokens_.push_back(t);
  }

  // Document frequencies of the ids the training documents map to.
  std::vector<std::size_t> df(tokens_.size(), 0);
  std::vector<std::size_t> last_doc(tokens_.size(), SIZE_MAX);
  for (std::size_t d = 0; d < training_docs.size(); ++d) {
    for (const auto& t : training_docs[d]) {
      const int i = id(t);
      if (last_doc[i] != d) last_doc[i] = d, ++df[i];
    }
  }
  idf_.resize(tokens_.size());
  const double n = static_cast<double>(documents_);
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    idf_[i] = static_cast<float>(std::log((1.0 + n) / (1.0 + static_cast<double>(df[i]))) + 1.0);
  }
  idf_[pad] = 0.0f;
}

int Vocabulary::id(std::string_view token) const {
  const auto it = ids_.find(std::string(token));
  return it == ids_.end() ? unk : it->second;
}

const std::string& Vocabulary::token(int id) const {
  if (id < 0 || static_cast<std::size_t>(id) >= tokens_.size()) {
    throw std::out_of_range("vocabulary: id " + std::to_string(id) + " outside 0.." + std::to_string(tokens_.size() - 1));
  }
  return tokens_[id];
}

float Vocabulary::idf(int id) const {
  token(id);  // range check
  return idf_[id];
}

std::vector<int> Vocabulary::encode(const std::vector<std::string>& tokens) const {
  std::vector<int> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens) out.push_back(id(t));
  return out;
}

}  // namespace saccade
