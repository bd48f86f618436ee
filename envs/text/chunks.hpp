// Chunks: the regions of a text document, and their previews.
//
// A text is cut into chunks of `tokens` token ids: consecutive runs of `tokens` (the last one padded
// with 0 = <pad>), or, with `sentences`, one sentence per chunk, truncated or padded to `tokens`
// (so a chunk is a unit of meaning, at the price of words past the limit).
//
// A chunk's preview is what a policy may look at before paying to read it: a hashed bag of its
// tokens weighted by idf, as `tokens` (bucket, weight) pairs (core/layers.hpp BagRows): token i's
// bucket preview_bucket(id) and weight idf(id) / tokens; a padding slot is (0, 0). It stands for the
// dense row over preview_size buckets where each token adds its weight to its bucket, but a policy's
// first layer costs 2 * tokens * width FLOPs on it instead of 2 * preview_size * width, so thousands
// of buckets (few collisions) stay cheap. The weights are >= 0 and sum to the chunk's mean rarity: the
// fixed `salient` policy reads the chunks with the rarest words; a learned policy can also tell which
// words (up to hash collisions) a chunk holds.
#pragma once

#include <cstddef>
#include <vector>

namespace saccade {

struct ChunkSpec {
  std::size_t tokens = 12;  // token slots per chunk
  bool sentences = false;   // one sentence per chunk
};

// `ids` is a text's token ids, `sentences` the first token of each of its sentences (empty: the
// whole text is one sentence). A text without tokens has no chunks.
std::size_t count_chunks(const std::vector<int>& ids, const std::vector<std::size_t>& sentences, const ChunkSpec& spec);

// Writes chunk k (< count_chunks) into out[0, spec.tokens) as float ids, 0-padded.
void write_chunk(const std::vector<int>& ids, const std::vector<std::size_t>& sentences, const ChunkSpec& spec,
                 std::size_t k, float* out);

// All chunks of a text, each spec.tokens ids long (for tests and traces).
std::vector<std::vector<int>> chunk_text(const std::vector<int>& ids, const std::vector<std::size_t>& sentences,
                                         const ChunkSpec& spec);

// The preview bucket of a token id: <unk> alone in bucket 0, every other id hashed (a fixed
// multiplicative hash, the same on every machine) into buckets 1..preview_size-1.
std::size_t preview_bucket(int id, std::size_t preview_size);

// Writes the preview of one chunk (`tokens` float ids) into out[0, 2 * tokens): buckets, then weights.
void chunk_preview(const float* chunk, std::size_t tokens, const std::vector<float>& idf, std::size_t preview_size,
                   float* out);

}  // namespace saccade
