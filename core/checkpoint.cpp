#include "core/checkpoint.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/npz.hpp"
#include "core/npz_array.hpp"

namespace saccade {
namespace {

const std::string kParam = "param/", kOptim = "optim/", kExtra = "extra/", kState = "state/";

std::string shape_text(const std::vector<std::size_t>& s) {
  std::string t = "[";
  for (std::size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + "]";
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Looks up `key`, checking that it exists and has `shape`; `used` collects the keys consumed.
const NpyArray& expect(const std::map<std::string, NpyArray>& file, const std::string& key,
                       const std::vector<std::size_t>& shape, const std::string& where,
                       std::vector<std::string>& used) {
  const auto it = file.find(key);
  if (it == file.end()) throw std::runtime_error(where + ": missing key '" + key + "'");
  if (it->second.shape != shape) {
    throw std::runtime_error(where + ": key '" + key + "' has shape " + shape_text(it->second.shape) + ", expected " +
                             shape_text(shape));
  }
  used.push_back(key);
  return it->second;
}

}  // namespace

void save_checkpoint(const std::string& path, const Module& model, const Optimizer* optimizer,
                     const std::map<std::string, double>& extra, const NpzEntries& state) {
  NpzEntries entries;
  for (const auto& [name, p] : model.named_parameters()) entries.emplace_back(kParam + name, to_npy(p.value()));
  if (optimizer) {
    for (const auto& e : optimizer->named_state()) {
      entries.emplace_back(kOptim + e.name, e.buffer ? to_npy(*e.buffer) : NpyArray::scalar_int64(*e.counter));
    }
  }
  for (const auto& [name, v] : extra) entries.emplace_back(kExtra + name, NpyArray::scalar_float64(v));
  for (const auto& [name, a] : state) entries.emplace_back(kState + name, a);
  write_npz(path, entries);
}

std::map<std::string, double> load_checkpoint(const std::string& path, Module& model, Optimizer* optimizer,
                                              std::map<std::string, NpyArray>* state_out) {
  const std::string where = "load_checkpoint: " + path;
  const std::map<std::string, NpyArray> file = read_npz(path);
  std::vector<std::string> used;

  // Phase 1: check everything and convert, touching nothing.
  std::vector<Array> params;
  for (const auto& [name, p] : model.named_parameters()) {
    params.push_back(to_array(expect(file, kParam + name, p.shape(), where, used)));
  }
  std::vector<StateEntry> state;
  std::vector<Array> buffers;
  std::vector<std::int64_t> counters;
  if (optimizer) {
    state = optimizer->named_state();
    for (const auto& e : state) {
      const std::string key = kOptim + e.name;
      if (e.buffer) {
        buffers.push_back(to_array(expect(file, key, Shape(e.buffer->shape().begin(), e.buffer->shape().end()), where, used)));
      } else {
        const NpyArray& a = expect(file, key, {}, where, used);
        if (a.dtype == DType::float32 || a.dtype == DType::float64) {
          throw std::runtime_error(where + ": key '" + key + "' must hold an integer, found " + dtype_descr(a.dtype));
        }
        counters.push_back(a.to_int64()[0]);
      }
    }
  }
  std::map<std::string, double> extra;
  std::map<std::string, NpyArray> states;
  for (const auto& [key, a] : file) {
    const bool optim = starts_with(key, kOptim);
    if (starts_with(key, kState)) {
      states[key.substr(kState.size())] = a;
    } else if (starts_with(key, kExtra)) {
      if (a.size() != 1) throw std::runtime_error(where + ": key '" + key + "' is not a scalar");
      extra[key.substr(kExtra.size())] = a.to_float64()[0];
    } else if (optim && !optimizer) {
      continue;  // the caller did not ask for the optimizer's state
    } else if (std::find(used.begin(), used.end(), key) == used.end()) {
      throw std::runtime_error(where + ": unexpected key '" + key + "' (not in the " +
                               (optim ? "optimizer" : "model") + ")");
    }
  }

  // Phase 2: assign.
  std::size_t i = 0;
  // Vars are shared handles: writing through the node updates the model and any optimizer holding it.
  for (const auto& [name, p] : model.named_parameters()) p.node()->value = std::move(params[i++]);
  std::size_t b = 0, c = 0;
  for (auto& e : state) {
    if (e.buffer) *e.buffer = std::move(buffers[b++]);
    else *e.counter = counters[c++];
  }
  if (state_out) *state_out = std::move(states);
  return extra;
}

void load_parameters(const std::string& path, Module& model, const std::string& prefix) {
  const std::string where = "load_parameters: " + path;
  const std::map<std::string, NpyArray> file = read_npz(path);
  std::vector<std::string> used;
  std::vector<Array> params;
  for (const auto& [name, p] : model.named_parameters())
    params.push_back(to_array(expect(file, kParam + prefix + name, p.shape(), where, used)));
  std::size_t i = 0;
  for (const auto& [name, p] : model.named_parameters()) p.node()->value = std::move(params[i++]);
}

std::map<std::string, double> checkpoint_extras(const std::string& path) {
  std::map<std::string, double> extra;
  for (const auto& [key, a] : read_npz(path))
    if (starts_with(key, kExtra) && a.size() == 1) extra[key.substr(kExtra.size())] = a.to_float64()[0];
  return extra;
}

}  // namespace saccade
