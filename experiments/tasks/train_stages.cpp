#include "experiments/tasks/train_stages.hpp"

#include <algorithm>
#include <optional>

#include "core/suggest.hpp"
#include "experiments/config/scalar.hpp"
#include "experiments/tables/choose.hpp"

namespace saccade {

namespace {

const std::vector<std::string> kStageKeys = {"acts", "trains", "algorithm", "epochs", "lr"};

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Where a learner that needs straight-through weights (backprop) trains the learned policy, that policy
// must supply them: the reason, naming both, or empty when the combination is fine.
std::string weights_problem(const Config& cfg, EnvKind kind, const TrainerRow& learner) {
  const std::string policy = policy_type(cfg, kind);
  const LearnedPolicyRow* row = find_row(learned_policy_table(), policy);
  if (!learner.needs_weights || !row || row->supplies_weights) return "";
  std::vector<std::string> supplying, gradients;
  for (const auto& r : learned_policy_table())
    if (r.supplies_weights && (r.fits & kind)) supplying.emplace_back(r.name);
  for (const auto& r : trainer_table())
    if (!r.needs_weights && !r.imitates) gradients.emplace_back(r.name);
  const std::string fix = supplying.empty() ? "no learned policy for " + env_kind_name(kind) + " supplies them: use"
                                             : "set policy.type=" + supplying.front() + " (the policies that supply them: " + joined(supplying) + "), or";
  return std::string(learner.name) + " trains the policy through the reader's loss, by straight-through weights, and policy.type " + policy +
         " supplies none: " + fix + " a policy-gradient learner (" + joined(gradients) + ")";
}

struct StageSpec {
  std::string acts;
  TrainParts parts{false, false};
  std::string algorithm;
  std::size_t epochs = 0;
  std::optional<ConfigNode> lr;  // as written, for the stage's own config
};

// One stage's map, read and checked; `kind` (when given) is the env the fixed actor must fit.
class StageReader {
 public:
  StageReader(const Config& cfg, const ConfigNode& map, std::size_t index) : cfg_(cfg), map_(map), path_("train.stages[" + std::to_string(index) + "]") {}

  StageSpec read(std::optional<EnvKind> kind) const {
    for (const auto& [key, value] : map_.fields)
      if (std::find(kStageKeys.begin(), kStageKeys.end(), key) == kStageKeys.end())
        fail(value.key_origin, key, "unknown key (a stage has " + joined(kStageKeys) + ")" + did_you_mean(closest(key, kStageKeys)));
    StageSpec s;
    s.acts = scalar("acts", required("acts"));
    s.parts = parts(required("trains"));
    s.algorithm = map_.find("algorithm") ? scalar("algorithm", *map_.find("algorithm")) : cfg_.get<std::string>("train.algorithm");
    const TrainerRow* learner = find_row(trainer_table(), s.algorithm);
    if (!learner)
      fail("algorithm", "no learner \"" + s.algorithm + "\" (learners: " + joined(row_names(trainer_table())) + ")" +
                            did_you_mean(closest(s.algorithm, row_names(trainer_table()))));
    const ConfigNode& epochs = required("epochs");
    const auto n = epochs.is_scalar() && !epochs.quoted ? parse_int(epochs.text) : std::nullopt;
    if (!n || *n < 1) fail("epochs", "expected int >= 1, got " + epochs.describe());
    s.epochs = static_cast<std::size_t>(*n);
    if (const ConfigNode* lr = map_.find("lr")) {
      const auto v = lr->is_scalar() && !lr->quoted ? parse_float(lr->text) : std::nullopt;
      if (!v || *v <= 0) fail("lr", "expected float > 0, got " + lr->describe());
      s.lr = *lr;
    }
    const bool adaptive = s.acts == kAdaptive;
    if (!adaptive && kind) check_actor(s.acts, *kind);
    if (!adaptive && s.parts.policy && !learner->imitates)
      fail("trains", "the policy trains while the fixed policy \"" + s.acts + "\" acts: only an imitating learner (" +
                         joined(imitating()) + ") learns from another policy's choices, and " + s.algorithm + " does not");
    if (adaptive && learner->imitates)
      fail("acts", "the learner " + s.algorithm + " imitates a fixed policy: name the one that acts (e.g. saliency), not adaptive");
    if (adaptive && s.parts.policy && kind)
      if (const std::string why = weights_problem(cfg_, *kind, *learner); !why.empty()) fail("algorithm", why);
    return s;
  }

 private:
  [[noreturn]] void fail(const Origin& at, const std::string& key, const std::string& message) const {
    throw ConfigError(at.str() + ": " + path_ + "." + key + ": " + message);
  }
  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    const ConfigNode* node = map_.find(key);
    fail(node ? node->origin : map_.origin, key, message);
  }
  const ConfigNode& required(const std::string& key) const {
    const ConfigNode* node = map_.find(key);
    if (!node || node->is_null()) fail(map_.origin, key, "missing (a stage needs acts, trains and epochs)");
    return *node;
  }
  std::string scalar(const std::string& key, const ConfigNode& node) const {
    if (!node.is_scalar()) fail(key, "expected a name, got " + node.describe());
    return node.text;
  }
  TrainParts parts(const ConfigNode& node) const {
    std::vector<const ConfigNode*> items;
    if (node.is_list())
      for (const auto& item : node.items) items.push_back(&item);
    else
      items.push_back(&node);
    TrainParts p{false, false};
    for (const ConfigNode* item : items) {
      const std::string what = item->is_scalar() ? item->text : "";
      if (what != "reader" && what != "policy")
        fail(item->origin, "trains", "expected reader, policy or a list of them, got " + item->describe() +
                                         did_you_mean(closest(what, {"reader", "policy"})));
      bool& part = what == "reader" ? p.reader : p.policy;
      if (part) fail(item->origin, "trains", what + " is listed twice");
      part = true;
    }
    if (!p.reader && !p.policy) fail("trains", "a stage trains the reader, the policy or both, got an empty list");
    return p;
  }
  void check_actor(const std::string& name, EnvKind kind) const {
    const FixedPolicyRow* row = find_row(fixed_policy_table(), name);
    if (row && (row->fits & kind) && !row->stops_when_sure) return;
    std::vector<std::string> choices = {kAdaptive};
    for (const auto& r : fixed_policy_table())
      if ((r.fits & kind) && !r.stops_when_sure) choices.emplace_back(r.name);
    const std::string why = row && row->stops_when_sure ? "\"" + name + "\" stops when the reader is sure, with a threshold set after training, so it cannot act in a stage"
                                                        : "no fixed policy \"" + name + "\" for " + env_kind_name(kind);
    fail("acts", why + " (choices: " + joined(choices) + ")" + did_you_mean(closest(name, choices)));
  }
  static std::vector<std::string> imitating() {
    std::vector<std::string> out;
    for (const auto& r : trainer_table())
      if (r.imitates) out.emplace_back(r.name);
    return out;
  }

  const Config& cfg_;
  const ConfigNode& map_;
  std::string path_;
};

std::vector<StageSpec> read_stages(const Config& cfg, std::optional<EnvKind> kind) {
  std::vector<StageSpec> out;
  const ConfigNode* list = cfg.find("train.stages");
  if (!list) return out;
  if (list->items.empty()) cfg.fail("train.stages", "an empty list: leave it unset for one stage (adaptive acts, both train)");
  for (std::size_t i = 0; i < list->items.size(); ++i) out.push_back(StageReader(cfg, list->items[i], i).read(kind));
  return out;
}

}  // namespace

void check_stages(const Config& cfg, EnvKind kind) {
  const std::string algorithm = cfg.get<std::string>("train.algorithm");
  if (const TrainerRow* row = find_row(trainer_table(), algorithm); row && row->imitates)
    cfg.fail("train.algorithm", algorithm + " imitates a fixed policy acting in a stage: use it in train.stages, e.g. "
                                            "[{acts: saliency, trains: [reader, policy], algorithm: " + algorithm + ", epochs: 3}, ...]");
  // Without stages the learned policy acts and trains with train.algorithm (if it runs at all).
  if (const TrainerRow* row = find_row(trainer_table(), algorithm); row && !cfg.find("train.stages") && cfg.get<bool>("eval.adaptive"))
    if (const std::string why = weights_problem(cfg, kind, *row); !why.empty()) cfg.fail("train.algorithm", why);
  read_stages(cfg, kind);
}

std::vector<TrainStage> stages_from_config(const Config& cfg) {
  std::vector<TrainStage> out;
  for (const StageSpec& spec : read_stages(cfg, std::nullopt)) {
    Config own = cfg;  // the stage's learning rate is its learner's train.lr, and the policy's too
    if (spec.lr) own.set("train.lr", *spec.lr);
    TrainStage st;
    st.acts = spec.acts;
    st.parts = spec.parts;
    st.epochs = spec.epochs;
    st.algorithm = spec.algorithm;
    st.make_trainer = find_row(trainer_table(), spec.algorithm)->make(own);
    if (!spec.lr && cfg.has("policy.lr")) st.policy_lr = cfg.get<double>("policy.lr");
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace saccade
