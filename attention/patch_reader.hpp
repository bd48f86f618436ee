// A reader over a set of regions (image patches; the same shape serves text chunks and turns):
//
//   e_i    = relu(relu(x_i W_1 + b_1) W_2 + b_2) + P[region_i]    x_i: the region's content,
//                                                                P: a learned position embedding
//   memory = the set {e_i} of regions read so far (masked where an example read nothing)
//   pooled = multi-head attention pooling of the set with a learned query
//   logits = relu(pooled W_3 + b_3) W_4 + b_4
//
// Over all regions (the `all` policy) it is the full-view reader, the upper bound of budgeted runs.
#pragma once

#include "attention/pooling.hpp"
#include "attention/reader.hpp"
#include "core/layers.hpp"

namespace saccade {

struct PatchReaderOptions {
  std::size_t content_size = 144;  // elements of one region's content (e.g. 12 x 12)
  std::size_t regions = 25;        // for the position embedding
  std::size_t dim = 128;
  std::size_t heads = 4;
  std::size_t num_classes = 10;
};

class PatchReader : public Reader {
 public:
  PatchReader(const PatchReaderOptions& options, Rng& rng);
  Memory init(std::size_t batch) const override;
  Var encode(const RegionBatch& regions) const override;
  Memory update(const Memory& memory, const Var& embedding, const std::vector<int>& rows) const override;
  Var summary(const Memory& memory) const override;
  Var predict(const Memory& memory) const override;
  std::size_t summary_size() const override { return opt_.dim; }
  double flops_encode() const override;
  double flops_update(std::size_t) const override { return 0.0; }
  double flops_predict(std::size_t items) const override;
  const AttentionPooling& pooling() const { return pool_; }

 private:
  PatchReaderOptions opt_;
  Linear in1_, in2_;
  Embedding position_;
  AttentionPooling pool_;
  Linear head1_, head2_;
};

}  // namespace saccade
