#include "attention/preview_reader.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <string>

#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {

namespace {

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("PreviewReader: " + what); }

// W1's rows: the flattened preview's floats, or a bag's features.
std::size_t first_inputs(const PreviewReaderOptions& o) { return o.bag_features ? o.bag_features : o.preview_size; }

}  // namespace

PreviewReader::PreviewReader(const PreviewReaderOptions& o, Rng& rng) : opt_(o) {
  if (o.preview_size == 0 || o.hidden == 0) fail("preview_size and hidden must be positive");
  if (o.bag_features && (o.regions == 0 || o.preview_size % (2 * o.regions) != 0))
    fail("bag previews of " + std::to_string(o.preview_size) + " floats are not " + std::to_string(o.regions) +
         " rows of (feature, weight) pairs");
  if (std::find(o.slot_values.begin(), o.slot_values.end(), 0u) != o.slot_values.end()) fail("a slot has no values");
  if (o.slot_values.empty() && o.num_classes == 0) fail("num_classes must be positive");
  first_ = Linear(first_inputs(o), o.hidden, rng);
  second_ = Linear(o.hidden, o.hidden, rng);
  out_ = Linear(o.hidden, outputs(), rng);
  register_module("first", first_);
  register_module("second", second_);
  register_module("out", out_);
}

std::size_t PreviewReader::outputs() const {
  return opt_.slot_values.empty() ? opt_.num_classes : std::accumulate(opt_.slot_values.begin(), opt_.slot_values.end(), std::size_t{0});
}

// Memory: state = running sum of embeddings [B, H]; mask [B, 1] counts the regions read (as MlpReader).
Memory PreviewReader::init(std::size_t batch) const { return mean_memory_init(batch, opt_.hidden); }

Var PreviewReader::encode(const RegionBatch& r) const {
  const std::size_t n = r.content.dimension() == 0 ? 0 : r.content.shape()[0], H = opt_.hidden;
  if (n == 0 || r.content.size() != n * opt_.preview_size)
    fail("content must be [n, ...] with " + std::to_string(opt_.preview_size) + " floats per example");
  Var h;
  if (opt_.bag_features == 0) {
    h = relu(first_(reshape(Var(r.content), {n, opt_.preview_size})));
  } else {
    // Each region's bag through W1 (a bag row costs its K weight rows, not bag_features), then the
    // mean over the regions: a document of any mix of chunks gives one vector.
    const std::size_t R = opt_.regions, width = opt_.preview_size / R;
    const Var per_region = relu(first_(bag_rows(xt::reshape_view(r.content, {n * R, width}), opt_.bag_features)));
    h = mean(reshape(per_region, {n, R, H}), 1);
  }
  return relu(second_(h));
}

Memory PreviewReader::update(const Memory& m, const Var& e, const std::vector<int>& rows) const {
  return mean_memory_add(m, e, rows);
}

Var PreviewReader::summary(const Memory& m) const { return mean_memory_summary(m); }

Var PreviewReader::predict(const Memory& m) const {
  const Var logits = out_(drop(summary(m)));  // [B, G]
  if (opt_.slot_values.empty()) return logits;
  const std::size_t B = m.batch, S = opt_.slot_values.size();
  const std::size_t V = *std::max_element(opt_.slot_values.begin(), opt_.slot_values.end());
  std::vector<Var> slots;
  std::size_t offset = 0;
  for (std::size_t own : opt_.slot_values) {
    Var slot = slice(logits, 1, offset, offset + own);  // [B, own]
    offset += own;
    if (own < V) {
      Array pad = Array::from_shape({B, V - own});
      pad.fill(kPadLogit);
      slot = concat({slot, Var(std::move(pad))}, 1);
    }
    slots.push_back(slot);
  }
  return reshape(concat(slots, 1), {B * S, V});  // [B, S V]: row b holds its S slots one after the other
}

double PreviewReader::flops_encode() const {
  const double h = static_cast<double>(opt_.hidden);
  const double first = opt_.bag_features ? static_cast<double>(opt_.preview_size / 2) : static_cast<double>(opt_.preview_size);
  return 2.0 * (first * h + h * h);
}

double PreviewReader::flops_predict(std::size_t) const {
  return 2.0 * static_cast<double>(opt_.hidden) * static_cast<double>(outputs());
}

}  // namespace saccade
