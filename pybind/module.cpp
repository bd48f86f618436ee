// The `saccade._saccade` extension: the command line's run, its config checks, and the envs of any
// task, for the pure-Python package around it (pybind/saccade/). Everything returns plain Python
// and numpy values; the package adds pandas, plots and docstrings for people.
//
// Errors: a bad config raises saccade.ConfigError (a ValueError) with the command line's message,
// "FILE:LINE:COLUMN: key: what"; any other C++ error raises ValueError, IndexError or RuntimeError
// with its message. Training releases the GIL and checks for Ctrl-C after every batch: the run
// stops there with KeyboardInterrupt, and every file it wrote is whole (results.csv and
// status.json are only written for finished policies and runs).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>

#include "core/allocator.hpp"
#include "core/blas_kernels.hpp"
#include "core/checkpoint.hpp"
#include "core/interrupt.hpp"
#include "core/ops.hpp"
#include "envs/dialogue/dialogue_env.hpp"
#include "envs/text/text_env.hpp"
#include "experiments/config/config.hpp"
#include "experiments/config/resolve.hpp"
#include "experiments/sweep/sweep.hpp"
#include "experiments/tasks/tasks.hpp"

namespace py = pybind11;
using namespace saccade;

namespace {

// A config from a YAML file or text (JSON is YAML too: the package sends dicts that way), with
// key=value overrides and an output directory.
Config load_config(const std::string& source, bool is_text, const std::vector<std::string>& overrides,
                   const std::optional<std::string>& out) {
  Config c = is_text ? Config::parse(source, "<config>") : Config::load(source);
  for (const auto& o : overrides) c.apply_override(o);
  if (out) c.set("out", ConfigNode::scalar(*out, Origin::label("saccade.run(out=...)")));
  return c;
}

Config checked(const Config& config) {
  reject_sweep_section(config);
  Config resolved = resolve(config);
  check_task_config(resolved);
  return resolved;
}

// Where a run would write and which task it is, before its data exists: saccade.run(data=...) writes
// the arrays or DataFrame into that directory first (the task's own checks need the file).
std::pair<std::string, std::string> run_target(const std::string& source, bool is_text,
                                               const std::vector<std::string>& overrides,
                                               const std::optional<std::string>& out) {
  const Config config = load_config(source, is_text, overrides, out);
  reject_sweep_section(config);
  const Config resolved = resolve(config);
  return {resolved.get<std::string>("out"), resolved.get<std::string>("env.type")};
}

// Ctrl-C while the GIL is released: Python's handler only sets a flag; PyErr_CheckSignals runs it
// (raising KeyboardInterrupt in this thread) and says so.
bool python_interrupted() {
  py::gil_scoped_acquire gil;
  return PyErr_CheckSignals() != 0;
}

py::array_t<float> to_numpy(const Array& a) {
  std::vector<py::ssize_t> shape(a.shape().begin(), a.shape().end());
  py::array_t<float> out(shape);
  std::copy(a.begin(), a.end(), out.mutable_data());
  return out;
}

template <class T, class U>
py::array_t<T> to_numpy(const std::vector<U>& v, std::vector<py::ssize_t> shape) {
  py::array_t<T> out(shape);
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

// One policy's training, validation or test env of a task, stepped by hand (Gymnasium-style,
// batched). The plan keeps the task's data alive.
class PyEnv {
 public:
  PyEnv(const std::string& source, bool is_text, const std::vector<std::string>& overrides, const std::string& split,
        const std::string& policy)
      : resolved_(checked(load_config(source, is_text, overrides, std::nullopt))),
        plan_(plan_task(resolved_)),
        setup_(plan_.setup(policy)) {
    env_ = split == "train" ? setup_.train_env.get() : split == "validation" ? setup_.val_env.get()
         : split == "test"  ? setup_.test_env.get() : split == "test_oov" ? setup_.oov_test_env.get() : nullptr;
    if (!env_) throw std::invalid_argument("split must be train, validation, test or (dialogue) test_oov, got \"" + split + "\"");
  }

  py::dict spec() const {
    const EnvSpec& s = env_->spec();
    py::dict d;
    d["name"] = s.name;
    d["num_classes"] = s.num_classes;
    d["num_slots"] = s.num_slots;
    d["num_regions"] = s.num_regions;
    d["max_steps"] = s.max_steps;
    d["content_shape"] = py::tuple(py::cast(s.content_shape));
    d["preview_shape"] = py::tuple(py::cast(s.preview_shape));
    d["preview_kind"] = s.preview_kind == PreviewKind::bag ? "bag" : s.preview_kind == PreviewKind::image ? "image" : "per_region";
    d["num_examples"] = env_->num_examples();
    return d;
  }

  py::tuple reset(const std::vector<std::size_t>& examples, std::uint64_t seed) {
    auto [obs, info] = env_->reset(examples, seed);
    batch_ = examples.size();
    examples_ = examples;
    return py::make_tuple(observation(obs), information(info));
  }

  py::tuple step(const std::vector<int>& regions, const std::optional<py::array_t<float>>& locations,
                 const std::vector<std::uint8_t>& stop) {
    Action a;
    a.region = regions;
    if (locations) {
      a.location = Array::from_shape({batch_, std::size_t{2}});
      if (static_cast<std::size_t>(locations->size()) != 2 * batch_) throw std::invalid_argument("step: locations must be [num_envs, 2]");
      std::copy(locations->data(), locations->data() + 2 * batch_, a.location.begin());
    }
    a.stop = stop;
    StepResult r = env_->step(a);
    return py::make_tuple(observation(r.obs), to_numpy<float>(r.reward, {static_cast<py::ssize_t>(batch_)}),
                          to_numpy<bool>(r.terminated, {static_cast<py::ssize_t>(batch_)}),
                          to_numpy<bool>(r.truncated, {static_cast<py::ssize_t>(batch_)}), information(r.info));
  }

  // The words of each region of example b of the batch (text chunks, dialogue turns; "" for a turn
  // slot the dialogue does not have). Text chunks show the vocabulary's tokens (<unk> for rare words).
  std::vector<std::string> region_texts(std::size_t b) const {
    if (b >= batch_) throw std::out_of_range("region_texts: example " + std::to_string(b) + " of a batch of " + std::to_string(batch_));
    const std::size_t R = env_->spec().num_regions;
    std::vector<std::string> out(R);
    if (const auto* text = dynamic_cast<const TextChunkEnv*>(env_)) {
      const Vocabulary* vocab = text->split().vocab.get();
      const std::size_t T = text->options().chunk_tokens;
      for (std::size_t r = 0; r < R; ++r) {
        for (std::size_t i = 0; i < T; ++i) {
          const int id = static_cast<int>(text->documents()(b, r, i));
          if (id == 0) continue;
          out[r] += (out[r].empty() ? "" : " ") + (vocab ? vocab->token(id) : std::to_string(id));
        }
      }
    } else if (const auto* dialogue = dynamic_cast<const DialogueEnv*>(env_)) {
      const EncodedDialogue& d = dialogue->split().dialogues[examples_[b]];
      for (std::size_t t = 0; t < d.turns; ++t) out[dialogue->first_region(b) + t] = d.text[t];
    } else {
      throw std::invalid_argument("region_texts: only text and dialogue envs have words");
    }
    return out;
  }

 private:
  py::dict observation(const Observation& o) const {
    const auto B = static_cast<py::ssize_t>(batch_), R = static_cast<py::ssize_t>(env_->spec().num_regions);
    py::dict d;
    d["preview"] = to_numpy(o.preview);
    d["content"] = to_numpy(o.content);
    d["location"] = to_numpy(o.location);
    d["region"] = to_numpy<std::int32_t>(o.region, {B});
    d["read"] = to_numpy<bool>(o.read, {B, R});
    d["active"] = to_numpy<bool>(o.active, {B});
    d["steps_left"] = to_numpy<std::int32_t>(o.steps_left, {B});
    return d;
  }

  py::dict information(const Info& info) const {
    const auto B = static_cast<py::ssize_t>(batch_), S = static_cast<py::ssize_t>(env_->spec().num_slots);
    py::dict d;
    d["labels"] = S == 1 ? to_numpy<std::int32_t>(info.labels, {B}) : to_numpy<std::int32_t>(info.labels, {B, S});
    d["examples"] = to_numpy<std::int64_t>(info.examples, {B});
    if (!info.evidence.empty())
      d["evidence"] = to_numpy<bool>(info.evidence, {B, static_cast<py::ssize_t>(env_->spec().num_regions)});
    return d;
  }

  Config resolved_;
  TaskPlan plan_;
  PolicySetup setup_;
  Env* env_ = nullptr;
  std::size_t batch_ = 0;
  std::vector<std::size_t> examples_;
};

// numpy (any dtype) -> Array of `shape`, checking the element count.
Array array_of(const py::handle& value, const Shape& shape, const char* key) {
  const auto a = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!a || static_cast<std::size_t>(a.size()) != shape_size(shape))
    throw std::invalid_argument(std::string("observation[\"") + key + "\"]: expected " + std::to_string(shape_size(shape)) + " numbers");
  Array out = Array::from_shape(shape);
  std::copy(a.data(), a.data() + a.size(), out.begin());
  return out;
}

template <class T>
std::vector<T> vector_of(const py::handle& value) {
  const auto a = py::array_t<T, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!a) throw std::invalid_argument("observation: expected an array");
  return std::vector<T>(a.data(), a.data() + a.size());
}

// An observation dict (as PyEnv returns it, possibly edited) back into the C++ struct.
Observation observation_from(const py::dict& d, const EnvSpec& spec) {
  Observation o;
  const auto steps = vector_of<int>(d["steps_left"]);
  const std::size_t B = steps.size();
  Shape preview{B}, content{B};
  preview.insert(preview.end(), spec.preview_shape.begin(), spec.preview_shape.end());
  content.insert(content.end(), spec.content_shape.begin(), spec.content_shape.end());
  o.steps_left = steps;
  o.preview = shape_size(spec.preview_shape) ? array_of(d["preview"], preview, "preview") : Array::from_shape({0});
  o.content = array_of(d["content"], content, "content");
  o.location = array_of(d["location"], {B, 2}, "location");
  o.region = vector_of<int>(d["region"]);
  o.read = vector_of<std::uint8_t>(d["read"]);
  o.active = vector_of<std::uint8_t>(d["active"]);
  return o;
}

// A trained policy and its reader from a run's directory (OUT/resolved.yaml and
// OUT/checkpoints/<policy>.npz), stepped by the caller: act on an observation, read what the env
// returned, predict. One batch of episodes at a time, as run_episode does it.
class PyAgent {
 public:
  PyAgent(const std::string& run_dir, const std::string& policy, std::uint64_t seed)
      : resolved_(checked(Config::load(run_dir + "/resolved.yaml"))), plan_(plan_task(resolved_)), setup_(plan_.setup(policy)),
        rng_(Rng::stream(seed, "python-agent")) {
    const std::string checkpoint = run_dir + "/checkpoints/" + policy + ".npz";
    load_parameters(checkpoint, *setup_.reader, "reader.");
    if (setup_.policy->learned()) load_parameters(checkpoint, *setup_.policy, "policy.");
  }

  const EnvSpec& spec() const { return setup_.test_env->spec(); }
  bool learned() const { return setup_.policy->learned(); }

  void reset(std::size_t batch) {
    memory_ = setup_.reader->init(batch);
    step_ = 0;
  }

  py::object act(const py::dict& obs, bool greedy) {
    NoGrad no_grad;
    const Observation o = observation_from(obs, spec());
    if (o.steps_left.size() != memory_.batch) throw std::invalid_argument("act: reset(num_envs) first, for this batch");
    const Var summary = setup_.policy->needs_summary() ? setup_.reader->summary(memory_) : Var();
    const PolicyContext ctx{spec(), o, summary, step_};
    if (step_ == 0) setup_.policy->begin(ctx, rng_, greedy);
    const Decision d = setup_.policy->act(ctx, rng_, greedy);
    ++step_;
    if (spec().num_regions > 0) return to_numpy<std::int32_t>(d.action.region, {static_cast<py::ssize_t>(o.steps_left.size())});
    py::dict a;
    a["location"] = to_numpy(d.action.location);
    a["stop"] = to_numpy<bool>(d.action.stop.empty() ? std::vector<std::uint8_t>(o.steps_left.size(), 0) : d.action.stop,
                               {static_cast<py::ssize_t>(o.steps_left.size())});
    return std::move(a);
  }

  void read(const py::dict& obs) {
    NoGrad no_grad;
    const Observation o = observation_from(obs, spec());
    std::vector<int> rows;
    for (std::size_t b = 0; b < o.active.size(); ++b)
      if (o.active[b]) rows.push_back(static_cast<int>(b));
    if (rows.empty()) return;
    RegionBatch regions;
    regions.content = gather_rows(o.content, rows);
    if (spec().num_regions == 0) regions.location = gather_rows(o.location, rows);
    else for (int b : rows) regions.region.push_back(o.region[static_cast<std::size_t>(b)]);
    memory_ = setup_.reader->update(memory_, setup_.reader->encode(regions), rows);
  }

  py::array_t<float> predict() const {
    NoGrad no_grad;
    const Array p = softmax(setup_.reader->predict(memory_)).value();
    const std::size_t S = spec().num_slots, C = p.shape()[1];
    py::array_t<float> out = S == 1 ? py::array_t<float>({static_cast<py::ssize_t>(memory_.batch), static_cast<py::ssize_t>(C)})
                                    : py::array_t<float>({static_cast<py::ssize_t>(memory_.batch), static_cast<py::ssize_t>(S),
                                                          static_cast<py::ssize_t>(C)});
    std::copy(p.begin(), p.end(), out.mutable_data());
    return out;
  }

  // The reader's soft attention over what each example read so far (Reader::attention_weights):
  // (weights [B, T], read [B, T]: 1 where column t holds a region the example read), or None for a reader
  // that has none.
  py::object attention() const {
    NoGrad no_grad;
    const Array w = setup_.reader->attention_weights(memory_);
    if (w.dimension() != 2) return py::none();
    return py::make_tuple(to_numpy(w), to_numpy(memory_.mask));
  }

 private:
  Config resolved_;
  TaskPlan plan_;
  PolicySetup setup_;
  Rng rng_;
  Memory memory_;
  std::size_t step_ = 0;
};

}  // namespace

PYBIND11_MODULE(_saccade, m) {
  m.doc() = "saccade's C++ core; use the `saccade` package around it.";
  keep_freed_memory();  // as the command line does (core/allocator.hpp); for the whole Python process
  // ConfigError -> saccade.ConfigError (a ValueError); std::invalid_argument -> ValueError,
  // std::out_of_range -> IndexError, other std::exception -> RuntimeError (pybind11's own mapping),
  // each with the C++ message.
  static py::exception<ConfigError> config_error(m, "ConfigError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Interrupted&) {
      // PyErr_CheckSignals left KeyboardInterrupt set; if not (a check from elsewhere), raise one.
      if (!PyErr_Occurred()) PyErr_SetNone(PyExc_KeyboardInterrupt);
    } catch (const ConfigError& e) {
      config_error(e.what());
    }
  });

  m.def("blas_kernels", &blas_kernels, "OpenBLAS's name for the kernels in use (e.g. SkylakeX, Prescott)");
  m.def("better_blas_kernels", &better_blas_kernels,
        "The kernels OpenBLAS should use on this CPU when its own choice is weaker, else ''");

  m.def(
      "resolve",
      [](const std::string& source, bool is_text, const std::vector<std::string>& overrides) {
        return checked(load_config(source, is_text, overrides, std::nullopt)).to_yaml();
      },
      py::arg("source"), py::arg("is_text"), py::arg("overrides"));

  m.def("run_target", &run_target, py::arg("source"), py::arg("is_text"), py::arg("overrides"), py::arg("out"));

  m.def(
      "run",
      [](const std::string& source, bool is_text, const std::vector<std::string>& overrides,
         const std::optional<std::string>& out, bool resume) {
        const Config resolved = checked(load_config(source, is_text, overrides, out));
        set_interrupt_check(python_interrupted);
        int status = 0;
        try {
          py::gil_scoped_release nogil;
          status = run_task(resolved, resume);
        } catch (...) {
          set_interrupt_check(nullptr);
          throw;
        }
        set_interrupt_check(nullptr);
        if (status != 0) throw std::runtime_error("run ended with status " + std::to_string(status));
        return resolved.get<std::string>("out");
      },
      py::arg("source"), py::arg("is_text"), py::arg("overrides"), py::arg("out"), py::arg("resume") = false);

  m.def(
      "check_sweep",
      [](const std::string& source, bool is_text, const std::vector<std::string>& overrides, const std::string& out) {
        return expand_sweep(load_config(source, is_text, overrides, std::nullopt), out).runs.size();
      },
      py::arg("source"), py::arg("is_text"), py::arg("overrides"), py::arg("out"));

  py::class_<PyAgent>(m, "Agent")
      .def(py::init<const std::string&, const std::string&, std::uint64_t>(), py::arg("run_dir"), py::arg("policy"), py::arg("seed"))
      .def("learned", &PyAgent::learned)
      .def("reset", &PyAgent::reset, py::arg("batch"))
      .def("act", &PyAgent::act, py::arg("obs"), py::arg("greedy"))
      .def("read", &PyAgent::read, py::arg("obs"))
      .def("predict", &PyAgent::predict)
      .def("attention", &PyAgent::attention);

  py::class_<PyEnv>(m, "Env")
      .def(py::init<const std::string&, bool, const std::vector<std::string>&, const std::string&, const std::string&>(),
           py::arg("source"), py::arg("is_text"), py::arg("overrides"), py::arg("split"), py::arg("policy"))
      .def("spec", &PyEnv::spec)
      .def("reset", &PyEnv::reset, py::arg("examples"), py::arg("seed"))
      .def("step", &PyEnv::step, py::arg("regions"), py::arg("locations"), py::arg("stop"))
      .def("region_texts", &PyEnv::region_texts, py::arg("example"));
}
