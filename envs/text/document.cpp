#include "envs/text/document.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace saccade {

void check_document_spec(const DocumentSpec& spec, const TextSplit& split) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument("text document (" + split.name + "): " + what);
  };
  if (spec.chunks == 0) fail("chunks must be >= 1");
  if (spec.chunk.tokens == 0) fail("chunk_tokens must be >= 1");
  if (spec.clutter && spec.max_passage == 0) fail("max_passage_chunks must be >= 1");
  if (split.doc_sentences.size() != split.docs.size() || split.labels.size() != split.docs.size() ||
      split.distractor_sentences.size() != split.distractors.size()) {
    fail("docs, doc_sentences and labels (distractors and distractor_sentences) must have the same length");
  }
  if (spec.clutter && split.distractors.empty()) {
    fail("clutter needs distractor texts, and this split has none (fortunes take them from the other categories; "
         "for a CSV/JSONL source give a distractors file, env.text.distractors, or set clutter to false)");
  }
}

DocumentLayout build_document(const TextSplit& split, std::size_t example, const DocumentSpec& spec, Rng& rng,
                              float* out) {
  check_document_spec(spec, split);
  if (example >= split.size()) {
    throw std::out_of_range("text document: example " + std::to_string(example) + " of " + split.name + " (size " +
                            std::to_string(split.size()) + ")");
  }
  const std::size_t t = spec.chunk.tokens;
  const std::vector<int>& ids = split.docs[example];
  const std::vector<std::size_t>& sentences = split.doc_sentences[example];
  const std::size_t own = count_chunks(ids, sentences, spec.chunk);

  DocumentLayout layout;
  layout.sources.assign(spec.chunks, ChunkSource{});
  std::fill(out, out + spec.chunks * t, 0.0f);
  if (spec.clutter) {
    layout.passage_chunks = std::min({spec.max_passage, own, spec.chunks});
    layout.passage_start = rng.randint(spec.chunks - layout.passage_chunks + 1);
  } else {
    layout.passage_chunks = std::min(own, spec.chunks);
  }
  for (std::size_t k = 0; k < layout.passage_chunks; ++k) {
    const std::size_t r = layout.passage_start + k;
    write_chunk(ids, sentences, spec.chunk, k, out + r * t);
    layout.sources[r].chunk = static_cast<int>(k);
  }
  if (!spec.clutter) return layout;
  for (std::size_t r = 0; r < spec.chunks; ++r) {
    if (r >= layout.passage_start && r < layout.passage_start + layout.passage_chunks) continue;
    const std::size_t d = rng.randint(split.distractors.size());
    const std::vector<int>& dids = split.distractors[d];
    const std::vector<std::size_t>& dsent = split.distractor_sentences[d];
    const std::size_t n = count_chunks(dids, dsent, spec.chunk);
    if (n == 0) throw std::invalid_argument("text document (" + split.name + "): distractor " + std::to_string(d) + " is empty");
    const std::size_t k = rng.randint(n);
    write_chunk(dids, dsent, spec.chunk, k, out + r * t);
    layout.sources[r] = {static_cast<int>(d), static_cast<int>(k)};
  }
  return layout;
}

Rng document_rng(std::uint64_t seed, std::size_t example) {
  return Rng::stream(seed, "text-document").fork(std::to_string(example));
}

}  // namespace saccade
