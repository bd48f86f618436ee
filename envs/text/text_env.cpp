#include "envs/text/text_env.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace saccade {

TextChunkEnv::TextChunkEnv(std::shared_ptr<const TextSplit> data, const TextEnvOptions& options)
    : data_(std::move(data)), options_(options) {
  if (!data_) throw std::invalid_argument("text-chunks: no text split");
  if (options_.budget == 0) throw std::invalid_argument("text-chunks: budget must be >= 1");
  if (data_->idf.size() != data_->vocab_size) {
    throw std::invalid_argument("text-chunks: " + data_->name + " has " + std::to_string(data_->idf.size()) +
                                " idf weights for a vocabulary of " + std::to_string(data_->vocab_size));
  }
  doc_.chunks = options_.chunks;
  doc_.chunk = {options_.chunk_tokens, options_.sentences};
  doc_.clutter = options_.clutter;
  doc_.max_passage = options_.max_passage_chunks;
  check_document_spec(doc_, *data_);
  for (std::size_t d = 0; d < data_->distractors.size(); ++d) {
    if (data_->distractors[d].empty()) {
      throw std::invalid_argument("text-chunks: distractor " + std::to_string(d) + " of " + data_->name + " is empty");
    }
  }
  spec_.name = "text-chunks";
  spec_.num_classes = data_->num_classes;
  spec_.num_regions = options_.chunks;
  spec_.max_steps = std::min(options_.budget, options_.chunks);
  spec_.content_shape = {options_.chunk_tokens};
  if (options_.preview_size > 0) spec_.preview_shape = {options_.chunks, 2 * options_.chunk_tokens};
  spec_.preview_kind = PreviewKind::bag;
  spec_.preview_features = options_.preview_size;
}

std::vector<int> TextChunkEnv::passage_start() const {
  std::vector<int> s;
  for (const auto& l : layouts_) s.push_back(static_cast<int>(l.passage_start));
  return s;
}

std::pair<Observation, Info> TextChunkEnv::reset(const std::vector<std::size_t>& examples, std::uint64_t seed) {
  const std::size_t b = examples.size(), R = options_.chunks, T = options_.chunk_tokens;
  check_reset_examples(examples, data_->size(), spec_.name, data_->name);
  // Batches keep their size during training: reuse the buffers.
  if (documents_.dimension() != 3 || documents_.shape()[0] != b) documents_ = Array::from_shape({b, R, T});
  layouts_.resize(b);
  info_.examples = examples;
  info_.labels.resize(b);
  info_.evidence.assign(b * R, 0);
  for (std::size_t i = 0; i < b; ++i) {
    Rng rng = document_rng(seed, examples[i]);
    layouts_[i] = build_document(*data_, examples[i], doc_, rng, documents_.data() + i * R * T);
    info_.labels[i] = data_->labels[examples[i]];
    // The passage is the evidence, cluttered or not (uncluttered it starts at region 0).
    std::fill_n(info_.evidence.begin() + static_cast<long>(i * R + layouts_[i].passage_start),
                layouts_[i].passage_chunks, 1);
  }
  const std::size_t P = options_.preview_size;
  if (P > 0) {  // a bag of T (bucket, weight) pairs per chunk
    if (previews_.dimension() != 3 || previews_.shape()[0] != b) previews_ = Array::from_shape({b, R, 2 * T});
    for (std::size_t c = 0; c < b * R; ++c) {
      chunk_preview(documents_.data() + c * T, T, data_->idf, P, previews_.data() + c * 2 * T);
    }
  } else {
    previews_ = Array::from_shape({0});
  }
  episodes_.reset(b, R, spec_.max_steps);
  return {episodes_.blank_observation(previews_, spec_.content_shape), info_};
}

StepResult TextChunkEnv::step(const Action& action) {
  episodes_.validate(action, "text-chunks", false);
  StepResult r = episodes_.blank_result(previews_, spec_.content_shape, info_);
  const std::size_t R = options_.chunks, T = options_.chunk_tokens;
  episodes_.step(action, r, [&](std::size_t i, std::size_t g, float* content, float* location) {
    const float* src = documents_.data() + (i * R + g) * T;
    std::copy(src, src + T, content);
    location[1] = R == 1 ? 0.0f : -1.0f + 2.0f * static_cast<float>(g) / static_cast<float>(R - 1);
  });
  return r;
}

}  // namespace saccade
