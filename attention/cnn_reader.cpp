#include "attention/cnn_reader.hpp"

#include <stdexcept>
#include <string>

#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {

namespace {
constexpr std::size_t kKernel = 3, kPadding = 1, kPool = 2;  // a 3 x 3 convolution keeps the side; pooling halves it
}  // namespace

CnnReader::CnnReader(const CnnReaderOptions& o, Rng& rng) : opt_(o) {
  if (o.channels.empty()) throw std::invalid_argument("CnnReader: at least one convolution");
  std::size_t in = o.in_channels, h = o.height, w = o.width;
  for (std::size_t l = 0; l < o.channels.size(); ++l) {
    if (h < kPool || w < kPool) {
      throw std::invalid_argument("CnnReader: a " + std::to_string(o.height) + "x" + std::to_string(o.width) +
                                  " input is too small for " + std::to_string(o.channels.size()) + " 2x2 poolings");
    }
    convs_.emplace_back(in, o.channels[l], kKernel, kPadding, rng);
    in = o.channels[l], h /= kPool, w /= kPool;
  }
  flat_ = in * h * w;
  fc_ = Linear(flat_, o.hidden, rng);
  out_ = Linear(o.hidden, o.num_classes, rng);
  for (std::size_t l = 0; l < convs_.size(); ++l) register_module("conv" + std::to_string(l), convs_[l]);
  register_module("fc", fc_);
  register_module("out", out_);
}

// Memory: state = running sum of embeddings [B, H]; mask [B, 1] counts the regions read (as MlpReader).
Memory CnnReader::init(std::size_t batch) const { return mean_memory_init(batch, opt_.hidden); }

// Pooling before the ReLU: max and ReLU commute (both are monotone), so relu(pool(x)) is the usual
// pool(relu(x)) with the same gradient, and the ReLU runs on a quarter of the values.
Var CnnReader::encode(const RegionBatch& r) const {
  const std::size_t n = r.content.shape()[0];
  if (r.content.size() != n * opt_.in_channels * opt_.height * opt_.width) {
    throw std::invalid_argument("CnnReader: region content of " + std::to_string(r.content.size() / (n ? n : 1)) +
                                " values, expected " + std::to_string(opt_.in_channels) + "x" + std::to_string(opt_.height) +
                                "x" + std::to_string(opt_.width));
  }
  Var h = reshape(Var(r.content), {n, opt_.in_channels, opt_.height, opt_.width});
  for (const Conv2d& conv : convs_) h = relu(max_pool2d(conv(h), kPool));
  return relu(fc_(reshape(h, {n, flat_})));
}

Memory CnnReader::update(const Memory& m, const Var& e, const std::vector<int>& rows) const {
  return mean_memory_add(m, e, rows);
}

Var CnnReader::summary(const Memory& m) const { return mean_memory_summary(m); }

// Multiply-adds times two, as for every reader: each convolution's (every output pixel of every
// output channel reads C k k inputs) and the fully connected layer's. Biases, pooling and ReLUs are
// comparisons and additions, not counted (nor are they for the other readers).
double CnnReader::flops_encode() const {
  double f = 0.0;
  std::size_t in = opt_.in_channels, h = opt_.height, w = opt_.width;
  for (const std::size_t c : opt_.channels) {
    f += 2.0 * static_cast<double>(h * w) * static_cast<double>(c * in * kKernel * kKernel);
    in = c, h /= kPool, w /= kPool;
  }
  return f + 2.0 * static_cast<double>(flat_ * opt_.hidden);
}

double CnnReader::flops_predict(std::size_t) const { return 2.0 * static_cast<double>(opt_.hidden * opt_.num_classes); }

}  // namespace saccade
