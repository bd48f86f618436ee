#include "experiments/tables/choose.hpp"

#include <stdexcept>

#include "agents/confidence_stop.hpp"
#include "core/suggest.hpp"

namespace saccade {

namespace {

struct KindDefaults {
  EnvKind kind;
  const char* name;
  const char* reader;
  const char* policy;
};
constexpr KindDefaults kDefaults[] = {
    {kGlimpses, "image glimpses", "ram", "gaussian"},
    {kPatches, "image patches", "patch", "topk"},
    {kChunks, "text chunks", "chunk", "jump"},
    {kTurns, "dialogue turns", "turn", "topk"},
};

const KindDefaults& defaults(EnvKind kind) {
  for (const auto& d : kDefaults)
    if (d.kind == kind) return d;
  throw std::logic_error("no such env kind");
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The names of a table's rows that fit `kind`.
template <class Row>
std::vector<std::string> fitting(const std::vector<Row>& table, EnvKind kind) {
  std::vector<std::string> out;
  for (const auto& r : table)
    if (r.fits & kind) out.emplace_back(r.name);
  return out;
}

// The row `name` of `table` fits `kind`, else a ConfigError at `path` listing those that do.
template <class Row>
const Row& fitting_row(const Config& cfg, const std::vector<Row>& table, const std::string& path, const std::string& name,
                       EnvKind kind, const char* what, const char* whats) {
  const Row* row = find_row(table, name);  // the schema's enum has already refused unknown names
  if (row && (row->fits & kind)) return *row;
  const auto choices = fitting(table, kind);
  cfg.fail(path, "the " + std::string(what) + " \"" + name + "\" does not fit " + env_kind_name(kind) + " (" + whats + " for " +
                     env_kind_name(kind) + ": " + joined(choices) + ")" + did_you_mean(closest(name, choices)));
}

}  // namespace

std::string env_kind_name(EnvKind kind) { return defaults(kind).name; }

std::string reader_type(const Config& cfg, EnvKind kind) { return cfg.get_or<std::string>("reader.type", defaults(kind).reader); }

std::string policy_type(const Config& cfg, EnvKind kind) { return cfg.get_or<std::string>("policy.type", defaults(kind).policy); }

void check_rows(const Config& cfg, EnvKind kind) {
  fitting_row(cfg, reader_table(), "reader.type", reader_type(cfg, kind), kind, "reader", "readers");
  const LearnedPolicyRow& policy = fitting_row(cfg, learned_policy_table(), "policy.type", policy_type(cfg, kind), kind, "learned policy", "learned policies");
  policy.check(cfg, kind);
  const auto names = cfg.get_or<std::vector<std::string>>("eval.policies", {});
  for (std::size_t i = 0; i < names.size(); ++i) {
    const FixedPolicyRow* fixed = find_row(fixed_policy_table(), names[i]);
    const ReferenceRow* reference = find_row(reference_table(), names[i]);
    if ((fixed && (fixed->fits & kind)) || (reference && (reference->fits & kind))) continue;
    std::vector<std::string> choices = fitting(fixed_policy_table(), kind);
    for (const auto& r : fitting(reference_table(), kind)) choices.push_back(r);
    const ConfigNode* list = cfg.find("eval.policies");
    const Origin at = list && i < list->items.size() ? list->items[i].origin : cfg.origin("eval.policies");
    throw ConfigError(at.str() + ": eval.policies[" + std::to_string(i) + "]: no fixed policy or reference \"" + names[i] +
                      "\" for " + env_kind_name(kind) + " (choices: " + joined(choices) + ")" + did_you_mean(closest(names[i], choices)));
  }
  if (names.empty() && !cfg.get<bool>("eval.adaptive"))
    cfg.fail("eval.adaptive", "nothing to run: eval.adaptive is false and eval.policies is empty");
}

std::unique_ptr<Policy> make_fixed_policy(std::string_view name, const std::string& label, const EnvSpec& spec, std::size_t budget) {
  const FixedPolicyRow* row = find_row(fixed_policy_table(), name);
  if (spec.num_regions == 0 && row && row->glimpse) return std::make_unique<FixedGlimpsePolicy>(label, row->glimpse, budget);
  if (spec.num_regions > 0 && row && row->region && row->stops_when_sure)
    return std::make_unique<ConfidenceStopPolicy>(label, row->region, budget);
  if (spec.num_regions > 0 && row && row->region)
    return std::make_unique<FixedRegionPolicy>(label, row->region, budget);
  throw std::invalid_argument("no fixed policy \"" + std::string(name) + "\" for " + spec.name);
}

}  // namespace saccade
