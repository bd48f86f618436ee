// Documents: the `chunks` regions of one episode, built from an item of a text split.
//
//   plain      the item's chunks from its first, cut at `chunks`; the remaining regions are <pad>.
//   cluttered  the passage (the item's first `max_passage` chunks) at a random contiguous position;
//              every other region is a random chunk of a random distractor text of the same split
//              (RAM's cluttered canvas, for text: the policy must find the passage before reading it).
// Building draws from the Rng it is given, in a fixed order (the passage start, then per other
// region in order: the distractor, its chunk), so the same stream gives the same document. Envs use
// document_rng(seed, example): a document depends only on (seed, example), never on the batch.
#pragma once

#include <cstdint>
#include <vector>

#include "core/random.hpp"
#include "envs/text/chunks.hpp"
#include "envs/text/text_split.hpp"

namespace saccade {

struct DocumentSpec {
  std::size_t chunks = 16;      // regions per document
  ChunkSpec chunk{};            // tokens per chunk, sentence chunks
  bool clutter = true;
  std::size_t max_passage = 4;  // cluttered: the item's chunks that are kept
};

struct ChunkSource {
  int distractor = -1;    // -1: the item (or <pad>); else the index of a distractor text of the split
  int chunk = -1;         // the chunk of that text; -1 for <pad>
};

struct DocumentLayout {
  std::size_t passage_start = 0;      // the region holding the item's first chunk
  std::size_t passage_chunks = 0;     // regions holding the item's chunks (passage_start, ...)
  std::vector<ChunkSource> sources;   // [chunks]: where each region's tokens came from
};

// Throws std::invalid_argument for chunks == 0, chunk.tokens == 0, max_passage == 0, or clutter on
// a split without distractors.
void check_document_spec(const DocumentSpec& spec, const TextSplit& split);

// Builds item `example` into out[chunks * chunk.tokens] (float ids, overwritten).
DocumentLayout build_document(const TextSplit& split, std::size_t example, const DocumentSpec& spec, Rng& rng,
                              float* out);

// The stream a document is drawn from: Rng::stream(seed, "text-document").fork(to_string(example)).
Rng document_rng(std::uint64_t seed, std::size_t example);

}  // namespace saccade
