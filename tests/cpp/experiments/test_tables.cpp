// The tables by name (experiments/tables/) hold together: names are unique, every row's keys are in
// the schema, the config enums are exactly the tables' names, a fixed policy has a rule for every kind
// of env it claims to fit, a reference names rows that exist, and a config's names are checked
// against the rows (a name that does not fit its env is refused, naming the choices).
#define BOOST_TEST_MODULE tables
#include <boost/test/unit_test.hpp>

#include <set>

#include "experiments/config/resolve.hpp"
#include "experiments/config/schema.hpp"
#include "experiments/tables/choose.hpp"

using namespace saccade;

namespace {

template <class Table>
void names_are_unique(const Table& table) {
  const auto names = row_names(table);
  BOOST_TEST(std::set<std::string>(names.begin(), names.end()).size() == names.size());
}

template <class Table>
void keys_are_in_the_schema(const Table& table) {
  for (const auto& row : table)
    for (const KeySpec& k : row.keys) BOOST_TEST(find_key(schema(), k.path) != nullptr, row.name << ": " << k.path);
}

const KeySpec& spec_of(const std::string& path) {
  const KeySpec* k = find_key(schema(), path);
  BOOST_TEST_REQUIRE(k != nullptr, path);
  return *k;
}

// The resolved config of `yaml`, then check_rows for `kind`: the error text, or "" if it passes.
std::string check(const std::string& yaml, EnvKind kind) {
  try {
    check_rows(resolve(Config::parse(yaml, "cfg.yaml")), kind);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_CASE(names_are_unique_and_keys_in_the_schema) {
  names_are_unique(reader_table());
  names_are_unique(learned_policy_table());
  names_are_unique(fixed_policy_table());
  names_are_unique(reference_table());
  names_are_unique(trainer_table());
  keys_are_in_the_schema(reader_table());
  keys_are_in_the_schema(learned_policy_table());
  keys_are_in_the_schema(trainer_table());
  for (const auto& r : reference_table()) BOOST_TEST(!find_row(fixed_policy_table(), r.name), r.name << " is both");
}

BOOST_AUTO_TEST_CASE(config_enums_are_the_tables_names) {
  BOOST_TEST(spec_of("reader.type").choices == row_names(reader_table()), boost::test_tools::per_element());
  BOOST_TEST(spec_of("policy.type").choices == row_names(learned_policy_table()), boost::test_tools::per_element());
  BOOST_TEST(spec_of("train.algorithm").choices == row_names(trainer_table()), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(fixed_policies_have_a_rule_for_every_env_they_fit) {
  for (const auto& row : fixed_policy_table()) {
    BOOST_TEST(row.fits != 0u, row.name);
    if (row.fits & kGlimpses) BOOST_TEST(row.glimpse != nullptr, row.name);
    if (row.fits & kAnyRegions) BOOST_TEST(row.region != nullptr, row.name);
  }
  for (const auto& ref : reference_table()) {
    const FixedPolicyRow* policy = find_row(fixed_policy_table(), ref.policy);
    BOOST_TEST_REQUIRE(policy != nullptr, ref.name);
    BOOST_TEST(policy->region != nullptr, ref.name << " reads discrete regions");
    if (!ref.reader.empty()) BOOST_TEST(find_row(reader_table(), ref.reader) != nullptr, ref.name);
    // A reference on glimpse envs reads the whole input or its previews as one region: its layout
    // must be `whole` or `preview` (the task's glimpse envs have no regions to read all of).
    if (ref.fits & kGlimpses) BOOST_TEST((ref.layout == Layout::whole || ref.layout == Layout::preview), ref.name);
  }
}

BOOST_AUTO_TEST_CASE(every_env_kind_has_a_default_reader_and_policy_that_fit_it) {
  const Config defaults = resolve(Config::parse("name: x\n", "cfg.yaml"));
  for (EnvKind kind : {kGlimpses, kPatches, kChunks, kTurns}) {
    const ReaderRow* reader = find_row(reader_table(), reader_type(defaults, kind));
    const LearnedPolicyRow* policy = find_row(learned_policy_table(), policy_type(defaults, kind));
    BOOST_TEST_REQUIRE(reader != nullptr, env_kind_name(kind));
    BOOST_TEST_REQUIRE(policy != nullptr, env_kind_name(kind));
    BOOST_TEST((reader->fits & kind) != 0u, env_kind_name(kind));
    BOOST_TEST((policy->fits & kind) != 0u, env_kind_name(kind));
  }
}

BOOST_AUTO_TEST_CASE(names_are_checked_against_the_rows_for_the_env) {
  BOOST_TEST(check("eval: {policies: [center, center_out, fc]}\n", kGlimpses) == "");
  BOOST_TEST(check("eval: {policies: [middle, salient, all]}\n", kChunks) == "");
  BOOST_TEST(check("eval: {policies: [last_user, all]}\n", kTurns) == "");
  BOOST_TEST(check("eval: {policies: [slot_recent, preview]}\n", kTurns) == "");
  for (EnvKind kind : {kGlimpses, kPatches, kChunks}) BOOST_TEST(check("eval: {policies: [preview]}\n", kind) == "");
  // slot_recent reads the dialogue previews' slot features: refused elsewhere.
  BOOST_TEST(check("eval: {policies: [slot_recent]}\n", kChunks).find("no fixed policy or reference \"slot_recent\"") !=
             std::string::npos);
  // A fixed policy that exists, on an env it does not fit: refused at its list item.
  const std::string text = check("eval: {policies: [first, center_out]}\n", kChunks);
  BOOST_TEST(text.find("cfg.yaml:1:26: eval.policies[1]: no fixed policy or reference \"center_out\" for text chunks") == 0u, text);
  BOOST_TEST(text.find("middle") != std::string::npos, text);  // the choices are listed
  BOOST_TEST(check("reader: {type: ram}\n", kChunks).find("reader.type: the reader \"ram\" does not fit text chunks") !=
             std::string::npos);
  BOOST_TEST(check("reader: {type: mlp}\n", kPatches).find("does not fit image patches") != std::string::npos);
  BOOST_TEST(check("policy: {type: jump}\n", kPatches).find("learned policies for image patches: topk") != std::string::npos);
  BOOST_TEST(check("policy: {type: jump, max_jump: 2}\n", kTurns).find("policy.max_jump") != std::string::npos);
  BOOST_TEST(check("eval: {adaptive: false}\n", kPatches).find("nothing to run") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(fixed_policies_are_built_from_their_rows) {
  EnvSpec regions, glimpses;
  regions.num_regions = 16;
  BOOST_TEST(make_fixed_policy("middle", "middle", regions, 4)->name() == "middle");
  BOOST_TEST(make_fixed_policy("first", "all", regions, 16)->name() == "all");  // a reference's label
  BOOST_TEST(!make_fixed_policy("grid", "grid", glimpses, 3)->learned());
  BOOST_CHECK_THROW(make_fixed_policy("last_user", "last_user", glimpses, 3), std::invalid_argument);
  BOOST_CHECK_THROW(make_fixed_policy("nope", "nope", regions, 3), std::invalid_argument);
}
