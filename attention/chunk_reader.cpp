#include "attention/chunk_reader.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "core/ops.hpp"

namespace saccade {

ChunkReader::ChunkReader(const ChunkReaderOptions& o, Rng& rng) : opt_(o) {
  if (o.vocab_size < 2) {
    throw std::invalid_argument("ChunkReader: vocab_size must be at least 2 (id 0 is <pad>), got " +
                                std::to_string(o.vocab_size));
  }
  if (o.chunk_tokens == 0) throw std::invalid_argument("ChunkReader: chunk_tokens must be positive");
  token_ = Embedding(o.vocab_size, o.dim, rng);
  token_position_ = Embedding(o.chunk_tokens, o.dim, rng);
  // Within-chunk positions start small next to the token embeddings (as the chunk positions do).
  Var table = token_position_.weight();  // a shared handle: scaling its value scales the parameter
  table.value() *= 0.1f;
  attention_ = MultiHeadAttention(o.dim, o.heads, rng);
  norm1_ = LayerNorm(o.dim);
  ffn1_ = Linear(o.dim, ffn_width(), rng);
  ffn2_ = Linear(ffn_width(), o.dim, rng);
  norm2_ = LayerNorm(o.dim);
  chunk_pool_ = AttentionPooling(o.dim, o.heads, rng);
  register_module("token", token_);
  register_module("token_position", token_position_);
  register_module("attention", attention_);
  register_module("norm1", norm1_);
  register_module("ffn1", ffn1_);
  register_module("ffn2", ffn2_);
  register_module("norm2", norm2_);
  register_module("chunk_pool", chunk_pool_);
  build_set({o.regions, o.dim, o.heads, o.num_classes}, rng);
}

Var ChunkReader::encode_content(const RegionBatch& r) const {
  const std::size_t L = opt_.chunk_tokens, D = opt_.dim;
  if (r.content.dimension() == 0) throw std::invalid_argument("ChunkReader: content must be [n, chunk_tokens]");
  const std::size_t n = r.content.shape()[0];
  if (r.content.size() != n * L) {
    throw std::invalid_argument("ChunkReader: content has " + std::to_string(r.content.size()) + " elements for " +
                                std::to_string(n) + " chunks, expected " + std::to_string(L) + " token ids each");
  }
  // Token ids (floats holding integers) and the key mask: 1 where a real token is, 0 at <pad>.
  std::vector<int> ids(n * L);
  Array mask = Array::from_shape({n, L});
  bool any_pad = false;
  const float* c = r.content.data();
  for (std::size_t i = 0; i < n * L; ++i) {
    const float v = c[i];
    if (!(v >= 0.0f && v < static_cast<float>(opt_.vocab_size) && v == std::floor(v))) {
      throw std::invalid_argument("ChunkReader: token id " + std::to_string(v) + " (chunk " + std::to_string(i / L) +
                                  ", token " + std::to_string(i % L) + ") is not an integer in [0, " +
                                  std::to_string(opt_.vocab_size) + ")");
    }
    ids[i] = static_cast<int>(v);
    mask.data()[i] = ids[i] == 0 ? 0.0f : 1.0f;
    any_pad = any_pad || ids[i] == 0;
  }
  // Without padding the mask changes nothing (every key kept): skip its elementwise work.
  const Array* key_mask = any_pad ? &mask : nullptr;

  // E[id] + Q[position within the chunk], as [n, L, D].
  std::vector<int> positions(n * L);
  for (std::size_t i = 0; i < n * L; ++i) positions[i] = static_cast<int>(i % L);
  const Var x = gather_sum({token_.weight(), token_position_.weight()}, {ids, positions}, {n, L, D});
  Var h = norm1_(x + attention_(x, x, x, key_mask));
  h = norm2_(h + ffn2_(relu(ffn1_(h))));
  return chunk_pool_(h, key_mask);  // [n, D]
}

double ChunkReader::flops_content() const {
  const double l = static_cast<double>(opt_.chunk_tokens), d = static_cast<double>(opt_.dim);
  const double f = static_cast<double>(ffn_width());
  const double self_attention = 4.0 * l * d * d + 2.0 * l * l * d;
  const double ffn = 2.0 * l * d * f;
  const double pooling = 2.0 * l * d * d + 2.0 * d * d + 2.0 * l * d;
  return 2.0 * (self_attention + ffn + pooling);
}

}  // namespace saccade
