#include "envs/text/chunks.hpp"
#include "envs/text/vocab.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace saccade {
namespace {

// Token range [begin, end) of chunk k.
std::pair<std::size_t, std::size_t> chunk_range(const std::vector<int>& ids, const std::vector<std::size_t>& sentences,
                                                const ChunkSpec& spec, std::size_t k) {
  if (!spec.sentences) {
    const std::size_t begin = k * spec.tokens;
    return {begin, std::min(ids.size(), begin + spec.tokens)};
  }
  if (sentences.empty()) return {0, std::min(ids.size(), spec.tokens)};
  const std::size_t begin = sentences[k];
  const std::size_t end = k + 1 < sentences.size() ? sentences[k + 1] : ids.size();
  return {begin, std::min(end, begin + spec.tokens)};
}

}  // namespace

std::size_t count_chunks(const std::vector<int>& ids, const std::vector<std::size_t>& sentences, const ChunkSpec& spec) {
  if (spec.tokens == 0) throw std::invalid_argument("text chunks: chunk_tokens must be >= 1");
  if (ids.empty()) return 0;
  if (!spec.sentences) return (ids.size() + spec.tokens - 1) / spec.tokens;
  return sentences.empty() ? 1 : sentences.size();
}

void write_chunk(const std::vector<int>& ids, const std::vector<std::size_t>& sentences, const ChunkSpec& spec,
                 std::size_t k, float* out) {
  const std::size_t n = count_chunks(ids, sentences, spec);
  if (k >= n) {
    throw std::out_of_range("text chunks: chunk " + std::to_string(k) + " of a text with " + std::to_string(n));
  }
  const auto [begin, end] = chunk_range(ids, sentences, spec, k);
  std::fill(out, out + spec.tokens, 0.0f);
  for (std::size_t i = begin; i < end; ++i) out[i - begin] = static_cast<float>(ids[i]);
}

std::vector<std::vector<int>> chunk_text(const std::vector<int>& ids, const std::vector<std::size_t>& sentences,
                                         const ChunkSpec& spec) {
  const std::size_t n = count_chunks(ids, sentences, spec);
  std::vector<std::vector<int>> out(n);
  std::vector<float> buf(spec.tokens);
  for (std::size_t k = 0; k < n; ++k) {
    write_chunk(ids, sentences, spec, k, buf.data());
    out[k].assign(buf.begin(), buf.end());
  }
  return out;
}

std::size_t preview_bucket(int id, std::size_t preview_size) {
  // <unk> has bucket 0 to itself: how much of a chunk the vocabulary does not know is a cue of its
  // own (text far from the training texts), which a shared bucket would blur.
  if (preview_size > 1 && id == Vocabulary::unk) return 0;
  const std::uint64_t h = static_cast<std::uint64_t>(static_cast<std::uint32_t>(id)) * 0x9E3779B97F4A7C15ull;
  if (preview_size == 1) return 0;
  return 1 + static_cast<std::size_t>((h >> 32) % (preview_size - 1));
}

void chunk_preview(const float* chunk, std::size_t tokens, const std::vector<float>& idf, std::size_t preview_size,
                   float* out) {
  std::fill(out, out + 2 * tokens, 0.0f);
  const float scale = 1.0f / static_cast<float>(tokens);
  for (std::size_t i = 0; i < tokens; ++i) {
    const int id = static_cast<int>(chunk[i]);
    if (id <= 0) continue;  // <pad>: the empty slot (0, 0)
    if (static_cast<std::size_t>(id) >= idf.size()) {
      throw std::out_of_range("text preview: token id " + std::to_string(id) + " outside the vocabulary (" +
                              std::to_string(idf.size()) + ")");
    }
    out[i] = static_cast<float>(preview_bucket(id, preview_size));
    out[tokens + i] = idf[id] * scale;
  }
}

}  // namespace saccade
