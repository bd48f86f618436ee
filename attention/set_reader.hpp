// The part of a set reader that is not about a region's content (PatchReader, ChunkReader):
//
//   e_i    = encode_content(region i) + P[region_i]     P: a learned position embedding per region index
//   memory = the set {e_i} of regions read so far [B, T, D] (masked where an example read nothing)
//   pooled = multi-head attention pooling of the set with a learned query
//   logits = relu(pooled W_3 + b_3) W_4 + b_4
//
// A derived reader supplies encode_content (-> [n, dim]) and its FLOPs, and builds itself in this order:
// its own layers from the Rng (registering them), then build_set(options, rng), which draws and registers
// position, pool, head1, head2. That order keeps PatchReader's weights and parameter names as they were
// before this class was factored out of it.
#pragma once

#include <cstddef>
#include <vector>

#include "attention/pooling.hpp"
#include "attention/reader.hpp"
#include "core/layers.hpp"

namespace saccade {

struct SetReaderOptions {
  std::size_t regions = 25;  // for the position embedding
  std::size_t dim = 128;
  std::size_t heads = 4;
  std::size_t num_classes = 10;
};

class SetReader : public Reader {
 public:
  Memory init(std::size_t batch) const override;
  // encode_content(regions) + P[regions.region]: [n, dim].
  Var encode(const RegionBatch& regions) const override;
  Memory update(const Memory& memory, const Var& embedding, const std::vector<int>& rows) const override;
  // All the steps' regions encoded in one call, their keys and values projected in one product each.
  Memory read_steps(const Memory& memory, const std::vector<StepRead>& steps) const override;
  Var summary(const Memory& memory) const override;
  Var predict(const Memory& memory) const override;
  // The pooling's weights over the set (averaged over its heads), the ones summary() and predict() sum by.
  Array attention_weights(const Memory& memory) const override;
  std::size_t summary_size() const override { return set_.dim; }
  // flops_content() plus the set pooling's key and value projections of the new item.
  double flops_encode() const override;
  double flops_update(std::size_t) const override { return 0.0; }
  // Query projection, scores and weighted sum over the items, output projection, the head.
  double flops_predict(std::size_t items) const override;

  // What a derived reader supplies: one embedding [n, dim] per region from its content alone (no
  // position), and the multiply-adds x 2 of that for one region.
  virtual Var encode_content(const RegionBatch& regions) const = 0;
  virtual double flops_content() const = 0;

  const SetReaderOptions& set_options() const { return set_; }
  const Embedding& position() const { return position_; }
  const AttentionPooling& pooling() const { return pool_; }

 protected:
  SetReader() = default;
  // Draws position, pool, head1, head2 from rng and registers them under those names. Call it once, at
  // the end of the derived constructor.
  void build_set(const SetReaderOptions& options, Rng& rng);

 private:
  void require_built() const;
  // The embeddings of steps' regions (rows[s] the examples of step s, in order) added to the set.
  Memory append(const Memory& memory, const Var& embedding, const std::vector<std::vector<int>>& rows) const;

  SetReaderOptions set_{0, 0, 0, 0};  // dim 0 until build_set
  Embedding position_;
  AttentionPooling pool_;
  Linear head1_, head2_;
};

}  // namespace saccade
