#include "envs/text/corpus.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "core/random.hpp"
#include "envs/text/fortunes.hpp"
#include "envs/text/labelled_file.hpp"
#include "core/files.hpp"
#include "envs/text/tokenizer.hpp"

namespace saccade {
namespace {

enum class Format { fortunes, csv, jsonl };

struct Source {
  Format format = Format::fortunes;
  std::string path;  // fortunes: the directory
};

Source parse_source(const std::string& source) {
  if (source.empty() || source == "fortunes") return {Format::fortunes, default_fortunes_dir()};
  if (source.starts_with("fortunes:")) return {Format::fortunes, source.substr(9)};
  if (source.starts_with("csv:")) return {Format::csv, source.substr(4)};
  if (source.starts_with("jsonl:")) return {Format::jsonl, source.substr(6)};
  if (source.ends_with(".csv")) return {Format::csv, source};
  if (source.ends_with(".jsonl")) return {Format::jsonl, source};
  throw std::invalid_argument("unknown text source \"" + source +
                              "\"; expected fortunes, fortunes:DIR, csv:PATH, jsonl:PATH, or a path ending in .csv "
                              "or .jsonl");
}

Format file_format(const std::string& path) {
  if (path.ends_with(".csv")) return Format::csv;
  if (path.ends_with(".jsonl")) return Format::jsonl;
  throw std::invalid_argument("text distractors \"" + path + "\": expected a path ending in .csv or .jsonl");
}

void check_file(Format f, const std::string& path, bool need_label) {
  if (f == Format::csv) check_labelled_csv(path, need_label);
  else check_labelled_jsonl(path, need_label);
}

std::vector<LabelledText> read_file(Format f, const std::string& path, bool need_label) {
  return f == Format::csv ? read_labelled_csv(path, need_label) : read_labelled_jsonl(path, need_label);
}

std::vector<std::string> label_set(const std::vector<std::string>& categories) {
  return categories.empty() ? default_fortune_categories() : categories;
}

void require_two_classes(std::size_t n, const std::string& where) {
  if (n < 2) {
    throw std::invalid_argument(where + ": a classification task needs at least 2 classes, got " + std::to_string(n));
  }
}

// Texts before splitting, each in a group: its class, or its distractor category.
struct Pool {
  std::vector<std::string> texts;
  std::vector<int> groups;
  std::vector<std::string> group_names;  // a group's split stream is named after it
};

struct Parts {
  std::vector<std::size_t> train, validation, test;  // indices into a Pool, in split order
};

// Orders one split's members: file order inside a group, groups interleaved in proportion.
void interleave(std::vector<std::size_t>& part, const Pool& pool) {
  std::vector<std::size_t> per_group(pool.group_names.size(), 0), rank(part.size());
  std::sort(part.begin(), part.end());
  for (std::size_t i = 0; i < part.size(); ++i) rank[i] = per_group[pool.groups[part[i]]]++;
  std::vector<std::size_t> order(part.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto key = [&](std::size_t i) {
    return (static_cast<double>(rank[i]) + 0.5) / static_cast<double>(per_group[pool.groups[part[i]]]);
  };
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double ka = key(a), kb = key(b);
    return ka != kb ? ka < kb : pool.groups[part[a]] < pool.groups[part[b]];
  });
  std::vector<std::size_t> out(part.size());
  for (std::size_t i = 0; i < order.size(); ++i) out[i] = part[order[i]];
  part = std::move(out);
}

// Each group is cut by its own stream, named after it: a class's split does not depend on which
// other classes (or categories) there are.
Parts split_pool(const Pool& pool, std::uint64_t seed) {
  const std::size_t groups = pool.group_names.size();
  std::vector<std::vector<std::size_t>> members(groups);
  for (std::size_t i = 0; i < pool.texts.size(); ++i) members[pool.groups[i]].push_back(i);
  const Rng base = Rng::stream(seed, "text-split");
  Parts p;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t n = members[g].size();
    const std::size_t tenth = n < 3 ? 0 : std::max<std::size_t>(1, (n + 5) / 10);
    Rng rng = base.fork(pool.group_names[g]);
    const std::vector<std::size_t> perm = rng.permutation(n);
    for (std::size_t k = 0; k < n; ++k) {
      auto& part = k < tenth ? p.test : k < 2 * tenth ? p.validation : p.train;
      part.push_back(members[g][perm[k]]);
    }
  }
  for (auto* part : {&p.train, &p.validation, &p.test}) interleave(*part, pool);
  return p;
}

// Labels in numeric order when every label is an integer ("2" before "10"), else in byte order.
std::vector<std::string> sorted_labels(std::vector<std::string> labels) {
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  std::vector<long long> values;
  for (const auto& l : labels) {
    long long v = 0;
    const auto r = std::from_chars(l.data(), l.data() + l.size(), v);
    if (r.ec != std::errc() || r.ptr != l.data() + l.size()) return labels;
    values.push_back(v);
  }
  std::vector<std::size_t> idx(labels.size());
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  std::vector<std::string> out;
  for (std::size_t i : idx) out.push_back(labels[i]);
  return out;
}

struct Candidate {
  std::string text;
  int group;
};

// Drops duplicates (see corpus.hpp) and fills `pool` with the kept labelled texts, `dpool` with the
// kept distractors (both come with their group names); returns the number dropped. The first copy
// of a text is kept, so the result follows the order of `labelled` and `distractors`.
std::size_t dedupe(const std::vector<Candidate>& labelled, const std::vector<Candidate>& distractors, Pool& pool,
                   Pool& dpool) {
  std::vector<std::string> keys(labelled.size());
  std::unordered_map<std::string, int> label_of;  // key -> its class, or -1 when under two classes
  for (std::size_t i = 0; i < labelled.size(); ++i) {
    keys[i] = normalize_whitespace(labelled[i].text);
    const auto [it, inserted] = label_of.emplace(keys[i], labelled[i].group);
    if (!inserted && it->second != labelled[i].group) it->second = -1;
  }
  std::size_t dropped = 0;
  std::unordered_set<std::string> seen;
  for (std::size_t i = 0; i < labelled.size(); ++i) {
    if (label_of[keys[i]] < 0 || !seen.insert(keys[i]).second) {
      ++dropped;
      continue;
    }
    pool.texts.push_back(labelled[i].text);
    pool.groups.push_back(labelled[i].group);
  }
  for (const auto& d : distractors) {
    const std::string key = normalize_whitespace(d.text);
    if (label_of.count(key) || !seen.insert(key).second) {
      ++dropped;
      continue;
    }
    dpool.texts.push_back(d.text);
    dpool.groups.push_back(d.group);
  }
  return dropped;
}

TextCorpus assemble(std::string name, std::vector<std::string> classes, const Pool& pool, const Pool& dpool,
                    std::size_t dropped, std::uint64_t seed) {
  TextCorpus c;
  c.name = std::move(name);
  c.classes = std::move(classes);
  c.duplicates = dropped;
  c.class_sizes.assign(c.classes.size(), 0);
  for (int g : pool.groups) ++c.class_sizes[g];
  for (std::size_t k = 0; k < c.classes.size(); ++k) {
    if (c.class_sizes[k] == 0) {
      throw std::runtime_error("text source " + c.name + ": class `" + c.classes[k] + "` has no texts left");
    }
  }
  const Parts p = split_pool(pool, seed);
  const Parts d = split_pool(dpool, seed);
  const auto fill = [&](TextCorpusSplit& s, const std::vector<std::size_t>& rows, const std::vector<std::size_t>& drows) {
    for (std::size_t i : rows) s.texts.push_back(pool.texts[i]), s.labels.push_back(pool.groups[i]);
    for (std::size_t i : drows) s.distractors.push_back(dpool.texts[i]);
  };
  fill(c.train, p.train, d.train);
  fill(c.validation, p.validation, d.validation);
  fill(c.test, p.test, d.test);
  return c;
}

TextCorpus load_fortunes(const std::string& dir, const std::vector<std::string>& categories, std::uint64_t seed) {
  // load_text_corpus has checked the categories (check_text_source).
  const std::vector<std::string> available = fortune_categories(dir);
  std::vector<std::string> classes = label_set(categories);
  std::sort(classes.begin(), classes.end());

  std::vector<Candidate> labelled, distractors;
  Pool pool, dpool;
  pool.group_names = classes;
  for (const auto& cat : available) {
    const auto it = std::lower_bound(classes.begin(), classes.end(), cat);
    const bool is_class = it != classes.end() && *it == cat;
    if (!is_class) dpool.group_names.push_back(cat);
    const int group = is_class ? static_cast<int>(it - classes.begin()) : static_cast<int>(dpool.group_names.size() - 1);
    for (auto& e : read_fortune_file(dir + "/" + cat)) {
      if (clean_text(e.text).find_first_not_of(' ') == std::string::npos) continue;  // nothing to read
      (is_class ? labelled : distractors).push_back({std::move(e.text), group});
    }
  }
  // Labelled texts in class order, so that duplicates keep the first class's copy deterministically.
  std::stable_sort(labelled.begin(), labelled.end(), [](const Candidate& a, const Candidate& b) { return a.group < b.group; });
  const std::size_t dropped = dedupe(labelled, distractors, pool, dpool);
  return assemble("fortunes", std::move(classes), pool, dpool, dropped, seed);
}

TextCorpus load_file(const Source& src, const std::string& distractor_path, std::uint64_t seed) {
  std::vector<LabelledText> rows = read_file(src.format, src.path, true);
  std::vector<std::string> labels;
  for (const auto& r : rows) labels.push_back(r.label);
  std::vector<std::string> classes = sorted_labels(labels);
  require_two_classes(classes.size(), src.path);
  std::map<std::string, int> id;
  for (std::size_t k = 0; k < classes.size(); ++k) id[classes[k]] = static_cast<int>(k);

  std::vector<Candidate> labelled, distractors;
  for (auto& r : rows) labelled.push_back({std::move(r.text), id[r.label]});
  if (!distractor_path.empty()) {
    for (auto& r : read_file(file_format(distractor_path), distractor_path, false)) {
      distractors.push_back({std::move(r.text), 0});
    }
  }
  Pool pool, dpool;
  pool.group_names = classes;
  dpool.group_names = {"distractors"};
  const std::size_t dropped = dedupe(labelled, distractors, pool, dpool);
  return assemble(src.path, std::move(classes), pool, dpool, dropped, seed);
}

}  // namespace

std::string normalize_whitespace(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      space = !out.empty();
    } else {
      if (space) out.push_back(' ');
      space = false;
      out.push_back(c);
    }
  }
  return out;
}

void check_text_source(const std::string& source, const std::vector<std::string>& categories) {
  const Source src = parse_source(source);
  if (src.format == Format::fortunes) {
    const std::vector<std::string> classes = label_set(categories);
    check_fortune_categories(classes, fortune_categories(src.path), src.path);
    require_two_classes(classes.size(), "text source fortunes");
    return;
  }
  if (!categories.empty()) {
    throw std::invalid_argument("text source " + source + ": categories apply to the fortunes source only (a file's "
                                "classes are its labels)");
  }
  check_file(src.format, src.path, true);
}

void check_text_source(const TextSourceOptions& options) {
  check_text_source(options.source, options.categories);
  if (options.distractors.empty()) return;
  if (parse_source(options.source).format == Format::fortunes) {
    throw std::invalid_argument("text source fortunes: its distractors are the other categories; a distractors file "
                                "applies to csv and jsonl sources");
  }
  check_file(file_format(options.distractors), options.distractors, false);
}

bool text_source_is_file(const std::string& source) { return parse_source(source).format != Format::fortunes; }

TextCorpus load_text_corpus(const TextSourceOptions& options, std::uint64_t seed) {
  check_text_source(options);
  const Source src = parse_source(options.source);
  if (src.format == Format::fortunes) return load_fortunes(src.path, options.categories, seed);
  return load_file(src, options.distractors, seed);
}

}  // namespace saccade
