#include "experiments/tasks/policy_setup.hpp"

#include "envs/preview_env.hpp"
#include "experiments/tables/choose.hpp"

namespace saccade {

namespace {

// Layout::preview: the task's own envs, each seen through its previews alone (one region, never
// stepped inside), the same way for every task.
void wrap_previews(PolicySetup& s) {
  for (std::unique_ptr<Env>* env : {&s.train_env, &s.val_env, &s.test_env, &s.oov_test_env})
    if (*env) *env = std::make_unique<PreviewEnv>(std::move(*env));
}

}  // namespace

PolicySetup build_setup(const TaskModels& task, const Config& cfg, const std::string& name) {
  const auto seed = static_cast<std::uint64_t>(cfg.get<int>("seed"));
  const ReferenceRow* reference = find_row(reference_table(), name);
  const Layout layout = reference ? reference->layout : Layout::task;
  PolicySetup s;
  s.name = name;
  s.budget = static_cast<std::size_t>(cfg.get<int>("policy.budget"));  // reported as the run's, even for references
  // A full-view reference reads every region of its layout; `preview` the one region of its wrapper,
  // over the task's own envs (whose budget does not matter: they are never stepped).
  const bool preview = layout == Layout::preview;
  const std::size_t budget = preview ? 1 : reference ? task.regions(layout) : s.budget;
  task.make_envs(s, preview ? Layout::task : layout, preview ? s.budget : budget);
  if (preview) wrap_previews(s);

  ModelInputs in = task.model_inputs(s.train_env->spec());
  in.kind = task.kind();
  in.budget = budget;
  const std::string reader = reference && !reference->reader.empty() ? std::string(reference->reader) : reader_type(cfg, task.kind());
  Rng reader_init = Rng::stream(seed, "reader-init");
  s.reader = find_row(reader_table(), reader)->make(cfg, in, reader_init);
  s.reader->set_dropout(cfg.get<double>("reader.dropout"));  // every reader trains alike, the references' too
  // reader.init (or a first stage) starts the run's own reader; a reference with a reader of its own
  // (`fc`, `cnn`, `preview`) has other parameters and starts as initialised.
  s.own_reader = reader != reader_type(cfg, task.kind());

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
