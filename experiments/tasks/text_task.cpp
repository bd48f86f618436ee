// The text task from a config: documents cut into chunks (envs/text), the chunk reader (attention/
// chunk_reader.hpp), the learned `adaptive` policy and the fixed reading policies, handed to the
// runner (experiments/run/runner.hpp), in the spirit of LSTM-Jump and skimming readers.
//
//   adaptive   policy.type jump: read, jump ahead or stop, aimed by the chunks' previews and what has
//              been read (agents/jump_reading.hpp); topk: k chunks chosen at once from the previews,
//              or with policy.stop ranked from the previews and read in that order until STOP
//   fixed      first, last, random, spaced, salient (the chunks with the rarest words), all
#include <memory>

#include "agents/fixed_regions.hpp"
#include "attention/chunk_reader.hpp"
#include "core/gemm.hpp"
#include "envs/text/corpus.hpp"
#include "envs/text/text_env.hpp"
#include "envs/text/text_split.hpp"
#include "experiments/config/config.hpp"
#include "experiments/tasks/region_policies.hpp"
#include "experiments/tasks/run_options.hpp"
#include "core/suggest.hpp"
#include "experiments/tasks/tasks.hpp"

namespace saccade {

namespace {

const std::vector<std::string>& text_fixed_policies() {
  static const std::vector<std::string> names = {"first", "last", "random", "spaced", "salient", "all"};
  return names;
}

TextSourceOptions source_options(const Config& cfg) {
  TextSourceOptions s;
  s.source = cfg.get_or<std::string>("env.dataset", "fortunes");
  s.categories = cfg.get_or<std::vector<std::string>>("env.text.categories", {});
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

struct TextTask {
  const Config& cfg;
  std::shared_ptr<const TextSplit> train{}, val{}, test{};
  TextEnvOptions env{};

  PolicySetup setup(const std::string& name) const {
    const std::uint64_t seed = static_cast<std::uint64_t>(cfg.get<int>("seed"));
    PolicySetup s;
    s.name = name;
    s.budget = env.budget;
    TextEnvOptions eo = env;
    if (name == "all") eo.budget = eo.chunks;
    s.train_env = std::make_unique<TextChunkEnv>(train, eo);
    s.val_env = std::make_unique<TextChunkEnv>(val, eo);
    s.test_env = std::make_unique<TextChunkEnv>(test, eo);

    Rng rr = Rng::stream(seed, "reader-init");
    ChunkReaderOptions ro;
    ro.vocab_size = train->vocab_size;
    ro.chunk_tokens = env.chunk_tokens;
    ro.regions = env.chunks;
    ro.dim = static_cast<std::size_t>(cfg.get<int>("reader.hidden"));
    ro.heads = static_cast<std::size_t>(cfg.get<int>("reader.heads"));
    ro.num_classes = train->num_classes;
    s.reader = std::make_unique<ChunkReader>(ro, rr);

    Rng pr = Rng::stream(seed, "policy-init");
    if (name != "adaptive") {
      s.policy = std::make_unique<FixedRegionPolicy>(name, env.chunks, eo.budget);
    } else {
      // A chunk's preview: a bag of one (bucket, weight) pair per token slot.
      s.policy = learned_region_policy(cfg, {.regions = env.chunks, .features = env.preview_size, .bag_slots = env.chunk_tokens,
                                             .summary = ro.dim, .budget = env.budget, .default_type = "jump"}, pr);
    }
    return s;
  }
};

}  // namespace

void check_text_task(const Config& cfg) {
  check_policy_names(cfg, text_fixed_policies(), "text");
  check_reader_type(cfg, "chunk", "text");
  const std::string type = cfg.get_or<std::string>("policy.type", "jump");
  if (type != "jump" && type != "topk")
    cfg.fail("policy.type", "text learns `jump` (read, jump or stop) or `topk` (chunks chosen from previews), not \"" +
                                type + "\"" + did_you_mean(closest(type, {"jump", "topk"})));
  if (cfg.get<int>("env.text.preview_size") == 0 && cfg.get<bool>("eval.adaptive"))
    cfg.fail("env.text.preview_size", "the learned policies read the chunk previews: must be > 0");
  if (cfg.get<std::string>("policy.order") == "any" && cfg.get<int>("policy.max_jump") != 0)
    cfg.fail("policy.max_jump", "limits jumps ahead, and policy.order=any reads any unread chunk: set one of them");
  // The source first (its errors point at env.dataset), then the categories asked of it.
  TextSourceOptions source = source_options(cfg);
  const std::vector<std::string> categories = std::move(source.categories);
  source.categories.clear();
  try {
    check_text_source(source);
  } catch (const std::exception& e) {
    if (cfg.has("env.dataset")) cfg.fail("env.dataset", e.what());
    throw ConfigError(std::string("env.dataset (default fortunes): ") + e.what());
  }
  source.categories = categories;
  try {
    check_text_source(source);
  } catch (const std::exception& e) {
    cfg.fail("env.text.categories", e.what());
  }
}

TaskPlan plan_text_task(const Config& resolved) {
  auto owned = std::make_shared<const Config>(resolved);  // the task reads it for as long as the plan lives
  const Config& cfg = *owned;
  const std::uint64_t seed = static_cast<std::uint64_t>(cfg.get<int>("seed"));
  set_blas_threads(cfg.get<int>("train.threads"));
  TextSplits splits = load_text_splits(source_options(cfg), seed);
  auto task = std::make_shared<TextTask>(TextTask{.cfg = cfg});
  task->train = std::make_shared<const TextSplit>(std::move(splits.train));
  task->val = std::make_shared<const TextSplit>(std::move(splits.validation));
  task->test = std::make_shared<const TextSplit>(std::move(splits.test));
  task->env = env_options(cfg);

  RunOptions o = run_options_from_config(cfg);
  o.env_name = std::string("text-") + (task->env.clutter ? "cluttered-" : "") + std::to_string(task->env.chunks);
  return plan_of(std::move(o), cfg, std::move(owned), task);
}

}  // namespace saccade
