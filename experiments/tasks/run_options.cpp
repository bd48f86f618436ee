#include "experiments/tasks/run_options.hpp"

#include "experiments/tables/choose.hpp"
#include "experiments/tables/tables.hpp"
#include "experiments/tasks/train_stages.hpp"

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
  o.schedule = lr_shape(cfg.get<std::string>("train.schedule"));
  o.warmup_epochs = static_cast<std::size_t>(cfg.get<int>("train.warmup_epochs"));
  o.patience = static_cast<std::size_t>(cfg.get<int>("train.patience"));
  if (cfg.has("policy.lr")) o.policy_lr = cfg.get<double>("policy.lr");
  o.eval_test = cfg.get<bool>("eval.test");
  o.reader_init = cfg.get_or<std::string>("reader.init", "");
  // The learner's own options are read once, here; the factory builds one trainer per policy's run.
  o.make_trainer = find_row(trainer_table(), cfg.get<std::string>("train.algorithm"))->make(cfg);
  o.stages = stages_from_config(cfg);  // train.stages (experiments/run/stages.hpp); empty: one stage
  o.make_fixed = [](const std::string& name, const EnvSpec& spec, std::size_t budget) {
    return make_fixed_policy(name, name, spec, budget);
  };
  return o;
}

std::vector<std::string> policy_names_from_config(const Config& cfg) {
  std::vector<std::string> names;
  if (cfg.get<bool>("eval.adaptive")) names.push_back("adaptive");
  for (const auto& n : cfg.get_or<std::vector<std::string>>("eval.policies", {})) names.push_back(n);
  return names;
}

}  // namespace saccade
