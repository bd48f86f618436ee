// The text task as a region-budget environment (envs/env.hpp): a document of `chunks` chunks
// (document.hpp), of which the agent reads up to `budget` before the reader classifies it.
//
//   spec       name "text-chunks", num_regions = chunks, max_steps = min(budget, chunks),
//              content_shape {chunk_tokens} (token ids as floats, 0 = <pad>), preview_shape
//              {chunks, 2 * chunk_tokens}: a bag per chunk over preview_size hash buckets
//              (PreviewKind::bag, chunks.hpp); preview_size 0: none.
//   reset      builds example b's document from document_rng(seed, examples[b]) (the same
//              (example, seed) gives the same document in any batch). It reads nothing. Its Info
//              flags the passage's chunks as the evidence.
//   step       action.region[b] in [0, chunks) reads that chunk; -1 is STOP.
//
// Episode rules (per example), as ImagePatchEnv's (both keep them in envs/episodes.hpp):
//   - Each read costs one step of the budget; the read that spends the last step returns its content
//     with truncated = 1. STOP returns no content and terminated = 1. The flags are set on that step
//     only; done() keeps the state.
//   - Done examples are never read again: their content rows are zeros, active = 0, region = -1,
//     location = 0, and their actions are ignored.
//   - obs.location of a read chunk is (0, its position mapped to [-1, 1]): the document is one row.
//   - A malformed action (wrong batch size, a region out of range, or one already read: policies
//     mask read regions, so a repeat is a bug worth hearing about) throws before any state changes.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "envs/env.hpp"
#include "envs/episodes.hpp"
#include "envs/text/document.hpp"
#include "envs/text/text_split.hpp"

namespace saccade {

struct TextEnvOptions {
  std::size_t chunks = 16;             // regions per document
  std::size_t chunk_tokens = 12;       // token slots per chunk
  bool sentences = false;              // one sentence per chunk instead of consecutive tokens
  bool clutter = true;                 // the passage among distractor chunks (needs distractors)
  std::size_t max_passage_chunks = 4;  // cluttered: the item's chunks that are kept
  std::size_t budget = 4;              // chunks an example may read: spec().max_steps = min(budget, chunks)
  std::size_t preview_size = 4096;     // hash buckets of a chunk's preview bag; 0 = no preview
};

class TextChunkEnv : public Env {
 public:
  TextChunkEnv(std::shared_ptr<const TextSplit> data, const TextEnvOptions& options = {});

  const EnvSpec& spec() const override { return spec_; }
  std::size_t num_examples() const override { return data_->size(); }
  std::pair<Observation, Info> reset(const std::vector<std::size_t>& examples, std::uint64_t seed) override;
  StepResult step(const Action& action) override;

  const TextSplit& split() const { return *data_; }
  const TextEnvOptions& options() const { return options_; }
  const Array& documents() const { return documents_; }                   // [B, chunks, chunk_tokens]
  const std::vector<DocumentLayout>& layouts() const { return layouts_; }  // [B]
  std::vector<int> passage_start() const;                                 // [B] region of the item's first chunk
  const std::vector<std::uint8_t>& read_mask() const { return episodes_.read(); }  // [B * chunks]
  const std::vector<std::uint8_t>& done() const { return episodes_.done(); }       // [B] stopped or out of budget
  bool all_done() const { return episodes_.all_done(); }

 private:
  std::shared_ptr<const TextSplit> data_;
  TextEnvOptions options_;
  DocumentSpec doc_;
  EnvSpec spec_;
  Array documents_;  // [B, chunks, chunk_tokens]
  Array previews_;   // [B, chunks, 2 * chunk_tokens], or size 0
  std::vector<DocumentLayout> layouts_;
  Info info_;
  Episodes episodes_;  // done, chunks read, budget left
};

}  // namespace saccade
