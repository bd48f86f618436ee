#include "attention/reader.hpp"

#include <algorithm>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {
namespace {

// Rows of equal trailing shape, stacked along the first axis; empty if every part is.
Array stack_rows(const std::vector<const Array*>& parts) {
  std::size_t rows = 0, width = 0;
  const Array* first = nullptr;
  for (const Array* a : parts) {
    if (a->dimension() == 0 || a->size() == 0) continue;
    const std::size_t w = a->size() / a->shape()[0];
    if (first && w != width) throw std::invalid_argument("concat_steps: the steps' regions differ in shape");
    first = first ? first : a;
    width = w;
    rows += a->shape()[0];
  }
  if (!first) return Array();
  Shape shape(first->shape().begin(), first->shape().end());
  shape[0] = rows;
  Array out = Array::from_shape(shape);
  float* dst = out.data();
  for (const Array* a : parts) dst = a->size() ? std::copy_n(a->data(), a->size(), dst) : dst;
  return out;
}

}  // namespace

RegionBatch concat_steps(const std::vector<StepRead>& steps) {
  std::vector<const Array*> content, location;
  RegionBatch out;
  for (const StepRead& s : steps) {
    content.push_back(&s.regions.content);
    location.push_back(&s.regions.location);
    out.region.insert(out.region.end(), s.regions.region.begin(), s.regions.region.end());
  }
  out.content = stack_rows(content);
  out.location = stack_rows(location);
  const bool weighted = std::any_of(steps.begin(), steps.end(), [](const StepRead& s) { return s.regions.weight.defined(); });
  if (weighted) {
    std::vector<Var> weights;
    for (const StepRead& s : steps)
      weights.push_back(s.regions.weight.defined() ? s.regions.weight : Var(xt::ones<float>({s.rows.size(), std::size_t{1}})));
    out.weight = concat(weights, 0);
  }
  return out;
}

std::vector<std::vector<int>> rows_of(const std::vector<StepRead>& steps) {
  std::vector<std::vector<int>> rows;
  for (const StepRead& s : steps) rows.push_back(s.rows);
  return rows;
}

void Reader::set_dropout(double p) {
  if (!(p >= 0.0 && p < 1.0)) throw std::invalid_argument("reader dropout must be in [0, 1), got " + std::to_string(p));
  dropout_ = p;
}

Var Reader::predict_dropped(const Memory& memory, Rng& masks) const {
  if (dropout_ == 0.0) return predict(memory);
  // The stream is lent for this one prediction only, and taken back however predict ends.
  struct Lend {
    Rng*& slot;
    ~Lend() { slot = nullptr; }
  } lend{masks_};
  masks_ = &masks;
  return predict(memory);
}

Var Reader::drop(const Var& x) const {
  if (!masks_) return x;
  return saccade::dropout(x, dropout_mask(x.shape(), dropout_, *masks_), dropout_);
}

Var Reader::embed(const RegionBatch& regions) const {
  const Var e = encode(regions);
  return regions.weight.defined() ? e * regions.weight : e;
}

Memory Reader::read_steps(const Memory& memory, const std::vector<StepRead>& steps) const {
  Memory m = memory;
  for (const StepRead& s : steps) m = update(m, embed(s.regions), s.rows);
  return m;
}

Array Reader::attention_weights(const Memory&) const { return Array(); }

Memory mean_memory_init(std::size_t batch, std::size_t width) {
  Memory m;
  m.batch = batch;
  m.state = Var(xt::zeros<float>({batch, width}));
  m.mask = xt::zeros<float>({batch, std::size_t{1}});
  return m;
}

Memory mean_memory_add(const Memory& m, const Var& e, const std::vector<int>& rows) {
  Memory next = m;
  const Var added = all_rows_in_order(rows, m.batch) ? e : scatter_rows(Var(xt::zeros<float>({m.batch, m.state.shape(1)})), rows, e);
  next.state = m.state + added;
  for (int b : rows) next.mask(b, 0) += 1.0f;
  return next;
}

Var mean_memory_summary(const Memory& m) {
  Array inv = Array::from_shape({m.batch, std::size_t{1}});
  for (std::size_t b = 0; b < m.batch; ++b) inv(b, 0) = m.mask(b, 0) > 0 ? 1.0f / m.mask(b, 0) : 0.0f;
  return m.state * Var(inv);
}

}  // namespace saccade
