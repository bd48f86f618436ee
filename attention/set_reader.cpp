#include "attention/set_reader.hpp"

#include <stdexcept>

#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {

void SetReader::build_set(const SetReaderOptions& o, Rng& rng) {
  if (set_.dim != 0) throw std::logic_error("SetReader::build_set called twice");
  if (o.dim == 0) throw std::invalid_argument("SetReader: dim must be positive");
  position_ = Embedding(o.regions, o.dim, rng);
  pool_ = AttentionPooling(o.dim, o.heads, rng);
  head1_ = Linear(o.dim, o.dim, rng);
  head2_ = Linear(o.dim, o.num_classes, rng);
  // Position embeddings start small so content dominates early training.
  Var table = position_.weight();  // a shared handle: scaling its value scales the parameter
  table.value() *= 0.1f;
  register_module("position", position_);
  register_module("pool", pool_);
  register_module("head1", head1_);
  register_module("head2", head2_);
  set_ = o;
}

void SetReader::require_built() const {
  if (set_.dim == 0) throw std::logic_error("SetReader: the derived reader's constructor did not call build_set");
}

Memory SetReader::init(std::size_t batch) const {
  require_built();
  Memory m;
  m.batch = batch;
  m.mask = Array::from_shape({batch, std::size_t{0}});
  return m;
}

Var SetReader::encode(const RegionBatch& r) const {
  require_built();
  return encode_content(r) + position_(r.region);
}

Var stacked(const std::vector<Var>& entries) {
  if (entries.empty()) throw std::logic_error("stacked: the set is empty");
  return entries.size() == 1 ? entries.front() : concat(entries, 1);
}

Memory append_steps(const Memory& m, const Var& item, const Var& key, const Var& value,
                    const std::vector<std::vector<int>>& rows) {
  const std::size_t B = m.batch, T = m.mask.shape()[1], S = rows.size();
  // Where each row goes in the new entry [B, S, w] seen as [B * S, w]: example b's step s is row b S + s.
  std::vector<int> to;
  for (std::size_t s = 0; s < S; ++s) {
    for (int b : rows[s]) to.push_back(static_cast<int>(static_cast<std::size_t>(b) * S + s));
  }
  // One step that every example read, in order, is the rows as they are: no scatter.
  const bool as_is = S == 1 && all_rows_in_order(rows[0], B);
  const auto entry = [&](const Var& step_rows) {
    const std::size_t w = step_rows.shape(1);
    return as_is ? reshape(step_rows, {B, 1, w}) : scatter_rows(Shape{B, S, w}, to, step_rows);
  };
  Memory next = m;
  if (item.defined()) next.items.push_back(entry(item));
  next.keys.push_back(entry(key));
  next.values.push_back(entry(value));
  next.mask = xt::zeros<float>({B, T + S});
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t t = 0; t < T; ++t) next.mask(b, t) = m.mask(b, t);
  }
  for (std::size_t s = 0; s < S; ++s) {
    for (int b : rows[s]) next.mask(b, T + s) = 1.0f;
  }
  return next;
}

Memory SetReader::update(const Memory& m, const Var& e, const std::vector<int>& rows) const {
  return append(m, e, {rows});
}

Memory SetReader::read_steps(const Memory& m, const std::vector<StepRead>& steps) const {
  return append(m, embed(concat_steps(steps)), rows_of(steps));
}

Memory SetReader::append(const Memory& m, const Var& e, const std::vector<std::vector<int>>& rows) const {
  const MultiHeadAttention& a = pool_.attention();
  // No items: a set reader reads its set through the keys and values alone.
  return append_steps(m, Var(), a.k_proj()(e), a.v_proj()(e), rows);
}

Var SetReader::summary(const Memory& m) const {
  if (m.mask.shape()[1] == 0) return Var(xt::zeros<float>({m.batch, set_.dim}));
  return pool_.forward_projected(stacked(m.keys), stacked(m.values), &m.mask);
}

Array SetReader::attention_weights(const Memory& m) const {
  if (m.mask.shape()[1] == 0) return xt::zeros<float>({m.batch, std::size_t{0}});
  NoGrad no_grad;
  // The pooling as summary() runs it: its weights are those of this forward.
  pool_.forward_projected(stacked(m.keys), stacked(m.values), &m.mask);
  return pool_.last_weights();
}

Var SetReader::predict(const Memory& m) const { return head2_(drop(relu(head1_(summary(m))))); }

double SetReader::flops_encode() const {
  const double d = static_cast<double>(set_.dim);
  // the content encoder, then the pooling's key and value projections of this item
  return flops_content() + 2.0 * (2.0 * d * d);
}

double SetReader::flops_predict(std::size_t items) const {
  const double d = static_cast<double>(set_.dim), t = static_cast<double>(items);
  // query projection, scores and weighted sum over the items, output projection, the head
  return 2.0 * (d * d + 2.0 * t * d + d * d + d * d + d * static_cast<double>(set_.num_classes));
}

}  // namespace saccade
