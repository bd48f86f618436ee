// The image task from a config: its data (Fashion-MNIST, digits or IDX files) on cluttered canvases,
// and its envs: retina glimpses (env.region glimpse) or a patch grid (env.region patch), or for a
// whole-view reference the canvas as one patch. Readers and policies come from the tables
// (experiments/tables/) through experiments/tasks/policy_setup.hpp.
#include <memory>

#include "envs/image/image_env.hpp"
#include "experiments/tasks/policy_setup.hpp"
#include "experiments/tasks/tasks.hpp"

namespace saccade {

namespace {

struct ImageTask : TaskModels {
  const Config& cfg;
  std::shared_ptr<const ImageDataset> train{}, val{}, test{};
  CanvasSpec canvas{};
  std::size_t side = 0;
  explicit ImageTask(const Config& c) : cfg(c) {}

  EnvKind kind() const override { return image_env_kind(cfg); }
  std::size_t grid(Layout layout) const { return layout == Layout::whole ? 1 : static_cast<std::size_t>(cfg.get<int>("env.grid")); }
  std::size_t regions(Layout layout) const override { return grid(layout) * grid(layout); }

  void make_envs(PolicySetup& s, Layout layout, std::size_t budget) const override {
    const auto preview_factor = static_cast<std::size_t>(cfg.get<int>("env.preview_factor"));
    if (kind() == kGlimpses && layout == Layout::task) {
      ImageGlimpseOptions o;
      o.retina.glimpse = static_cast<std::size_t>(cfg.get<int>("env.retina.size"));
      o.retina.scales = static_cast<std::size_t>(cfg.get<int>("env.retina.scales"));
      o.budget = budget;
      o.preview_factor = preview_factor;
      return set_split_envs<ImageGlimpseEnv>(s, train, val, test, canvas, o);
    }
    ImagePatchOptions o;  // the patch grid; Layout::whole: the whole canvas as one patch
    o.grid = grid(layout);
    o.budget = budget;
    o.preview_factor = preview_factor;
    set_split_envs<ImagePatchEnv>(s, train, val, test, canvas, o);
  }

  ModelInputs model_inputs(const EnvSpec& spec) const override { return {.spec = spec}; }
};

}  // namespace

EnvKind image_env_kind(const Config& cfg) { return cfg.get<std::string>("env.region") == "glimpse" ? kGlimpses : kPatches; }

void check_image_task(const Config& cfg) {
  const bool glimpse = cfg.get<std::string>("env.region") == "glimpse";
  if (const auto canvas = cfg.get_or<int>("env.canvas", 0); !glimpse && canvas > 0 && canvas % cfg.get<int>("env.grid") != 0)
    cfg.fail("env.grid", "the grid (" + std::to_string(cfg.get<int>("env.grid")) + " per side) must divide env.canvas (" +
                             std::to_string(canvas) + ")");
  // A reference on the previews alone (Layout::preview, envs/preview_env.hpp) needs the thumbnail;
  // found here, before any policy trains, rather than when its env is built.
  if (cfg.get<int>("env.preview_factor") == 0)
    for (const auto& name : cfg.get_or<std::vector<std::string>>("eval.policies", {}))
      if (const ReferenceRow* r = find_row(reference_table(), name); r && r->layout == Layout::preview)
        cfg.fail("env.preview_factor", "the reference \"" + name + "\" classifies the thumbnail preview: set env.preview_factor > 0");
  const std::string source = cfg.get_or<std::string>("env.dataset", "fashion-mnist");
  try {
    check_image_source(source);
  } catch (const std::exception& e) {
    if (cfg.has("env.dataset")) cfg.fail("env.dataset", e.what());
    throw ConfigError(std::string("env.dataset (default fashion-mnist): ") + e.what());
  }
}

TaskPlan plan_image_task(const Config& resolved) {
  auto owned = std::make_shared<const Config>(resolved);  // the task reads it for as long as the plan lives
  const Config& cfg = *owned;
  const std::uint64_t seed = static_cast<std::uint64_t>(cfg.get<int>("seed"));
  const std::string source = cfg.get_or<std::string>("env.dataset", "fashion-mnist");
  ImageSplits splits = load_image_splits(source, seed);
  auto task = std::make_shared<ImageTask>(cfg);
  task->train = std::make_shared<const ImageDataset>(std::move(splits.train));
  task->val = std::make_shared<const ImageDataset>(std::move(splits.validation));
  task->test = std::make_shared<const ImageDataset>(std::move(splits.test));
  task->canvas = CanvasSpec::from_config(static_cast<std::size_t>(cfg.get_or<int>("env.canvas", 0)),
                                        static_cast<std::size_t>(cfg.get<int>("env.clutter.pieces")),
                                        static_cast<std::size_t>(cfg.get<int>("env.clutter.size")));
  task->side = canvas_side(task->canvas, *task->train);

  const std::string env_name = "image-" + cfg.get<std::string>("env.region") + "-" + std::to_string(task->side);
  return plan_of(env_name, std::move(owned), task);
}

}  // namespace saccade
