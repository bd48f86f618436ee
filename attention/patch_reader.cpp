#include "attention/patch_reader.hpp"

#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {

PatchReader::PatchReader(const PatchReaderOptions& o, Rng& rng)
    : opt_(o),
      in1_(o.content_size, o.dim, rng),
      in2_(o.dim, o.dim, rng),
      position_(o.regions, o.dim, rng),
      pool_(o.dim, o.heads, rng),
      head1_(o.dim, o.dim, rng),
      head2_(o.dim, o.num_classes, rng) {
  // Position embeddings start small so content dominates early training.
  Var table = position_.weight();  // a shared handle: scaling its value scales the parameter
  table.value() *= 0.1f;
  register_module("in1", in1_);
  register_module("in2", in2_);
  register_module("position", position_);
  register_module("pool", pool_);
  register_module("head1", head1_);
  register_module("head2", head2_);
}

Memory PatchReader::init(std::size_t batch) const {
  Memory m;
  m.batch = batch;
  m.items = Var(Array::from_shape({batch, std::size_t{0}, opt_.dim}));
  m.mask = Array::from_shape({batch, std::size_t{0}});
  return m;
}

Var PatchReader::encode(const RegionBatch& r) const {
  const std::size_t n = r.content.shape()[0];
  const Var x = reshape(Var(r.content), {n, opt_.content_size});
  return relu(in2_(relu(in1_(x)))) + position_(r.region);
}

Memory PatchReader::update(const Memory& m, const Var& e, const std::vector<int>& rows) const {
  const std::size_t B = m.batch, T = m.mask.shape()[1];
  Memory next = m;
  // This step's slot: the new embedding for the examples that read, zeros (masked) for the rest.
  Var slot = all_rows_in_order(rows, B) ? e : scatter_rows(Var(xt::zeros<float>({B, opt_.dim})), rows, e);
  slot = reshape(slot, {B, 1, opt_.dim});
  next.items = T == 0 ? slot : concat({m.items, slot}, 1);
  next.mask = Array::from_shape({B, T + 1});
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t t = 0; t < T; ++t) next.mask(b, t) = m.mask(b, t);
    next.mask(b, T) = 0.0f;
  }
  for (int b : rows) next.mask(b, T) = 1.0f;
  return next;
}

Var PatchReader::summary(const Memory& m) const {
  if (m.mask.shape()[1] == 0) return Var(xt::zeros<float>({m.batch, opt_.dim}));
  return pool_(m.items, &m.mask);
}

Var PatchReader::predict(const Memory& m) const { return head2_(relu(head1_(summary(m)))); }

double PatchReader::flops_encode() const {
  const double d = static_cast<double>(opt_.dim);
  // in1, in2, and the pooling's key and value projections of this item
  return 2.0 * (static_cast<double>(opt_.content_size) * d + d * d + 2.0 * d * d);
}

double PatchReader::flops_predict(std::size_t items) const {
  const double d = static_cast<double>(opt_.dim), t = static_cast<double>(items);
  // query projection, scores and weighted sum over the items, output projection, the head
  return 2.0 * (d * d + 2.0 * t * d + d * d + d * d + d * static_cast<double>(opt_.num_classes));
}

}  // namespace saccade
