// The image task from a config: envs over cluttered canvases, a reader, the learned `adaptive`
// policy and the fixed policies, handed to the runner (experiments/run/runner.hpp).
//
//   env.region glimpse   RAM: retina glimpses, reader `ram`, learned policy `gaussian` (locations);
//                        fixed: center, random, grid, saliency
//   env.region patch     patch grid, reader `patch` (attention pooling), learned policy `topk` (one-shot
//                        from the thumbnail); fixed: center, random, grid, saliency, all (full view)
//   either               `fc`: RAM's fully connected 2x256 baseline on the whole canvas (one region)
#include <memory>

#include "agents/fixed_glimpses.hpp"
#include "agents/fixed_regions.hpp"
#include "agents/gaussian_location.hpp"
#include "agents/spatial_location.hpp"
#include "agents/top_k_regions.hpp"
#include "attention/mlp_reader.hpp"
#include "attention/patch_reader.hpp"
#include "attention/ram_reader.hpp"
#include "core/gemm.hpp"
#include "envs/image/image_env.hpp"
#include "experiments/config/config.hpp"
#include "experiments/tasks/run_options.hpp"
#include "experiments/run/runner.hpp"
#include "core/suggest.hpp"
#include "experiments/tasks/tasks.hpp"

namespace saccade {

namespace {

struct ImageTask {
  const Config& cfg;
  std::shared_ptr<const ImageDataset> train{}, val{}, test{};
  CanvasSpec canvas{};
  std::size_t side = 0, budget = 0;
  bool glimpse = true;

  std::size_t num_classes() const { return train->num_classes; }

  // Three envs (train, validation, test) of one kind with the same options.
  template <class E, class O>
  void make_envs(PolicySetup& s, const O& opt) const {
    s.train_env = std::make_unique<E>(train, canvas, opt);
    s.val_env = std::make_unique<E>(val, canvas, opt);
    s.test_env = std::make_unique<E>(test, canvas, opt);
  }

  ImageGlimpseOptions glimpse_options() const {
    ImageGlimpseOptions o;
    o.retina.glimpse = static_cast<std::size_t>(cfg.get<int>("env.retina.size"));
    o.retina.scales = static_cast<std::size_t>(cfg.get<int>("env.retina.scales"));
    o.budget = budget;
    o.preview_factor = static_cast<std::size_t>(cfg.get<int>("env.preview_factor"));
    return o;
  }

  ImagePatchOptions patch_options(std::size_t grid, std::size_t patch_budget) const {
    ImagePatchOptions o;
    o.grid = grid;
    o.budget = patch_budget;
    o.preview_factor = static_cast<std::size_t>(cfg.get<int>("env.preview_factor"));
    return o;
  }

  Rng reader_rng() const { return Rng::stream(static_cast<std::uint64_t>(cfg.get<int>("seed")), "reader-init"); }

  PolicySetup setup(const std::string& name) const {
    PolicySetup s;
    s.name = name;
    s.budget = budget;
    Rng rr = reader_rng();
    Rng pr = Rng::stream(static_cast<std::uint64_t>(cfg.get<int>("seed")), "policy-init");
    if (name == "fc") {  // the whole canvas as one region
      make_envs<ImagePatchEnv>(s, patch_options(1, 1));
      s.reader = std::make_unique<MlpReader>(MlpReaderOptions{side * side, 256, 2, num_classes()}, rr);
      s.policy = std::make_unique<FixedRegionPolicy>("all", 1, 1);
      return s;
    }
    if (glimpse) {
      const ImageGlimpseOptions go = glimpse_options();
      make_envs<ImageGlimpseEnv>(s, go);
      RamReaderOptions ro;
      ro.glimpse_size = go.retina.scales * go.retina.glimpse * go.retina.glimpse;
      ro.glimpse_hidden = static_cast<std::size_t>(cfg.get<int>("reader.glimpse_hidden"));
      ro.hidden = static_cast<std::size_t>(cfg.get<int>("reader.hidden"));
      ro.num_classes = num_classes();
      ro.core = cfg.get<std::string>("reader.core");
      s.reader = std::make_unique<RamReader>(ro, rr);
      if (name == "adaptive") {
        GaussianLocationOptions po;
        po.input = ro.hidden;
        po.std = static_cast<float>(cfg.get<double>("policy.std"));
        po.stop = cfg.get<bool>("policy.stop");
        po.min_steps = static_cast<std::size_t>(cfg.get<int>("policy.min_steps"));
        po.greedy_stop = cfg.get<bool>("policy.greedy_stop");
        const std::string type = cfg.get_or<std::string>("policy.type", "gaussian");
        if (type == "spatial") {
          const Shape ps = s.train_env->spec().preview_shape;
          if (ps.size() != 2) cfg.fail("policy.type", "the spatial policy needs a thumbnail preview (env.preview_factor > 0)");
          s.policy = std::make_unique<SpatialLocationPolicy>(SpatialLocationOptions{po, ps[0], ps[1], 16}, pr);
        } else if (type == "gaussian") {
          if (cfg.get<bool>("policy.preview")) po.preview_size = shape_size(s.train_env->spec().preview_shape);
          s.policy = std::make_unique<GaussianLocationPolicy>(po, pr);
        } else {
          cfg.fail("policy.type", "glimpse envs learn `gaussian` or `spatial` locations, not \"" + type + "\"");
        }
      } else {
        s.policy = std::make_unique<FixedGlimpsePolicy>(name, budget);
      }
      return s;
    }
    const std::size_t grid = static_cast<std::size_t>(cfg.get<int>("env.grid"));
    const std::size_t regions = grid * grid;
    const std::size_t b = name == "all" ? regions : budget;
    make_envs<ImagePatchEnv>(s, patch_options(grid, b));
    PatchReaderOptions ro;
    ro.content_size = (side / grid) * (side / grid);
    ro.regions = regions;
    ro.dim = static_cast<std::size_t>(cfg.get<int>("reader.hidden"));
    ro.heads = static_cast<std::size_t>(cfg.get<int>("reader.heads"));
    ro.num_classes = num_classes();
    s.reader = std::make_unique<PatchReader>(ro, rr);
    if (name == "adaptive") {
      TopKRegionOptions po;
      po.preview_size = shape_size(s.train_env->spec().preview_shape);
      po.regions = regions;
      po.k = b;
      po.hidden = static_cast<std::size_t>(cfg.get<int>("policy.hidden"));
      s.policy = std::make_unique<TopKRegionPolicy>(po, pr);
    } else {
      s.policy = std::make_unique<FixedRegionPolicy>(name, regions, b);
    }
    return s;
  }
};

}  // namespace

void check_image_task(const Config& cfg) {
  const bool glimpse = cfg.get<std::string>("env.region") == "glimpse";
  std::vector<std::string> fixed = glimpse ? FixedGlimpsePolicy::names() : FixedRegionPolicy::names();
  fixed.push_back("fc");
  check_policy_names(cfg, fixed, "env.region=" + cfg.get<std::string>("env.region"));
  check_reader_type(cfg, glimpse ? "ram" : "patch", "env.region=" + cfg.get<std::string>("env.region"));
  if (const auto type = cfg.get_or<std::string>("policy.type", glimpse ? "gaussian" : "topk"); glimpse) {
    if (type != "gaussian" && type != "spatial")
      cfg.fail("policy.type", "glimpse envs learn `gaussian` or `spatial` locations, not \"" + type + "\"" +
                                  did_you_mean(closest(type, {"gaussian", "spatial"})));
    if (type == "spatial" && cfg.get<int>("env.preview_factor") == 0)
      cfg.fail("policy.type", "the spatial policy reads the thumbnail preview: set env.preview_factor > 0");
  } else if (type != "topk") {
    cfg.fail("policy.type", "patch envs learn `topk` (regions chosen one-shot from previews), not \"" + type + "\"");
  }
  if (const auto canvas = cfg.get_or<int>("env.canvas", 0); !glimpse && canvas > 0 && canvas % cfg.get<int>("env.grid") != 0)
    cfg.fail("env.grid", "the grid (" + std::to_string(cfg.get<int>("env.grid")) + " per side) must divide env.canvas (" +
                             std::to_string(canvas) + ")");
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
  set_blas_threads(cfg.get<int>("train.threads"));
  const std::string source = cfg.get_or<std::string>("env.dataset", "fashion-mnist");
  ImageSplits splits = load_image_splits(source, seed);
  auto task = std::make_shared<ImageTask>(ImageTask{.cfg = cfg});
  task->train = std::make_shared<const ImageDataset>(std::move(splits.train));
  task->val = std::make_shared<const ImageDataset>(std::move(splits.validation));
  task->test = std::make_shared<const ImageDataset>(std::move(splits.test));
  task->canvas = CanvasSpec::from_config(static_cast<std::size_t>(cfg.get_or<int>("env.canvas", 0)),
                                        static_cast<std::size_t>(cfg.get<int>("env.clutter.pieces")),
                                        static_cast<std::size_t>(cfg.get<int>("env.clutter.size")));
  task->side = canvas_side(task->canvas, *task->train);
  task->budget = static_cast<std::size_t>(cfg.get<int>("policy.budget"));
  task->glimpse = cfg.get<std::string>("env.region") == "glimpse";

  RunOptions o = run_options_from_config(cfg);
  o.env_name = "image-" + cfg.get<std::string>("env.region") + "-" + std::to_string(task->side);

  return plan_of(std::move(o), cfg, std::move(owned), task);
}

}  // namespace saccade
