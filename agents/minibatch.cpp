#include "agents/minibatch.hpp"

#include <stdexcept>
#include <string>

#include "core/ops.hpp"

namespace saccade {

namespace {

// A per-example vector laid out as `batch` equal runs (e.g. read masks: num_regions per example).
template <class T>
std::vector<T> select_runs(const std::vector<T>& v, const std::vector<int>& rows, std::size_t batch, const char* what) {
  if (v.empty()) return {};
  if (batch == 0 || v.size() % batch != 0) {
    throw std::logic_error(std::string("select_examples: ") + what + " has " + std::to_string(v.size()) +
                           " entries, not a multiple of the batch " + std::to_string(batch));
  }
  const std::size_t width = v.size() / batch;
  std::vector<T> out;
  out.reserve(rows.size() * width);
  for (int r : rows) out.insert(out.end(), v.begin() + r * width, v.begin() + (r + 1) * width);
  return out;
}

}  // namespace

Array select_examples(const Array& a, const std::vector<int>& rows) {
  // A field the rollout never filled is a default Array: no dimensions (one element), or empty.
  return a.dimension() == 0 || a.size() == 0 ? a : gather_rows(a, rows);
}

Observation select_examples(const Observation& obs, const std::vector<int>& rows, std::size_t batch) {
  Observation o;
  o.preview = select_examples(obs.preview, rows);
  o.content = select_examples(obs.content, rows);
  o.location = select_examples(obs.location, rows);
  o.region = select_runs(obs.region, rows, batch, "region");
  o.read = select_runs(obs.read, rows, batch, "read");
  o.active = select_runs(obs.active, rows, batch, "active");
  o.steps_left = select_runs(obs.steps_left, rows, batch, "steps_left");
  o.visited = select_examples(obs.visited, rows);
  return o;
}

Decision select_examples(const Decision& d, const std::vector<int>& rows, std::size_t batch) {
  Decision out;
  out.action.region = select_runs(d.action.region, rows, batch, "action.region");
  out.action.location = select_examples(d.action.location, rows);
  out.action.stop = select_runs(d.action.stop, rows, batch, "action.stop");
  out.sample = select_examples(d.sample, rows);
  out.plan = select_runs(d.plan, rows, batch, "plan");
  out.from = select_runs(d.from, rows, batch, "from");
  out.cell = select_runs(d.cell, rows, batch, "cell");
  return out;
}

}  // namespace saccade
