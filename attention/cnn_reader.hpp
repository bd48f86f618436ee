// A convolutional reader: each region's content (an image [H, W], or [C, H, W]) through 3 x 3
// convolutions (padding 1), each followed by 2 x 2 max-pooling and a ReLU, then a fully connected
// ReLU layer; the embeddings of the regions read are averaged and a linear layer gives the logits.
// On one region, the whole canvas, it is the `cnn` full-view reference (issue 20: a strong reference
// is a CNN over the whole image, e.g. 32, 64 and 64 channels then 256 units).
#pragma once

#include <vector>

#include "attention/reader.hpp"
#include "core/layers.hpp"

namespace saccade {

struct CnnReaderOptions {
  std::size_t in_channels = 1, height = 60, width = 60;  // one region's content
  std::vector<std::size_t> channels = {32, 64, 64};      // one convolution each, with its pooling
  std::size_t hidden = 256;                              // the fully connected layer: the embedding
  std::size_t num_classes = 10;
};

class CnnReader : public Reader {
 public:
  // Throws std::invalid_argument when the content cannot be pooled once per layer (a side below 2).
  CnnReader(const CnnReaderOptions& options, Rng& rng);
  Memory init(std::size_t batch) const override;
  Var encode(const RegionBatch& regions) const override;
  Memory update(const Memory& memory, const Var& embedding, const std::vector<int>& rows) const override;
  Var summary(const Memory& memory) const override;
  Var predict(const Memory& memory) const override { return out_(drop(summary(memory))); }
  std::size_t summary_size() const override { return opt_.hidden; }
  double flops_encode() const override;
  double flops_update(std::size_t) const override { return 0.0; }
  double flops_predict(std::size_t) const override;

 private:
  CnnReaderOptions opt_;
  std::vector<Conv2d> convs_;
  std::size_t flat_ = 0;  // channels x height x width after the last pooling
  Linear fc_, out_;
};

}  // namespace saccade
