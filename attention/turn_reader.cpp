#include "attention/turn_reader.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {
namespace {

// Large enough that exp(fill - max) underflows to exactly 0 next to any real score (as masked_softmax).
constexpr float kMaskedScore = -1e9f;

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("TurnReader: " + what); }

// An integer in [0, n) stored as a float, or a message naming it.
int checked_int(float v, std::size_t n, const char* what, std::size_t turn, std::size_t token) {
  if (!(v >= 0.0f && v < static_cast<float>(n) && v == std::floor(v))) {
    fail(std::string(what) + " " + std::to_string(v) + " (turn " + std::to_string(turn) + ", token " +
         std::to_string(token) + ") is not an integer in [0, " + std::to_string(n) + ")");
  }
  return static_cast<int>(v);
}

}  // namespace

TurnReader::TurnReader(const TurnReaderOptions& o, Rng& rng) : opt_(o) {
  if (o.vocab_size < 2) fail("vocab_size must be at least 2 (0 is <pad>, 1 is <unk>)");
  if (o.turn_tokens == 0 || o.regions == 0 || o.dim == 0) fail("turn_tokens, regions and dim must be positive");
  if (o.slot_values.empty()) fail("slot_values must list at least one slot");
  offsets_.assign(1, 0);
  for (std::size_t s = 0; s < o.slot_values.size(); ++s) {
    if (o.slot_values[s] == 0) fail("slot " + std::to_string(s) + " has no values");
    offsets_.push_back(offsets_.back() + o.slot_values[s]);
    slot_of_.insert(slot_of_.end(), o.slot_values[s], static_cast<int>(s));
    max_values_ = std::max(max_values_, o.slot_values[s]);
  }
  const std::size_t S = slots(), D = o.dim;

  token_ = Embedding(o.vocab_size, D, rng);
  kind_ = Embedding(S + 1, D, rng);
  token_position_ = Embedding(o.turn_tokens, D, rng);
  turn_pool_ = AttentionPooling(D, o.heads, rng);
  speaker_ = Embedding(2, D, rng);
  position_ = Embedding(o.regions, D, rng);
  summary_pool_ = AttentionPooling(D, o.heads, rng);
  // Positions (within a turn and of the turn) and the speaker start small next to the content, as in
  // ChunkReader and SetReader. Scaling a shared handle's value scales the parameter.
  for (Embedding* e : {&token_position_, &speaker_, &position_}) {
    Var table = e->weight();
    table.value() *= 0.1f;
  }
  Array query = rng.normal_array({S, D}, 0.0f, 1.0f);
  slot_key_ = Linear(D, D, rng, /*bias=*/false);
  register_module("token", token_);
  register_module("kind", kind_);
  register_module("token_position", token_position_);
  register_module("turn_pool", turn_pool_);
  register_module("speaker", speaker_);
  register_module("position", position_);
  register_module("summary_pool", summary_pool_);
  slot_query_ = register_parameter("slot_query", std::move(query));
  register_module("slot_key", slot_key_);
}

std::size_t TurnReader::slot_of(std::size_t g) const { return static_cast<std::size_t>(slot_of_.at(g)); }

Memory TurnReader::init(std::size_t batch) const {
  Memory m;
  m.batch = batch;
  m.mask = Array::from_shape({batch, std::size_t{0}});
  return m;
}

Var TurnReader::encode(const RegionBatch& r) const {
  const std::size_t L = opt_.turn_tokens, D = opt_.dim, G = candidates(), W = 1 + 2 * L;
  if (r.content.dimension() == 0 || r.content.size() != r.content.shape()[0] * W) {
    fail("content must be [n, 1 + 2 * turn_tokens] = [n, " + std::to_string(W) + "]");
  }
  const std::size_t n = r.content.shape()[0];
  if (r.region.size() != n) fail("region must hold one turn index per turn");
  for (int t : r.region) {
    if (t < 0 || static_cast<std::size_t>(t) >= opt_.regions) fail("turn index " + std::to_string(t) + " out of range");
  }

  // Per token: id, kind and the key mask (1 where a real token is); per turn: speaker and mentions.
  std::vector<int> ids(n * L), kinds(n * L), speakers(n);
  Array key_mask = Array::from_shape({n, L});
  Array mentions = xt::zeros<float>({n, G});
  bool any_pad = false;
  for (std::size_t i = 0; i < n; ++i) {
    const float* row = r.content.data() + i * W;
    speakers[i] = checked_int(row[0], 2, "speaker", i, 0);
    for (std::size_t l = 0; l < L; ++l) {
      const int id = checked_int(row[1 + l], opt_.vocab_size, "token id", i, l);
      const int code = checked_int(row[1 + L + l], G + 1, "value code", i, l);
      if (id == 0 && code != 0) fail("<pad> with value code " + std::to_string(code) + " (turn " + std::to_string(i) +
                                     ", token " + std::to_string(l) + ")");
      ids[i * L + l] = id;
      kinds[i * L + l] = code == 0 ? 0 : 1 + slot_of_[code - 1];
      key_mask(i, l) = id == 0 ? 0.0f : 1.0f;
      any_pad = any_pad || id == 0;
      if (code != 0) mentions(i, code - 1) = 1.0f;
    }
  }

  // E[id] + K[kind] + Q[position within the turn], as [n, L, D].
  std::vector<int> positions(n * L);
  for (std::size_t i = 0; i < n * L; ++i) positions[i] = static_cast<int>(i % L);
  const Var x = gather_sum({token_.weight(), kind_.weight(), token_position_.weight()}, {ids, kinds, positions}, {n, L, D});
  const Var c = turn_pool_(x, any_pad ? &key_mask : nullptr);  // [n, D]
  const Var h = c + speaker_(speakers) + position_(r.region);
  return concat({h, Var(std::move(mentions))}, 1);
}

Memory TurnReader::update(const Memory& m, const Var& e, const std::vector<int>& rows) const {
  return append(m, e, {rows});
}

Memory TurnReader::read_steps(const Memory& m, const std::vector<StepRead>& steps) const {
  return append(m, embed(concat_steps(steps)), rows_of(steps));
}

Memory TurnReader::append(const Memory& m, const Var& e, const std::vector<std::vector<int>>& rows) const {
  const std::size_t D = opt_.dim, W = D + candidates();
  std::size_t n = 0;
  for (const auto& r : rows) n += r.size();
  if (e.dim() != 2 || e.shape(0) != n || e.shape(1) != W) fail("update: embedding must be [rows, D + G]");
  const Var h = slice(e, 1, 0, D);
  const MultiHeadAttention& a = summary_pool_.attention();
  return append_steps(m, e, a.k_proj()(h), a.v_proj()(h), rows);
}

Var TurnReader::summary(const Memory& m) const {
  if (m.mask.shape()[1] == 0) return Var(xt::zeros<float>({m.batch, opt_.dim}));
  return summary_pool_.forward_projected(stacked(m.keys), stacked(m.values), &m.mask);
}

Var TurnReader::predict(const Memory& m) const {
  const std::size_t B = m.batch, T = m.mask.shape()[1], S = slots(), D = opt_.dim, G = candidates();
  const std::size_t V = max_values_;

  // keep[b, s, t]: turn t of example b was read and mentions some value of slot s.
  Array keep = xt::zeros<float>({B, S, T});
  const Var all_items = T == 0 ? Var() : stacked(m.items);
  for (std::size_t b = 0; b < B; ++b) {
    for (std::size_t t = 0; t < T; ++t) {
      if (m.mask(b, t) == 0.0f) continue;
      for (std::size_t g = 0; g < G; ++g) {
        if (all_items.value()(b, t, D + g) != 0.0f) keep(b, slot_of_[g], t) = 1.0f;
      }
    }
  }

  Var pointer;  // P [B, S, G]
  if (T == 0) {
    pointer = Var(xt::zeros<float>({B, S, G}));
    last_alpha_ = keep;
  } else {
    // The turns' states are what the slots' scores read (there is no output layer: the answer is the
    // mention the attention points at), so reader.dropout drops there.
    const Var h = drop(slice(all_items, 2, 0, D)), mentions = slice(all_items, 2, D, D + G);
    // q_s . (h_t W_k) = (q_s W_k^T) . h_t: the slot queries go through W_k once, not every turn.
    const Var q = matmul(slot_query_, slot_key_.weight(), /*transpose_b=*/true) * (1.0f / std::sqrt(float(D)));
    const Var scores = transpose_last(matmul(h, q, /*transpose_b=*/true));  // [B, T, S] -> [B, S, T]
    // Softmax over the kept turns; a row with none kept gets zero weights (not a uniform row, not NaN).
    const Var alpha = softmax(masked_fill(scores, 1.0f - keep, kMaskedScore)) * Var(keep);
    last_alpha_ = alpha.value();
    pointer = matmul(alpha, mentions);  // the attention sum: [B, S, T] x [B, T, G]
  }

  // Each slot's own columns of P, as log-probabilities, padded to Vmax.
  std::vector<Var> rows;
  for (std::size_t s = 0; s < S; ++s) {
    const std::size_t own = opt_.slot_values[s];
    Var logits = log(slice(slice(pointer, 1, s, s + 1), 2, offsets_[s], offsets_[s] + own) + kEps);  // [B, 1, own]
    if (own < V) {
      Array pad = Array::from_shape({B, 1, V - own});
      pad.fill(kPadLogit);
      logits = concat({logits, Var(std::move(pad))}, 2);
    }
    rows.push_back(logits);
  }
  return reshape(concat(rows, 1), {B * S, V});
}

Array TurnReader::attention_weights(const Memory& m) const {
  const std::size_t B = m.batch, S = slots(), T = m.mask.shape()[1];
  {
    NoGrad no_grad;
    predict(m);  // sets last_alpha_, the pointers' weights
  }
  Array w = xt::zeros<float>({B, T});
  for (std::size_t b = 0; b < B; ++b) {
    std::size_t pointing = 0;
    for (std::size_t s = 0; s < S; ++s) {
      float total = 0.0f;
      for (std::size_t t = 0; t < T; ++t) total += last_alpha_(b, s, t);
      if (total == 0.0f) continue;
      ++pointing;
      for (std::size_t t = 0; t < T; ++t) w(b, t) += last_alpha_(b, s, t);
    }
    for (std::size_t t = 0; t < T && pointing; ++t) w(b, t) /= static_cast<float>(pointing);
  }
  return w;
}

double TurnReader::flops_encode() const {
  const double l = static_cast<double>(opt_.turn_tokens), d = static_cast<double>(opt_.dim);
  const double turn_pooling = 2.0 * l * d * d + 2.0 * d * d + 2.0 * l * d;
  const double summary_projections = 2.0 * d * d;
  return 2.0 * (turn_pooling + summary_projections);
}

double TurnReader::flops_predict(std::size_t items) const {
  const double s = static_cast<double>(slots()), d = static_cast<double>(opt_.dim);
  const double t = static_cast<double>(items), g = static_cast<double>(candidates());
  return 2.0 * (s * d * d + s * t * d + s * t * g);
}

}  // namespace saccade
