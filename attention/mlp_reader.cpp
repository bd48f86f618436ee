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
Memory MlpReader::init(std::size_t batch) const {
  Memory m;
  m.batch = batch;
  m.state = Var(xt::zeros<float>({batch, opt_.hidden}));
  m.mask = xt::zeros<float>({batch, std::size_t{1}});
  return m;
}

Var MlpReader::encode(const RegionBatch& r) const {
  const std::size_t n = r.content.shape()[0];
  // MLP has no activation after its last layer; the embedding gets one here.
  return relu(body_(reshape(Var(r.content), {n, opt_.content_size})));
}

Memory MlpReader::update(const Memory& m, const Var& e, const std::vector<int>& rows) const {
  Memory next = m;
  const Var added = all_rows_in_order(rows, m.batch) ? e : scatter_rows(Var(xt::zeros<float>({m.batch, opt_.hidden})), rows, e);
  next.state = m.state + added;
  for (int b : rows) next.mask(b, 0) += 1.0f;
  return next;
}

Var MlpReader::summary(const Memory& m) const {
  Array inv = Array::from_shape({m.batch, std::size_t{1}});
  for (std::size_t b = 0; b < m.batch; ++b) inv(b, 0) = m.mask(b, 0) > 0 ? 1.0f / m.mask(b, 0) : 0.0f;
  return m.state * Var(inv);
}

double MlpReader::flops_encode() const {
  double f = 2.0 * static_cast<double>(opt_.content_size * opt_.hidden);
  for (std::size_t i = 1; i < opt_.layers; ++i) f += 2.0 * static_cast<double>(opt_.hidden * opt_.hidden);
  return f;
}

double MlpReader::flops_predict(std::size_t) const { return 2.0 * static_cast<double>(opt_.hidden * opt_.num_classes); }

}  // namespace saccade
