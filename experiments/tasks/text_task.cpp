// The text task from a config: its data (fortunes, CSV or JSONL corpora) and its envs, documents cut
// into chunks (envs/text), in the spirit of LSTM-Jump and skimming readers. The reader (by default
// `chunk`, attention/chunk_reader.hpp) and the policies come from the tables (experiments/tables/)
// through experiments/tasks/policy_setup.hpp.
#include <memory>

#include "envs/text/corpus.hpp"
#include "envs/text/text_env.hpp"
#include "envs/text/text_split.hpp"
#include "experiments/tasks/policy_setup.hpp"
#include "experiments/tasks/tasks.hpp"

namespace saccade {

namespace {

TextSourceOptions source_options(const Config& cfg) {
  TextSourceOptions s;
  s.source = cfg.get_or<std::string>("env.dataset", "fortunes");
  s.categories = cfg.get_or<std::vector<std::string>>("env.text.categories", {});
  s.distractors = cfg.get_or<std::string>("env.text.distractors", "");
  s.min_count = static_cast<std::size_t>(cfg.get<int>("env.text.min_count"));
  return s;
}

TextEnvOptions env_options(const Config& cfg) {
  TextEnvOptions o;
  o.chunks = static_cast<std::size_t>(cfg.get<int>("env.text.chunks"));
  o.chunk_tokens = static_cast<std::size_t>(cfg.get<int>("env.text.chunk_tokens"));
  o.sentences = cfg.get<bool>("env.text.sentences");
  o.clutter = cfg.get<bool>("env.text.clutter");
  o.max_passage_chunks = static_cast<std::size_t>(cfg.get<int>("env.text.passage_chunks"));
  o.budget = static_cast<std::size_t>(cfg.get<int>("policy.budget"));
  o.preview_size = static_cast<std::size_t>(cfg.get<int>("env.text.preview_size"));
  return o;
}

struct TextTask : TaskModels {
  const Config& cfg;
  std::shared_ptr<const TextSplit> train{}, val{}, test{};
  TextEnvOptions env{};

  explicit TextTask(const Config& c) : cfg(c) {}

  EnvKind kind() const override { return kChunks; }
  std::size_t regions(Layout) const override { return env.chunks; }

  void make_envs(PolicySetup& s, Layout, std::size_t budget) const override {
    TextEnvOptions eo = env;
    eo.budget = budget;
    set_split_envs<TextChunkEnv>(s, train, val, test, eo);
  }

  ModelInputs model_inputs(const EnvSpec& spec) const override {
    return {.spec = spec, .vocab_size = train->vocab_size, .region_tokens = env.chunk_tokens};
  }
};

}  // namespace

void check_text_task(const Config& cfg) {
  if (cfg.get<int>("env.text.preview_size") == 0 && cfg.get<bool>("eval.adaptive"))
    cfg.fail("env.text.preview_size", "the learned policies read the chunk previews: must be > 0");
  // The source first (its errors point at env.dataset), then the categories and the distractors
  // file asked of it, each error at its own key.
  TextSourceOptions source = source_options(cfg);
  TextSourceOptions bare = source;
  bare.categories.clear();
  bare.distractors.clear();
  try {
    check_text_source(bare);
  } catch (const std::exception& e) {
    if (cfg.has("env.dataset")) cfg.fail("env.dataset", e.what());
    throw ConfigError(std::string("env.dataset (default fortunes): ") + e.what());
  }
  bare.categories = source.categories;
  try {
    check_text_source(bare);
  } catch (const std::exception& e) {
    cfg.fail("env.text.categories", e.what());
  }
  try {
    check_text_source(source);
  } catch (const std::exception& e) {
    cfg.fail("env.text.distractors", e.what());
  }
  if (cfg.get<bool>("env.text.clutter") && source.distractors.empty() && text_source_is_file(source.source))
    cfg.fail("env.text.clutter", "a CSV/JSONL source has no clutter of its own: set env.text.distractors to a CSV/JSONL "
                                 "file of distractor texts (their labels are ignored), or env.text.clutter: false");
}

TaskPlan plan_text_task(const Config& resolved) {
  auto owned = std::make_shared<const Config>(resolved);  // the task reads it for as long as the plan lives
  const Config& cfg = *owned;
  const std::uint64_t seed = static_cast<std::uint64_t>(cfg.get<int>("seed"));
  TextSplits splits = load_text_splits(source_options(cfg), seed);
  auto task = std::make_shared<TextTask>(cfg);
  task->train = std::make_shared<const TextSplit>(std::move(splits.train));
  task->val = std::make_shared<const TextSplit>(std::move(splits.validation));
  task->test = std::make_shared<const TextSplit>(std::move(splits.test));
  task->env = env_options(cfg);

  const std::string env_name = std::string("text-") + (task->env.clutter ? "cluttered-" : "") + std::to_string(task->env.chunks);
  return plan_of(env_name, std::move(owned), task);
}

}  // namespace saccade
