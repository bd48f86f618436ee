// A reader over a set of image patches: a SetReader (attention/set_reader.hpp: position embedding, the
// set memory, attention pooling with a learned query, the head) whose content encoder is a 2-layer MLP
// over the patch's pixels:
//
//   e_i    = relu(relu(x_i W_1 + b_1) W_2 + b_2) + P[region_i]    x_i: the region's content,
//                                                                P: a learned position embedding
//   memory = the set {e_i} of regions read so far (masked where an example read nothing)
//   pooled = multi-head attention pooling of the set with a learned query
//   logits = relu(pooled W_3 + b_3) W_4 + b_4
//
// Over all regions (the `all` policy) it is the full-view reader, the upper bound of budgeted runs.
// Parameters: in1, in2, position, pool, head1, head2 (in that order).
#pragma once

#include "attention/set_reader.hpp"
#include "core/layers.hpp"

namespace saccade {

struct PatchReaderOptions {
  std::size_t content_size = 144;  // elements of one region's content (e.g. 12 x 12)
  std::size_t regions = 25;        // for the position embedding
  std::size_t dim = 128;
  std::size_t heads = 4;
  std::size_t num_classes = 10;
};

class PatchReader : public SetReader {
 public:
  PatchReader(const PatchReaderOptions& options, Rng& rng);
  // relu(relu(x W_1 + b_1) W_2 + b_2): [n, dim].
  Var encode_content(const RegionBatch& regions) const override;
  // in1 and in2.
  double flops_content() const override;

 private:
  PatchReaderOptions opt_;
  Linear in1_, in2_;
};

}  // namespace saccade
