// The dialogue task from a config: its data and its envs, goal-oriented dialogues cut into turns
// (envs/dialogue). Deployed assistants keep a fixed recency window of turns; this asks whether a
// learned choice of turns does better at the same budget. The reader (by default `turn`,
// attention/turn_reader.hpp) and the policies come from the tables (experiments/tables/) through
// experiments/tasks/policy_setup.hpp.
//
//   data       env.dataset generated (default): dialogues from envs/dialogue/generator.hpp, seeded by
//              the run seed, train / validation / test with training values and a test split whose
//              cuisines and locations no training dialogue has (OOV, scored as oov_accuracy);
//              babi:PREFIX: the bAbI dialog files PREFIX-trn.txt, -dev.txt, -tst.txt and, if there,
//              -tst-OOV.txt
#include <filesystem>
#include <memory>

#include "envs/dialogue/babi_file.hpp"
#include "envs/dialogue/dialogue_env.hpp"
#include "envs/dialogue/generator.hpp"
#include "experiments/tasks/policy_setup.hpp"
#include "experiments/tasks/tasks.hpp"

namespace saccade {

namespace {

struct DialogueData {
  std::vector<Dialogue> train, val, test, oov;  // oov may be empty
  KnowledgeBase kb;
};

DialogueGeneratorOptions generator_options(const Config& cfg) {
  DialogueGeneratorOptions g;
  g.min_turns = static_cast<std::size_t>(cfg.get<int>("env.dialogue.min_turns"));
  g.max_turns = static_cast<std::size_t>(cfg.get<int>("env.dialogue.max_turns"));
  g.change_rate = cfg.get<double>("env.dialogue.change_rate");
  g.chit_chat = cfg.get<double>("env.dialogue.chit_chat");
  return g;
}

std::string babi_prefix(const Config& cfg) {
  const std::string d = cfg.get_or<std::string>("env.dataset", "generated");
  return d.starts_with("babi:") ? d.substr(5) : "";
}

// A bAbI dialogue ends with the bot's final api_call, which is the answer: the episode is the turns
// before it (earlier api_calls of task 2 stay, as history the user then refined).
std::vector<Dialogue> babi_episodes(const std::string& path, const KnowledgeBase& kb) {
  std::vector<Dialogue> out = load_babi_dialogs(path, kb);
  for (Dialogue& d : out) {
    auto last = d.turns.end();
    for (auto t = d.turns.begin(); t != d.turns.end(); ++t)
      if (t->speaker == Speaker::bot && !t->tokens.empty() && t->tokens[0] == "api_call") last = t;
    d.turns.erase(last, d.turns.end());
  }
  return out;
}

DialogueData load_dialogues(const Config& cfg) {
  DialogueData d;
  d.kb = restaurant_kb();
  if (const std::string prefix = babi_prefix(cfg); !prefix.empty()) {
    d.train = babi_episodes(prefix + "-trn.txt", d.kb);
    d.val = babi_episodes(prefix + "-dev.txt", d.kb);
    d.test = babi_episodes(prefix + "-tst.txt", d.kb);
    if (std::filesystem::exists(prefix + "-tst-OOV.txt")) d.oov = babi_episodes(prefix + "-tst-OOV.txt", d.kb);
    return d;
  }
  // Each split from its own seed, so a split does not depend on the others' sizes.
  const auto seed = static_cast<std::uint64_t>(cfg.get<int>("seed"));
  const auto split_seed = [&](const char* name) { return Rng::stream(seed, name).next_u64(); };
  DialogueGeneratorOptions g = generator_options(cfg);
  const auto n_train = static_cast<std::size_t>(cfg.get<int>("env.dialogue.train_size"));
  const auto n_eval = static_cast<std::size_t>(cfg.get<int>("env.dialogue.eval_size"));
  d.train = generate_dialogues(n_train, g, split_seed("dialogue-train"));
  d.val = generate_dialogues(n_eval, g, split_seed("dialogue-validation"));
  d.test = generate_dialogues(n_eval, g, split_seed("dialogue-test"));
  g.oov = true;
  d.oov = generate_dialogues(n_eval, g, split_seed("dialogue-test-oov"));
  return d;
}

struct DialogueTask : TaskModels {
  const Config& cfg;
  std::shared_ptr<const DialogueSplit> train{}, val{}, test{}, oov{};
  DialogueEnvOptions env{};

  explicit DialogueTask(const Config& c) : cfg(c) {}

  EnvKind kind() const override { return kTurns; }
  std::size_t regions(Layout) const override { return env.turns; }

  void make_envs(PolicySetup& s, Layout, std::size_t budget) const override {
    DialogueEnvOptions eo = env;
    eo.budget = budget;
    set_split_envs<DialogueEnv>(s, train, val, test, eo);
    if (oov) s.oov_test_env = std::make_unique<DialogueEnv>(oov, eo);
  }

  ModelInputs model_inputs(const EnvSpec& spec) const override {
    ModelInputs in{.spec = spec, .vocab_size = train->vocab->size(), .region_tokens = train->turn_tokens};
    for (const auto& v : train->kb.values) in.slot_values.push_back(v.size());
    return in;
  }
};

}  // namespace

void check_dialogue_task(const Config& cfg) {
  const std::string dataset = cfg.get_or<std::string>("env.dataset", "generated");
  if (dataset != "generated" && !dataset.starts_with("babi:"))
    cfg.fail("env.dataset", "dialogue reads `generated` or babi:PREFIX (the bAbI dialog files PREFIX-trn.txt, -dev.txt, -tst.txt), not \"" +
                                dataset + "\"");
  if (const std::string prefix = babi_prefix(cfg); !prefix.empty()) {
    for (const char* part : {"-trn.txt", "-dev.txt", "-tst.txt"})
      if (!std::filesystem::is_regular_file(prefix + part)) cfg.fail("env.dataset", "no bAbI dialog file " + prefix + part);
  } else {
    const int lo = cfg.get<int>("env.dialogue.min_turns"), hi = cfg.get<int>("env.dialogue.max_turns");
    if (lo > hi) cfg.fail("env.dialogue.min_turns", "is more than env.dialogue.max_turns (" + std::to_string(hi) + ")");
    if (hi > cfg.get<int>("env.dialogue.turns"))
      cfg.fail("env.dialogue.max_turns", "is more than env.dialogue.turns (" + std::to_string(cfg.get<int>("env.dialogue.turns")) +
                                             "), the turns the env has room for");
  }
}

TaskPlan plan_dialogue_task(const Config& resolved) {
  auto owned = std::make_shared<const Config>(resolved);  // the task reads it for as long as the plan lives
  const Config& cfg = *owned;
  DialogueData data = load_dialogues(cfg);
  const auto L = static_cast<std::size_t>(cfg.get<int>("env.dialogue.turn_tokens"));
  const auto H = static_cast<std::size_t>(cfg.get<int>("env.dialogue.buckets"));
  const auto vocab = dialogue_vocabulary(data.train, static_cast<std::size_t>(cfg.get<int>("env.dialogue.min_count")));
  const std::string source = babi_prefix(cfg).empty() ? "generated" : babi_prefix(cfg);
  auto encode = [&](const char* split, const std::vector<Dialogue>& d) {
    return std::make_shared<const DialogueSplit>(encode_dialogues(source + "/" + split, d, vocab, data.kb, L, H));
  };
  auto task = std::make_shared<DialogueTask>(cfg);
  task->train = encode("train", data.train);
  task->val = encode("validation", data.val);
  task->test = encode("test", data.test);
  if (!data.oov.empty()) task->oov = encode("test-oov", data.oov);
  task->env.turns = static_cast<std::size_t>(cfg.get<int>("env.dialogue.turns"));
  task->env.budget = static_cast<std::size_t>(cfg.get<int>("policy.budget"));

  const std::string env_name = "dialogue-" + std::to_string(task->env.turns);
  return plan_of(env_name, std::move(owned), task);
}

}  // namespace saccade
