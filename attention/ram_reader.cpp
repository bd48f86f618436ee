#include "attention/ram_reader.hpp"

#include <stdexcept>

#include <xtensor/xbuilder.hpp>

#include "core/ops.hpp"

namespace saccade {

RamReader::RamReader(const RamReaderOptions& o, Rng& rng)
    : opt_(o),
      glimpse_(o.glimpse_size, o.glimpse_hidden, rng),
      where_(2, o.glimpse_hidden, rng),
      glimpse_to_e_(o.glimpse_hidden, o.hidden, rng),
      where_to_e_(o.glimpse_hidden, o.hidden, rng, /*bias=*/false),
      out_(o.hidden, o.num_classes, rng) {
  register_module("glimpse", glimpse_);
  register_module("where", where_);
  register_module("glimpse_to_e", glimpse_to_e_);
  register_module("where_to_e", where_to_e_);
  if (o.core == "rnn") {
    core_hh_ = Linear(o.hidden, o.hidden, rng);
    core_eh_ = Linear(o.hidden, o.hidden, rng, /*bias=*/false);
    register_module("core_hh", core_hh_);
    register_module("core_eh", core_eh_);
  } else if (o.core == "gru") {
    gru_ = GRUCell(o.hidden, o.hidden, rng);
    register_module("core", gru_);
  } else {
    throw std::invalid_argument("RamReader: core must be \"rnn\" or \"gru\", got \"" + o.core + "\"");
  }
  register_module("out", out_);
}

Memory RamReader::init(std::size_t batch) const {
  Memory m;
  m.batch = batch;
  m.state = Var(xt::zeros<float>({batch, opt_.hidden}));
  return m;
}

Var RamReader::encode(const RegionBatch& r) const {
  const std::size_t n = r.content.shape()[0];
  Var rho(r.content);
  rho = reshape(rho, {n, opt_.glimpse_size});
  Var h_g = relu(glimpse_(rho));
  Var h_l = relu(where_(Var(r.location)));
  // e = relu(h_g W_hg + h_l W_hl + b) as one op: both products land in one output (core/ops.hpp).
  return relu(affine({{h_g, glimpse_to_e_.weight()}, {h_l, where_to_e_.weight()}}, glimpse_to_e_.bias()));
}

Memory RamReader::update(const Memory& m, const Var& e, const std::vector<int>& rows) const {
  Memory next = m;
  const bool all = all_rows_in_order(rows, m.batch);  // the common case: no example has stopped
  Var h = all ? m.state : gather_rows(m.state, rows);
  Var h_new = opt_.core == "gru" ? gru_(e, h) : relu(affine({{h, core_hh_.weight()}, {e, core_eh_.weight()}}, core_hh_.bias()));
  next.state = all ? h_new : scatter_rows(m.state, rows, h_new);
  return next;
}

double RamReader::flops_encode() const {
  const double gh = static_cast<double>(opt_.glimpse_hidden), h = static_cast<double>(opt_.hidden);
  return 2.0 * (static_cast<double>(opt_.glimpse_size) * gh + 2.0 * gh + 2.0 * gh * h);
}

double RamReader::flops_update(std::size_t) const {
  const double h = static_cast<double>(opt_.hidden);
  return opt_.core == "gru" ? 2.0 * 6.0 * h * h : 2.0 * 2.0 * h * h;
}

double RamReader::flops_predict(std::size_t) const {
  return 2.0 * static_cast<double>(opt_.hidden) * static_cast<double>(opt_.num_classes);
}

}  // namespace saccade
