// The table of learned policies: `policy.type` is an enum over these names, and the one it names is
// trained and scored as `adaptive`. A row: the name, the envs it fits, a check of combinations the
// schema cannot see, its factory and its own policy.* keys. Adding one: docs/extending.md, "A learned
// policy".
#include "agents/cell_glimpse.hpp"
#include "agents/differentiable_top_k.hpp"
#include "agents/gaussian_location.hpp"
#include "agents/jump_reading.hpp"
#include "agents/spatial_location.hpp"
#include "agents/top_k_regions.hpp"
#include "experiments/tables/tables.hpp"

namespace saccade {

namespace {

using T = KeyType;

std::size_t config_size(const Config& cfg, const char* path) { return static_cast<std::size_t>(cfg.get<int>(path)); }

GaussianLocationOptions location_options(const Config& cfg, std::size_t summary) {
  GaussianLocationOptions o;
  o.input = summary;
  o.std = static_cast<float>(cfg.get<double>("policy.std"));
  o.stop = cfg.get<bool>("policy.stop");
  o.min_steps = config_size(cfg, "policy.min_steps");
  o.greedy_stop = cfg.get<bool>("policy.greedy_stop");
  return o;
}

std::unique_ptr<Policy> make_gaussian(const Config& cfg, const ModelInputs& in, std::size_t summary, Rng& rng) {
  GaussianLocationOptions o = location_options(cfg, summary);
  if (cfg.get<bool>("policy.preview")) o.preview_size = shape_size(in.spec.preview_shape);
  return std::make_unique<GaussianLocationPolicy>(o, rng);
}

void check_spatial(const Config& cfg, EnvKind) {
  if (cfg.get<int>("env.preview_factor") == 0)
    cfg.fail("policy.type", "the spatial policy reads the thumbnail preview: set env.preview_factor > 0");
}

std::unique_ptr<Policy> make_spatial(const Config& cfg, const ModelInputs& in, std::size_t summary, Rng& rng) {
  const Shape& ps = in.spec.preview_shape;
  if (ps.size() != 2) cfg.fail("policy.type", "the spatial policy needs a thumbnail preview (env.preview_factor > 0)");
  SpatialLocationOptions o{location_options(cfg, summary), ps[0], ps[1], 16};
  o.inhibition = static_cast<float>(cfg.get<double>("policy.inhibition"));
  return std::make_unique<SpatialLocationPolicy>(o, rng);
}

void check_cells(const Config& cfg, EnvKind) {
  if (cfg.get<int>("env.preview_factor") == 0)
    cfg.fail("policy.type", "the cells policy picks a cell of the thumbnail preview: set env.preview_factor > 0");
}

std::unique_ptr<Policy> make_cells(const Config& cfg, const ModelInputs& in, std::size_t summary, Rng& rng) {
  const Shape& ps = in.spec.preview_shape;
  if (ps.size() != 2) cfg.fail("policy.type", "the cells policy needs a thumbnail preview (env.preview_factor > 0)");
  CellGlimpseOptions o;
  o.input = summary;
  o.height = ps[0], o.width = ps[1];
  o.offset_std = static_cast<float>(cfg.get<double>("policy.offset_std"));
  o.stop = cfg.get<bool>("policy.stop");
  o.min_steps = config_size(cfg, "policy.min_steps");
  o.greedy_stop = cfg.get<bool>("policy.greedy_stop");
  o.inhibition = static_cast<float>(cfg.get<double>("policy.inhibition"));
  return std::make_unique<CellGlimpsePolicy>(o, rng);
}

// A region's preview, as the region policies read it: one row of `features` per region ([R, P]), a
// bag of `bag_slots` (feature, weight) pairs per region, or one picture of the whole input (features 0).
struct PreviewRows {
  std::size_t features = 0, bag_slots = 0;
};
PreviewRows preview_rows(const EnvSpec& spec) {
  if (spec.preview_kind == PreviewKind::bag) return {spec.preview_features, spec.preview_shape[1] / 2};
  if (spec.preview_kind == PreviewKind::per_region) return {spec.preview_shape[1], 0};
  return {};
}

std::unique_ptr<Policy> make_topk(const Config& cfg, const ModelInputs& in, std::size_t summary, Rng& rng) {
  const PreviewRows rows = preview_rows(in.spec);
  TopKRegionOptions o;
  o.preview_size = shape_size(in.spec.preview_shape);
  o.regions = in.spec.num_regions;
  o.k = in.budget;
  o.hidden = config_size(cfg, "policy.hidden");
  o.features = rows.features;  // > 0: one scorer shared by every region's row
  o.bag_slots = rows.bag_slots;
  o.stop = cfg.get<bool>("policy.stop");  // then the budget is a cap and the k regions an order
  o.input = summary;
  o.min_steps = config_size(cfg, "policy.min_steps");
  o.greedy_stop = cfg.get<bool>("policy.greedy_stop");
  return std::make_unique<TopKRegionPolicy>(o, rng);
}

std::unique_ptr<Policy> make_soft_topk(const Config& cfg, const ModelInputs& in, std::size_t, Rng& rng) {
  const PreviewRows rows = preview_rows(in.spec);
  DifferentiableTopKOptions o;
  o.scorer = {.preview_size = shape_size(in.spec.preview_shape), .regions = in.spec.num_regions,
              .hidden = config_size(cfg, "policy.hidden"), .features = rows.features, .bag_slots = rows.bag_slots};
  o.k = in.budget;
  o.tau = static_cast<float>(cfg.get<double>("policy.tau"));
  return std::make_unique<DifferentiableTopKPolicy>(o, rng);
}

void check_soft_topk(const Config& cfg, EnvKind) {
  if (cfg.get<bool>("policy.stop"))
    cfg.fail("policy.stop", "the soft_topk policy reads exactly its k regions (the budget) and cannot STOP: use policy.type=topk with policy.stop");
}

void check_jump(const Config& cfg, EnvKind kind) {
  if (kind == kTurns && cfg.get<int>("policy.max_jump") != 0)
    cfg.fail("policy.max_jump", "dialogue policies read any unread turn: max_jump does not apply");
  if (cfg.get<std::string>("policy.order") == "any" && cfg.get<int>("policy.max_jump") != 0)
    cfg.fail("policy.max_jump", "limits jumps ahead, and policy.order=any reads any unread chunk: set one of them");
}

std::unique_ptr<Policy> make_jump(const Config& cfg, const ModelInputs& in, std::size_t summary, Rng& rng) {
  const PreviewRows rows = preview_rows(in.spec);
  JumpReadingOptions o;
  o.input = summary;
  o.regions = in.spec.num_regions;
  o.preview_size = rows.features;
  o.bag_slots = rows.bag_slots;
  o.max_jump = config_size(cfg, "policy.max_jump");
  // Turns are read in any order: the order of reading need not be the dialogue's.
  o.any_order = in.kind == kTurns || cfg.get<std::string>("policy.order") == "any";
  o.hidden = config_size(cfg, "policy.hidden");
  o.stop = cfg.get<bool>("policy.stop");
  o.min_steps = config_size(cfg, "policy.min_steps");
  o.greedy_stop = cfg.get<bool>("policy.greedy_stop");
  return std::make_unique<JumpReadingPolicy>(o, rng);
}

void no_check(const Config&, EnvKind) {}

const KeySpec std_key = key("policy.std", T::Float, "0.1", "Gaussian location policies (gaussian, spatial): fixed standard deviation of the location.").above(0);
const KeySpec inhibition_key = key("policy.inhibition", T::Float, "0",
    "Thumbnail policies (spatial, cells): inhibition of return, the starting value of a learned weight w; each cell's score "
    "gets w times its nearness to the places read so far (agents/return_inhibition.hpp). Negative: look elsewhere; 0: off.");
const KeySpec hidden_key = key("policy.hidden", T::Int, "128", "Region policies (topk, soft_topk, jump): hidden width of the scorer over the previews.").at_least(1);

}  // namespace

const std::vector<LearnedPolicyRow>& learned_policy_table() {
  static const std::vector<LearnedPolicyRow> table = {
      {"gaussian", kGlimpses, "RAM's location policy: a Gaussian around a mean from the reader's state (agents/gaussian_location.hpp)",
       {std_key, key("policy.preview", T::Bool, "false", "Gaussian location policy: the mean also reads the thumbnail preview (else RAM's: the reader's state only).")},
       no_check, make_gaussian},
      {"spatial", kGlimpses, "a Gaussian whose mean is a spatial soft-argmax over the thumbnail and the reader's state (agents/spatial_location.hpp)",
       {std_key, inhibition_key}, check_spatial, make_spatial},
      {"cells", kGlimpses, "a categorical over the thumbnail's cells (multimodal: one of two blobs, not between them), then a Gaussian draw inside the cell (agents/cell_glimpse.hpp)",
       {key("policy.offset_std", T::Float, "0.25", "Cells policy: standard deviation of the location's draw inside the chosen cell, in cells.").above(0),
        inhibition_key},
       check_cells, make_cells},
      {"topk", kAnyRegions, "k regions at once from the previews (Plackett-Luce), or with policy.stop a reading order with STOP (agents/top_k_regions.hpp)",
       {hidden_key}, no_check, make_topk},
      {"soft_topk", kAnyRegions,
       "k regions at once from the previews by a Gumbel top-k, trained through the reader by a straight-through estimator "
       "(train.algorithm: backprop; its draw is top-k's Plackett-Luce, with log_prob, so reinforce, a2c, ppo and imitation train it too) "
       "(agents/differentiable_top_k.hpp)",
       {hidden_key, key("policy.tau", T::Float, "2", "Soft top-k policy: temperature of the relaxed top-k its gradient goes through (lower: closer to the hard choice, noisier gradients).").above(0)},
       check_soft_topk, make_soft_topk, /*supplies_weights=*/true},
      {"jump", kChunks | kTurns, "read, jump ahead (or to any unread region) or stop, from the reader's state and the previews (agents/jump_reading.hpp)",
       {hidden_key,
        key("policy.max_jump", T::Int, "0", "Jump reading policy (text): how many chunks ahead it may jump (0: anywhere ahead).").at_least(0),
        key("policy.order", T::Enum, "forward", "Jump reading policy (text): read only ahead of the chunk read last (LSTM-Jump's), or any chunk not read yet.")
            .one_of({"forward", "any"})},
       check_jump, make_jump},
  };
  return table;
}

}  // namespace saccade
