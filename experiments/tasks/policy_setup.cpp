#include "experiments/tasks/policy_setup.hpp"

#include "experiments/tables/choose.hpp"

namespace saccade {

PolicySetup build_setup(const TaskModels& task, const Config& cfg, const std::string& name) {
  const auto seed = static_cast<std::uint64_t>(cfg.get<int>("seed"));
  const ReferenceRow* reference = find_row(reference_table(), name);
  const Layout layout = reference ? reference->layout : Layout::task;
  PolicySetup s;
  s.name = name;
  s.budget = static_cast<std::size_t>(cfg.get<int>("policy.budget"));  // reported as the run's, even for references
  const std::size_t budget = reference ? task.regions(layout) : s.budget;
  task.make_envs(s, layout, budget);

  ModelInputs in = task.model_inputs(s.train_env->spec());
  in.kind = task.kind();
  in.budget = budget;
  const std::string reader = reference && !reference->reader.empty() ? std::string(reference->reader) : reader_type(cfg, task.kind());
  Rng reader_init = Rng::stream(seed, "reader-init");
  s.reader = find_row(reader_table(), reader)->make(cfg, in, reader_init);

  Rng policy_init = Rng::stream(seed, "policy-init");
  if (name == kAdaptive) {
    const LearnedPolicyRow* row = find_row(learned_policy_table(), policy_type(cfg, task.kind()));
    s.policy = row->make(cfg, in, s.reader->summary_size(), policy_init);
  } else {
    s.policy = make_fixed_policy(reference ? reference->policy : name, name, s.train_env->spec(), budget);
  }
  return s;
}

}  // namespace saccade
