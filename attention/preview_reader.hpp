// A small classifier on an example's cheap previews, reading no region: the `preview` reference
// (experiments/tables/references.cpp), whose env hands it the preview as its one region's content
// (envs/preview_env.hpp). What it scores is what the previews alone tell; a policy's reader that
// does no better than it gains nothing by reading.
//
//   dense previews (an image thumbnail [h, w], or dialogue rows [R, P]), flattened to x:
//     e = relu(W2 relu(W1 x + b1) + b2)                                   [n, H]
//   bag previews [R, 2K] (text: per region K (feature, weight) pairs over `bag_features` hashed
//   buckets, core/layers.hpp BagRows), each region's bag embedded, averaged over the R regions:
//     e = relu(W2 mean_r relu(sum_k w_rk W1[id_rk] + b1) + b2)           [n, H]
//   memory  = the mean of the embeddings read (one: the preview)         [B, H]
//   logits  = memory W_out + b_out                                       [B, C]
// With several answer slots (dialogue), W_out has a column per value of each slot (G = their sum) and
// the logits are [B * S, Vmax], row b * S + s slot s's values padded with a constant kPadLogit up to
// Vmax, as TurnReader's are.
//
// Parameters, in order: first (W1, b1), second (W2, b2), out (W_out, b_out).
#pragma once

#include <vector>

#include "attention/reader.hpp"
#include "core/layers.hpp"

namespace saccade {

struct PreviewReaderOptions {
  std::size_t preview_size = 0;   // floats of one example's previews (the content's size)
  std::size_t bag_features = 0;   // > 0: bag previews over that many features; 0: dense previews
  std::size_t regions = 1;        // bag previews: the rows R of [R, 2K]
  std::size_t hidden = 256;       // H
  std::size_t num_classes = 10;   // one answer slot: its classes
  std::vector<std::size_t> slot_values{};  // several answer slots: values of each (num_classes unused)
};

class PreviewReader : public Reader {
 public:
  // The logit of a column past a slot's own values: softmax gives it ~1e-13 (as TurnReader::kPadLogit).
  static constexpr float kPadLogit = -30.0f;

  PreviewReader(const PreviewReaderOptions& options, Rng& rng);
  Memory init(std::size_t batch) const override;
  // content [n, preview...] -> [n, H]. Bag previews: throws std::invalid_argument (bag_rows) on a
  // feature id not an integer in [0, bag_features).
  Var encode(const RegionBatch& regions) const override;
  Memory update(const Memory& memory, const Var& embedding, const std::vector<int>& rows) const override;
  Var summary(const Memory& memory) const override;
  Var predict(const Memory& memory) const override;  // [B * S, Vmax], or [B, num_classes]
  std::size_t summary_size() const override { return opt_.hidden; }

  // Multiply-adds x 2 of one example:
  //   encode   dense: 2 (preview_size H + H^2); bag: 2 (R K H + H^2) (a bag row touches K rows of W1)
  //   predict  2 H G (G = sum of slot_values, or num_classes)
  // The mean over regions and the padding are elementwise and not counted.
  double flops_encode() const override;
  double flops_update(std::size_t) const override { return 0.0; }
  double flops_predict(std::size_t) const override;

 private:
  std::size_t outputs() const;  // G
  PreviewReaderOptions opt_;
  Linear first_, second_, out_;
};

}  // namespace saccade
