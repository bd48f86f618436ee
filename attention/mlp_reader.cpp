#include "attention/mlp_reader.hpp"

#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {

namespace {
std::vector<std::size_t> body_sizes(const MlpReaderOptions& o) {
  std::vector<std::size_t> s = {o.content_size};
  for (std::size_t i = 0; i < o.layers; ++i) s.push_back(o.hidden);
  return s;
}
}  // namespace

MlpReader::MlpReader(const MlpReaderOptions& o, Rng& rng)
    : opt_(o), body_(body_sizes(o), rng), out_(o.hidden, o.num_classes, rng) {
  register_module("body", body_);
  register_module("out", out_);
}

// Memory: state = running sum of embeddings [B, H]; mask [B, 1] counts the regions read.
Memory MlpReader::init(std::size_t batch) const { return mean_memory_init(batch, opt_.hidden); }

Var MlpReader::encode(const RegionBatch& r) const {
  const std::size_t n = r.content.shape()[0];
  // MLP has no activation after its last layer; the embedding gets one here.
  return relu(body_(reshape(Var(r.content), {n, opt_.content_size})));
}

Memory MlpReader::update(const Memory& m, const Var& e, const std::vector<int>& rows) const {
  return mean_memory_add(m, e, rows);
}

Var MlpReader::summary(const Memory& m) const { return mean_memory_summary(m); }

double MlpReader::flops_encode() const {
  double f = 2.0 * static_cast<double>(opt_.content_size * opt_.hidden);
  for (std::size_t i = 1; i < opt_.layers; ++i) f += 2.0 * static_cast<double>(opt_.hidden * opt_.hidden);
  return f;
}

double MlpReader::flops_predict(std::size_t) const { return 2.0 * static_cast<double>(opt_.hidden * opt_.num_classes); }

}  // namespace saccade
