// A fully connected reader: each region's content through an MLP, the embeddings of the regions
// read averaged, then a linear classifier. On a 1 x 1 grid (one region: the whole canvas) it is
// RAM's fully connected full-view baseline (two hidden layers of 256).
#pragma once

#include "attention/reader.hpp"
#include "core/layers.hpp"

namespace saccade {

struct MlpReaderOptions {
  std::size_t content_size = 3600;
  std::size_t hidden = 256;
  std::size_t layers = 2;
  std::size_t num_classes = 10;
};

class MlpReader : public Reader {
 public:
  MlpReader(const MlpReaderOptions& options, Rng& rng);
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
  MlpReaderOptions opt_;
  MLP body_;
  Linear out_;
};

}  // namespace saccade
