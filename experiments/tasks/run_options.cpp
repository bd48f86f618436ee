#include "experiments/tasks/run_options.hpp"

#include <algorithm>

#include "core/suggest.hpp"

namespace saccade {

RunOptions run_options_from_config(const Config& cfg) {
  RunOptions o;
  o.run_name = cfg.get<std::string>("name");
  o.out_dir = cfg.get<std::string>("out");
  o.seed = static_cast<std::uint64_t>(cfg.get<int>("seed"));
  o.epochs = static_cast<std::size_t>(cfg.get<int>("train.epochs"));
  o.batch_size = static_cast<std::size_t>(cfg.get<int>("train.batch_size"));
  o.train_examples = static_cast<std::size_t>(cfg.get<int>("train.examples"));
  o.eval_examples = static_cast<std::size_t>(cfg.get<int>("eval.examples"));
  o.eval_batch_size = static_cast<std::size_t>(cfg.get<int>("eval.batch_size"));
  o.eval_repeats = static_cast<std::size_t>(cfg.get<int>("eval.repeats"));
  o.minutes = cfg.get<double>("train.minutes");
  o.keep_best = cfg.get<std::string>("train.keep") == "best";
  o.reader_init = cfg.get_or<std::string>("reader.init", "");
  o.rl.lr = cfg.get<double>("train.lr");
  o.rl.weight_decay = cfg.get<double>("train.weight_decay");
  o.rl.max_grad_norm = static_cast<float>(cfg.get<double>("train.max_grad_norm"));
  o.rl.nonfinite_limit = static_cast<std::size_t>(cfg.get<int>("train.nonfinite_limit"));
  o.rl.baseline = cfg.get<std::string>("policy.baseline");
  o.rl.reward = cfg.get<std::string>("policy.reward");
  o.rl.entropy_bonus = static_cast<float>(cfg.get<double>("policy.entropy"));
  o.rl.normalize_advantage = cfg.get<bool>("policy.normalize_advantage");
  o.rl.region_cost = static_cast<float>(cfg.get<double>("policy.region_cost"));
  o.rl.target_regions = static_cast<float>(cfg.get<double>("policy.target_regions"));
  o.rl.lagrange_lr = static_cast<float>(cfg.get<double>("policy.lagrange_lr"));
  return o;
}

std::vector<std::string> policy_names_from_config(const Config& cfg) {
  std::vector<std::string> names;
  if (cfg.get<bool>("eval.adaptive")) names.push_back("adaptive");
  for (const auto& n : cfg.get_or<std::vector<std::string>>("eval.policies", {})) names.push_back(n);
  return names;
}

void check_policy_names(const Config& cfg, const std::vector<std::string>& choices, const std::string& env_label) {
  const auto policies = cfg.get_or<std::vector<std::string>>("eval.policies", {});
  for (std::size_t i = 0; i < policies.size(); ++i) {
    if (std::find(choices.begin(), choices.end(), policies[i]) != choices.end()) continue;
    std::string all;
    for (const auto& c : choices) all += (all.empty() ? "" : ", ") + c;
    const ConfigNode* list = cfg.find("eval.policies");
    const Origin at = list && i < list->items.size() ? list->items[i].origin : cfg.origin("eval.policies");
    throw ConfigError(at.str() + ": eval.policies[" + std::to_string(i) + "]: no fixed policy \"" + policies[i] +
                      "\" for " + env_label + " (choices: " + all + ")" + did_you_mean(closest(policies[i], choices)));
  }
  if (policies.empty() && !cfg.get<bool>("eval.adaptive"))
    cfg.fail("eval.adaptive", "nothing to run: eval.adaptive is false and eval.policies is empty");
}

void check_reader_type(const Config& cfg, const std::string& reader, const std::string& env_label) {
  const auto type = cfg.get_or<std::string>("reader.type", reader);
  if (type != reader) cfg.fail("reader.type", env_label + " reads with the `" + reader + "` reader, not \"" + type + "\"");
}

}  // namespace saccade
