// RAM's reader (Mnih et al. 2014): a glimpse network and a recurrent core.
//
//   h_g = relu(ρ W_g + b)        ρ: the retina's k scales of g x g, flattened
//   h_l = relu(l W_l + b)        l: the glimpse location
//   e   = relu(h_g W_hg + h_l W_hl + b)          the glimpse's embedding
//   h_t = relu(h_{t-1} W_hh + e W_eh + b)        core "rnn" (RAM's), or a GRU cell (core "gru")
//   logits = h_T W_out + b
#pragma once

#include <string>

#include "attention/reader.hpp"
#include "core/layers.hpp"

namespace saccade {

struct RamReaderOptions {
  std::size_t glimpse_size = 12 * 12 * 3;  // k * g * g
  std::size_t glimpse_hidden = 128;        // h_g and h_l
  std::size_t hidden = 256;                // embedding and core state
  std::size_t num_classes = 10;
  std::string core = "rnn";                // "rnn" (RAM) or "gru"
};

class RamReader : public Reader {
 public:
  RamReader(const RamReaderOptions& options, Rng& rng);
  Memory init(std::size_t batch) const override;
  Var encode(const RegionBatch& regions) const override;
  Memory update(const Memory& memory, const Var& embedding, const std::vector<int>& rows) const override;
  Var summary(const Memory& memory) const override { return memory.state; }
  Var predict(const Memory& memory) const override { return out_(drop(memory.state)); }
  std::size_t summary_size() const override { return opt_.hidden; }
  double flops_encode() const override;
  double flops_update(std::size_t) const override;
  double flops_predict(std::size_t) const override;

 private:
  RamReaderOptions opt_;
  Linear glimpse_, where_, glimpse_to_e_, where_to_e_, core_hh_, core_eh_, out_;
  GRUCell gru_;
};

}  // namespace saccade
