// The config layer: YAML -> tree with positions -> schema check -> resolved config, and every error
// a user can make names FILE:LINE:COLUMN and the key.
#define BOOST_TEST_MODULE test_config
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "experiments/config/config.hpp"
#include "experiments/config/config_docs.hpp"
#include "experiments/config/resolve.hpp"
#include "experiments/config/schema.hpp"
#include "core/suggest.hpp"

namespace fs = std::filesystem;
using saccade::Config;
using saccade::ConfigError;

namespace {

// A scratch directory removed at the end of the test that made it.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("saccade_test_config_" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path file = path / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }
};

// The message of the ConfigError `f` throws ("" if it does not throw).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& haystack, const std::string& needle) {
  if (haystack.find(needle) != std::string::npos) return true;
  BOOST_TEST_MESSAGE("`" << needle << "` not found in:\n" << haystack);
  return false;
}

std::vector<std::string> problems(const std::string& yaml) { return saccade::check(Config::parse(yaml, "x.yaml")); }

}  // namespace

BOOST_AUTO_TEST_CASE(syntax_error_names_file_line_column_one_based) {
  // yaml-cpp reports the 0-based mark (3, 5): the stray indentation of `lr` on line 4.
  const std::string msg = error_of([] { Config::parse("name: x\ntrain:\n  epochs: 3\n   lr: 0.1\n", "bad.yaml"); });
  BOOST_TEST(contains(msg, "bad.yaml:4:6: YAML syntax error"));

  const std::string flow = error_of([] { Config::parse("name: x\nseed: [1, 2]]\n", "bad.yaml"); });
  BOOST_TEST(contains(flow, "bad.yaml:2:13: YAML syntax error"));
}

BOOST_AUTO_TEST_CASE(syntax_error_in_a_file_names_the_file_as_given) {
  TempDir dir;
  const fs::path file = dir.write("bad.yaml", "seed: 1\nenv: {type: image\n");
  const std::string msg = error_of([&] { Config::load(file); });
  BOOST_TEST(contains(msg, file.string() + ":"));
  BOOST_TEST(contains(msg, "YAML syntax error"));
}

BOOST_AUTO_TEST_CASE(missing_file_is_named) {
  const std::string msg = error_of([] { Config::load("no/such/config.yaml"); });
  BOOST_TEST(contains(msg, "no/such/config.yaml: cannot read config file"));
}

BOOST_AUTO_TEST_CASE(wrong_type_points_at_the_value) {
  const auto p = problems("name: x\nseed: abc\n");
  BOOST_TEST_REQUIRE(p.size() == 1u);
  BOOST_TEST(p[0] == "x.yaml:2:7: seed: expected int >= 0, got \"abc\"");

  const auto q = problems("train:\n  lr: fast\n  epochs: 2.5\neval:\n  policies: all\n");
  BOOST_TEST_REQUIRE(q.size() == 3u);
  BOOST_TEST(contains(q[0], "x.yaml:2:7: train.lr: expected float > 0, got \"fast\""));
  BOOST_TEST(contains(q[1], "x.yaml:3:11: train.epochs: expected int >= 1, got 2.5"));
  BOOST_TEST(contains(q[2], "x.yaml:5:13: eval.policies: expected list of strings, got \"all\""));

  // A quoted number is a string, not an int.
  BOOST_TEST(contains(problems("seed: \"3\"\n").at(0), "seed: expected int >= 0, got \"3\""));
  // A section given a scalar.
  BOOST_TEST(contains(problems("env:\n  clutter: 3\n").at(0), "x.yaml:2:12: env.clutter: expected a section"));
  // A list element of the wrong type names its index.
  BOOST_TEST(contains(problems("eval:\n  policies: [a, [b]]\n").at(0), "eval.policies[1]: expected string"));
}

BOOST_AUTO_TEST_CASE(unknown_key_suggests_the_nearest) {
  const auto p = problems("trian:\n  epochs: 3\ntrain:\n  epoch: 3\n  lr: 0.1\nepochs: 4\nseeed: 1\n");
  BOOST_TEST_REQUIRE(p.size() == 4u);
  BOOST_TEST(p[0] == "x.yaml:1:1: trian: unknown key (did you mean `train`?)");
  BOOST_TEST(p[1] == "x.yaml:4:3: train.epoch: unknown key (did you mean `train.epochs`?)");
  BOOST_TEST(p[2] == "x.yaml:6:1: epochs: unknown key (did you mean `train.epochs`?)");
  BOOST_TEST(p[3] == "x.yaml:7:1: seeed: unknown key (did you mean `seed`?)");
  // Nothing close: no suggestion, still an error.
  BOOST_TEST(problems("zzzzzz: 1\n").at(0) == "x.yaml:1:1: zzzzzz: unknown key");
  // A bad enum value gets a suggestion too.
  BOOST_TEST(contains(problems("env:\n  type: imgae\n").at(0),
                      "env.type: expected one of image, text, dialogue, got \"imgae\" (did you mean `image`?)"));
}

BOOST_AUTO_TEST_CASE(out_of_range) {
  const auto p = problems("seed: -1\ntrain:\n  lr: 0\n  batch_size: 0\n");
  BOOST_TEST_REQUIRE(p.size() == 3u);
  BOOST_TEST(p[0] == "x.yaml:1:7: seed: expected int >= 0, got -1");
  BOOST_TEST(p[1] == "x.yaml:3:7: train.lr: expected float > 0, got 0");
  BOOST_TEST(p[2] == "x.yaml:4:15: train.batch_size: expected int >= 1, got 0");
  BOOST_TEST(contains(problems("seed: 99999999999\n").at(0), "seed: expected int >= 0"));  // does not fit an int
}

BOOST_AUTO_TEST_CASE(resolve_reports_every_problem_at_once) {
  const std::string msg = error_of([] { saccade::resolve(Config::parse("seed: abc\ntrian: {}\n", "x.yaml")); });
  BOOST_TEST(contains(msg, "x.yaml:1:7: seed:"));
  BOOST_TEST(contains(msg, "\nx.yaml:2:1: trian: unknown key"));
}

BOOST_AUTO_TEST_CASE(include_merges_depth_first_and_later_keys_win) {
  TempDir dir;
  dir.write("base/root.yaml", "name: root\nseed: 1\ntrain:\n  epochs: 5\n  lr: 0.01\n");
  dir.write("base/mid.yaml", "defaults: root.yaml\nseed: 2\ntrain:\n  epochs: 7\n");
  dir.write("extra.yaml", "reader:\n  hidden: 32\n");
  const fs::path top = dir.write("sweep.yaml", "include: [base/mid.yaml, extra.yaml]\ntrain.epochs: 9\nname:\n");

  const Config c = Config::load(top);
  BOOST_TEST(!c.has("include"));
  BOOST_TEST(c.get<int>("seed") == 2);             // mid over root
  BOOST_TEST(c.get<int>("train.epochs") == 9);     // the including file over everything, dotted key nests
  BOOST_TEST(c.get<double>("train.lr") == 0.01);   // untouched keys survive the merge
  BOOST_TEST(c.get<int>("reader.hidden") == 32);   // second include
  BOOST_TEST(!c.has("name"));                      // null unsets
  BOOST_TEST(c.origin("seed").str() == (dir.path / "base/mid.yaml").lexically_normal().string() + ":2:7");
  BOOST_TEST(c.origin("train.epochs").str() == top.string() + ":2:15");
  BOOST_TEST(saccade::resolve(c).get<std::string>("name") == "run");  // unset -> default again
}

BOOST_AUTO_TEST_CASE(include_errors) {
  TempDir dir;
  const fs::path missing = dir.write("a.yaml", "seed: 1\ninclude: nope.yaml\n");
  const std::string msg = error_of([&] { Config::load(missing); });
  BOOST_TEST(contains(msg, missing.string() + ":2:10: include: "));
  BOOST_TEST(contains(msg, "nope.yaml: cannot read config file"));

  dir.write("b.yaml", "include: c.yaml\n");
  const fs::path c = dir.write("c.yaml", "include: b.yaml\n");
  BOOST_TEST(contains(error_of([&] { Config::load(c); }), "include cycle: c.yaml -> b.yaml -> c.yaml"));
}

BOOST_AUTO_TEST_CASE(duplicate_key_is_an_error) {
  BOOST_TEST(contains(error_of([] { Config::parse("seed: 1\nseed: 2\n", "x.yaml"); }),
                      "x.yaml:2:1: seed: duplicate key (already set at x.yaml:1:1)"));
  BOOST_TEST(contains(error_of([] { Config::parse("train:\n  lr: 1\ntrain.lr: 2\n", "x.yaml"); }),
                      "x.yaml:3:1: train.lr: duplicate key"));
}

BOOST_AUTO_TEST_CASE(overrides_parse_values_and_record_the_command_line) {
  Config c = Config::parse("train:\n  epochs: 5\nname: x\n", "x.yaml");
  c.apply_override("train.epochs=3");
  c.apply_override("eval.policies=[all, random]");
  c.apply_override("env={type: text, clutter: {pieces: 2}}");
  c.apply_override("name=a: b");   // unquoted text is literal, not a map
  c.apply_override("reader.hidden = 16");
  BOOST_TEST(c.get<int>("train.epochs") == 3);
  BOOST_TEST(c.origin("train.epochs").str() == "command line: train.epochs=3");
  BOOST_TEST((c.get<std::vector<std::string>>("eval.policies") == std::vector<std::string>{"all", "random"}));
  BOOST_TEST(c.get<std::string>("env.type") == "text");
  BOOST_TEST(c.get<int>("env.clutter.pieces") == 2);  // intermediate maps created
  BOOST_TEST(c.get<std::string>("name") == "a: b");
  BOOST_TEST(c.get<int>("reader.hidden") == 16);

  c.apply_override("name=");  // unsets
  BOOST_TEST(!c.has("name"));

  BOOST_TEST(contains(error_of([&] { c.apply_override("epochs"); }), "command line: epochs: expected key.path=value"));
  BOOST_TEST(contains(error_of([&] { c.apply_override("train..lr=1"); }), "command line: train..lr=1: `train..lr`"));
  BOOST_TEST(contains(error_of([&] { c.apply_override("eval.policies=[a,"); }),
                      "command line: eval.policies=[a,: YAML syntax error"));

  // A bad override is reported against the command line.
  c.apply_override("seed=abc");
  BOOST_TEST(saccade::check(c).at(0) == "command line: seed=abc: seed: expected int >= 0, got \"abc\"");
  c.apply_override("train.epoch=3");
  // Problems come in tree order: train (from the file) before seed (added by the override).
  BOOST_TEST(saccade::check(c).at(0) ==
             "command line: train.epoch=3: train.epoch: unknown key (did you mean `train.epochs`?)");
}

BOOST_AUTO_TEST_CASE(defaults_fill_the_resolved_config_in_schema_order) {
  const Config r = saccade::resolve(Config::parse("name: demo\ntrain:\n  lr: 1e-3\n", "x.yaml"));
  BOOST_TEST(r.get<int>("seed") == 0);
  BOOST_TEST(r.get<std::string>("out") == "runs/demo");  // derived from name
  BOOST_TEST(r.get<std::string>("env.type") == "image");
  BOOST_TEST(r.get<double>("train.lr") == 1e-3);
  BOOST_TEST(r.origin("train.lr").str() == "x.yaml:3:7");
  BOOST_TEST(r.origin("train.epochs").str() == "default");
  BOOST_TEST(!r.has("env.dataset"));  // optional, no default
  BOOST_TEST(r.get_or<std::string>("env.dataset", "fashion-mnist") == "fashion-mnist");

  // Every key with a default is present, and keys come out in schema order.
  std::vector<std::string> expected;
  for (const auto& k : saccade::schema())
    if (k.default_value) expected.push_back(k.path);
  std::vector<std::string> got;
  std::istringstream yaml(r.to_yaml());
  std::vector<std::string> stack;
  for (std::string line; std::getline(yaml, line);) {
    const std::size_t indent = line.find_first_not_of(' ') / 2;
    const std::string key = line.substr(indent * 2, line.find(':') - indent * 2);
    stack.resize(indent);
    std::string path;
    for (const auto& s : stack) path += s + ".";
    if (line.back() == ':') stack.push_back(key);
    else got.push_back(path + key);
  }
  BOOST_TEST(got == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(to_yaml_round_trips_and_quotes_strings_that_look_like_other_things) {
  const Config r = saccade::resolve(Config::parse("name: \"123\"\neval:\n  policies: [all, \"yes\", a b]\n", "x.yaml"));
  const std::string text = r.to_yaml();
  BOOST_TEST(contains(text, "name: \"123\"\n"));
  BOOST_TEST(contains(text, "policies: [all, \"yes\", a b]\n"));
  const Config again = saccade::resolve(Config::parse(text, "again.yaml"));
  BOOST_TEST(again.to_yaml() == text);
}

BOOST_AUTO_TEST_CASE(get_converts_and_points_at_bad_values) {
  const Config c = Config::parse("a: 3\nb: x\nc: [1, 2.5]\nd: yes\n", "x.yaml");
  BOOST_TEST(c.get<int>("a") == 3);
  BOOST_TEST(c.get<double>("a") == 3.0);
  BOOST_TEST(c.get<bool>("d"));
  BOOST_TEST((c.get<std::vector<double>>("c") == std::vector<double>{1.0, 2.5}));
  BOOST_TEST(contains(error_of([&] { c.get<int>("b"); }), "x.yaml:2:4: b: expected an integer, got \"x\""));
  BOOST_TEST(contains(error_of([&] { c.get<int>("zz"); }), "zz: not set"));
  BOOST_TEST(contains(error_of([&] { c.fail("a", "must be even"); }), "x.yaml:1:4: a: must be even"));
}

BOOST_AUTO_TEST_CASE(edit_distance_and_suggestions) {
  BOOST_TEST(saccade::edit_distance("trian", "train") == 1u);  // a swap is one edit
  BOOST_TEST(saccade::edit_distance("", "abc") == 3u);
  BOOST_TEST(saccade::edit_distance("kitten", "sitting") == 3u);
  BOOST_TEST((saccade::closest("x", {"out", "seed"}).empty()));
  BOOST_TEST(saccade::did_you_mean({"a", "b", "c"}) == " (did you mean `a`, `b` or `c`?)");
}

BOOST_AUTO_TEST_CASE(schema_is_well_formed) {
  for (const auto& k : saccade::schema()) {
    BOOST_TEST_CONTEXT(k.path) {
      BOOST_TEST(!k.doc.empty());
      BOOST_TEST(saccade::find_key(saccade::schema(), k.path) == &k);  // no duplicates
      BOOST_TEST(!saccade::is_section(saccade::schema(), k.path));     // a key is never also a section
    }
  }
  // Every default satisfies its own key's type and range.
  BOOST_TEST(saccade::check(saccade::resolve(Config())).empty());
}

BOOST_AUTO_TEST_CASE(docs_config_md_matches_the_schema) {
  // tests/cpp/experiments/test_config.cpp -> repo root, so the test works from any directory.
  const fs::path root = fs::path(__FILE__).parent_path().parent_path().parent_path().parent_path();
  std::ifstream in(root / "docs" / "CONFIG.md");
  BOOST_TEST_REQUIRE(in.good(), "docs/CONFIG.md is missing");
  std::stringstream doc;
  doc << in.rdbuf();
  BOOST_TEST(contains(doc.str(), saccade::schema_markdown()),
             "docs/CONFIG.md is out of date: regenerate its table with `build/saccade config-docs`");
}
