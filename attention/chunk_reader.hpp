// A reader over a set of text chunks: a SetReader (attention/set_reader.hpp: position embedding per
// chunk index, the set memory, attention pooling with a learned query, the head) whose content encoder is
// one small transformer layer over the chunk's tokens, pooled to one vector:
//
//   content  = chunk_tokens token ids stored as floats; 0 is <pad> (a chunk may be partly or all padding)
//   x_l      = E[id_l] + Q[l]                                E: token embedding, Q: within-chunk position
//   h        = LayerNorm_1(x + MHA(x, x, x; keys masked where id = pad))
//   h        = LayerNorm_2(h + relu(h W_f1 + b_f1) W_f2 + b_f2)
//   c        = attention pooling of {h_l : id_l != pad} with a learned query   -> the chunk's embedding
//
// (post-LN, as in the original transformer; one layer, so there is no depth for pre-LN to help with.)
// Padding never reaches a real token: pad keys get exactly zero weight in both attentions, so a chunk's
// embedding does not depend on the pad embedding E[0] nor on the positions its padding occupies. A pad-only
// chunk attends to nothing (its weights are all zero, see attention/scaled_dot_product.hpp) and embeds to
// a constant, the chunk pooling's output bias: finite, and it carries no gradient into E or Q.
//
// Parameters: token, token_position, attention, norm1, ffn1, ffn2, norm2, chunk_pool, then the set
// reader's position, pool, head1, head2.
#pragma once

#include <cstddef>
#include <vector>

#include "attention/multi_head.hpp"
#include "attention/pooling.hpp"
#include "attention/set_reader.hpp"
#include "core/layers.hpp"

namespace saccade {

struct ChunkReaderOptions {
  std::size_t vocab_size = 0;     // token ids in [0, vocab_size); id 0 is <pad>
  std::size_t chunk_tokens = 12;  // tokens per chunk (a region's content)
  std::size_t regions = 16;       // chunks per document, for the chunk position embedding
  std::size_t dim = 128;
  std::size_t heads = 4;          // in the chunk's self-attention and both poolings
  std::size_t num_classes = 10;
  std::size_t ffn_hidden = 0;     // width of the feed-forward's hidden layer; 0 means dim
};

class ChunkReader : public SetReader {
 public:
  ChunkReader(const ChunkReaderOptions& options, Rng& rng);

  // content [n, chunk_tokens] (any shape of n * chunk_tokens elements) -> [n, dim]. Throws if an id is
  // not an integer in [0, vocab_size).
  Var encode_content(const RegionBatch& regions) const override;
  // Multiply-adds x 2 of one chunk (L = chunk_tokens, D = dim, F = ffn hidden width):
  //   self-attention projections q, k, v, out  4 L D^2
  //   scores Q K^T and the weighted sum of V    2 L^2 D
  //   feed-forward                             2 L D F
  //   chunk pooling: k, v projections          2 L D^2
  //                  query and out projections 2 D^2   (computed per chunk, so counted per chunk)
  //                  scores and weighted sum   2 L D
  // The embedding lookups, biases, residual adds, LayerNorms, softmaxes and ReLUs are O(L D) elementwise
  // work and not counted, as elsewhere. Padding is computed like any token, so it is counted too.
  double flops_content() const override;

  const ChunkReaderOptions& options() const { return opt_; }
  // The chunk's self-attention and pooling, for their last weights (traces, plots).
  const MultiHeadAttention& self_attention() const { return attention_; }
  const AttentionPooling& chunk_pooling() const { return chunk_pool_; }

 private:
  std::size_t ffn_width() const { return opt_.ffn_hidden ? opt_.ffn_hidden : opt_.dim; }

  ChunkReaderOptions opt_;
  Embedding token_, token_position_;
  MultiHeadAttention attention_;
  LayerNorm norm1_;
  Linear ffn1_, ffn2_;
  LayerNorm norm2_;
  AttentionPooling chunk_pool_;
};

}  // namespace saccade
