// CSV and JSONL text sources: well-formed files load (quotes, line breaks, BOM, CRLF, numeric labels,
// duplicates, distractors), and each malformed file gives an error naming the file and the line.
#define BOOST_TEST_MODULE text_files
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>

#include "envs/text/corpus.hpp"
#include "envs/text/labelled_file.hpp"
#include "envs/text/text_split.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::error_of;
using saccade::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// Options for `source` (aggregate initialisation would leave fields unnamed).
TextSourceOptions src(const std::string& source, const std::vector<std::string>& categories = {}) {
  TextSourceOptions o;
  o.source = source;
  o.categories = categories;
  return o;
}

// Loading `source` fails with a message holding every piece of `want`.
void expect_error(const std::string& source, const std::vector<std::string>& want, bool also_check = false) {
  const std::string load = error_of([&] { load_text_corpus(src(source), 0); });
  BOOST_TEST(!load.empty(), source << ": no error");
  for (const auto& w : want) BOOST_TEST(load.find(w) != std::string::npos, "\"" << load << "\" lacks \"" << w << "\"");
  if (also_check) {  // the check before work throws the same
    BOOST_TEST(error_of([&] { check_text_source(source, {}); }) == load);
  }
}

// n texts per label, "text <label> <k>".
std::string csv_rows(const std::vector<std::string>& labels, int n) {
  std::string s = "id,label,text\n";
  for (int k = 0; k < n; ++k) {
    for (const auto& l : labels) s += std::to_string(k) + "," + l + ",text " + l + " " + std::to_string(k) + "\n";
  }
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(csv_fields_follow_rfc_4180) {
  TempDir t("saccade-text");
  const std::string path = t.write("quotes.csv",
                                   "\xEF\xBB\xBF" "Label,ignored,TEXT\r\n"
                                   "pos,x,\"Hello, \"\"world\"\"\nsecond line\"\r\n"
                                   "\r\n"
                                   " neg ,\"y,z\",plain text\n"
                                   "pos,,last\n");
  const auto rows = read_labelled_csv(path);
  BOOST_REQUIRE(rows.size() == 3u);
  BOOST_TEST(rows[0].text == "Hello, \"world\"\nsecond line");
  BOOST_TEST(rows[0].label == "pos");
  BOOST_TEST(rows[0].line == 2u);
  BOOST_TEST(rows[1].text == "plain text");
  BOOST_TEST(rows[1].label == "neg");
  BOOST_TEST(rows[1].line == 5u);
  BOOST_TEST(rows[2].line == 6u);
}

BOOST_AUTO_TEST_CASE(jsonl_reads_text_and_label_and_skips_the_rest) {
  TempDir t("saccade-text");
  const std::string path = t.write("ok.jsonl",
                                   "{\"id\": [1, {\"a\": null}], \"text\": \"caf\\u00e9 \\\"q\\\"\\n\\ud83d\\ude00\", \"label\": 3}\n"
                                   "\n"
                                   "  {\"label\": \"b\", \"text\": \"x\", \"extra\": true}  \r\n");
  const auto rows = read_labelled_jsonl(path);
  BOOST_REQUIRE(rows.size() == 2u);
  BOOST_TEST(rows[0].text == "caf\xC3\xA9 \"q\"\n\xF0\x9F\x98\x80");
  BOOST_TEST(rows[0].label == "3");
  BOOST_TEST(rows[1].label == "b");
  BOOST_TEST(rows[1].line == 3u);
}

BOOST_AUTO_TEST_CASE(a_csv_source_splits_80_10_10_per_label) {
  TempDir t("saccade-text");
  const std::string path = t.write("ok.csv", csv_rows({"10", "2"}, 50));
  const TextCorpus c = load_text_corpus(src("csv:" + path), 0);
  BOOST_TEST(c.classes == (std::vector<std::string>{"2", "10"}), boost::test_tools::per_element());  // numeric order
  BOOST_TEST(c.train.texts.size() == 80u);
  BOOST_TEST(c.validation.texts.size() == 10u);
  BOOST_TEST(c.test.texts.size() == 10u);
  BOOST_TEST(std::count(c.test.labels.begin(), c.test.labels.end(), 0) == 5);
  BOOST_TEST(c.train.distractors.empty());
  // Deterministic per seed; a path ending in .csv needs no prefix.
  BOOST_TEST(load_text_corpus(src(path), 0).test.texts == c.test.texts);
  BOOST_TEST(load_text_corpus(src(path), 1).test.texts != c.test.texts);
  // Items keep file order within a label: "text 2 k" with increasing k.
  int last = -1;
  for (std::size_t i = 0; i < c.train.texts.size(); ++i) {
    if (c.train.labels[i] != 0) continue;
    const int k = std::stoi(c.train.texts[i].substr(7));
    BOOST_TEST(k > last);
    last = k;
  }
  // A class's cut does not depend on the other classes: add one that sorts first.
  const std::string more = t.write("more.csv", csv_rows({"10", "2", "1"}, 50));
  const TextCorpus m = load_text_corpus(src(more), 0);
  BOOST_TEST(m.classes == (std::vector<std::string>{"1", "2", "10"}), boost::test_tools::per_element());
  const auto texts_of = [](const TextCorpusSplit& s, int label) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.texts.size(); ++i) {
      if (s.labels[i] == label) out.push_back(s.texts[i]);
    }
    return out;
  };
  BOOST_TEST(texts_of(m.test, 1) == texts_of(c.test, 0), boost::test_tools::per_element());
  BOOST_TEST(texts_of(m.validation, 2) == texts_of(c.validation, 1), boost::test_tools::per_element());
  // Tokenised: text splits share one vocabulary built on train.
  const TextSplits s = make_text_splits(c, 2);
  BOOST_TEST(s.vocab->id("text") == 2);
  BOOST_TEST(s.train.num_classes == 2u);
}

BOOST_AUTO_TEST_CASE(duplicates_and_distractors) {
  TempDir t("saccade-text");
  // "same" is twice under a (kept once); "clash" under a and b (dropped); "dup d" is also a distractor.
  const std::string path = t.write("dups.csv",
                                   "text,label\nsame,a\nsame  ,a\nclash,b\nclash,a\none,a\ntwo,b\nthree,b\ndup d,a\n");
  const std::string dpath = t.write(
      "d.jsonl", "{\"text\": \"dup d\"}\n{\"text\": \"noise one\"}\n{\"text\": \"clash\"}\n{\"text\": \"noise two\"}\n");
  TextSourceOptions o;
  o.source = path;
  o.distractors = dpath;
  const TextCorpus c = load_text_corpus(o, 0);
  BOOST_TEST(c.class_sizes == (std::vector<std::size_t>{3, 2}), boost::test_tools::per_element());  // a: same one dup d
  BOOST_TEST(c.duplicates == 5u);  // the second "same", both "clash", the distractors "dup d" and "clash"
  std::vector<std::string> all = c.train.distractors;
  all.insert(all.end(), c.validation.distractors.begin(), c.validation.distractors.end());
  all.insert(all.end(), c.test.distractors.begin(), c.test.distractors.end());
  std::sort(all.begin(), all.end());
  BOOST_TEST(all == (std::vector<std::string>{"noise one", "noise two"}), boost::test_tools::per_element());
  o.source = "fortunes";
  BOOST_CHECK_THROW(load_text_corpus(o, 0), std::invalid_argument);  // fortunes bring their own distractors
}

BOOST_AUTO_TEST_CASE(malformed_csv_files_name_the_file_and_line) {
  TempDir t("saccade-text");
  const std::string missing = t.write("missing.csv", "id,text\n1,hello\n");
  expect_error(missing, {missing + ":1:", "id,text", "no `label` column"}, true);
  const std::string empty = t.write("empty.csv", "");
  expect_error(empty, {empty, "empty"});
  BOOST_TEST(error_of([&] { check_text_source(empty, {}); }).find(empty) != std::string::npos);
  const std::string utf8 = t.write("latin1.csv", "text,label\nok,a\ncaf\xE9 au lait,b\n");
  expect_error(utf8, {utf8 + ":3:4:", "invalid UTF-8", "0xE9"});
  const std::string nolabel = t.write("nolabel.csv", "text,label\nhello,a\nworld\nthird,b\n");
  expect_error(nolabel, {nolabel + ":3:", "no label"});
  const std::string blank = t.write("blank.csv", "text,label\nhello,a\nworld,  \n");
  expect_error(blank, {blank + ":3:", "empty label"});
  const std::string quote = t.write("quote.csv", "text,label\nfine,a\n\"never closed,b\nmore,a\n");
  expect_error(quote, {quote + ":3:", "unterminated quoted field"});
  const std::string after = t.write("after.csv", "text,label\n\"a\"b,a\n");
  expect_error(after, {after + ":2:", "after a closing quote"});
  const std::string one = t.write("one.csv", "text,label\nx,a\ny,a\n");
  expect_error(one, {one, "at least 2 classes"});
  expect_error("csv:" + (t.dir / "absent.csv").string(), {(t.dir / "absent.csv").string() + " not found"}, true);
  expect_error("data.txt", {"unknown text source \"data.txt\""}, true);
}

BOOST_AUTO_TEST_CASE(malformed_jsonl_files_name_the_file_and_line) {
  TempDir t("saccade-text");
  const std::string nolabel = t.write("nolabel.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\"}\n");
  expect_error(nolabel, {nolabel + ":2:", "no \"label\" field"});
  const std::string first = t.write("first.jsonl", "{\"txt\": \"a\", \"label\": \"x\"}\n");
  expect_error("jsonl:" + first, {first + ":1:", "no \"text\" field"}, true);
  const std::string empty = t.write("empty.jsonl", "\n  \n");
  expect_error(empty, {empty + ":1:", "empty file"});
  const std::string utf8 = t.write("bad.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"\xC3(\", \"label\": \"y\"}\n");
  expect_error(utf8, {utf8 + ":2:11:", "invalid UTF-8"});
  const std::string open = t.write("open.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b, \"label\": \"y\"}\n");
  expect_error(open, {open + ":2:"});
  const std::string unterminated = t.write("unterminated.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\n");
  expect_error(unterminated, {unterminated + ":2:", "missing closing quote", "cannot span lines"});
  const std::string num = t.write("num.jsonl", "{\"text\": 5, \"label\": \"x\"}\n");
  expect_error(num, {num + ":1:", "\"text\" must be a string"});
  const std::string notobj = t.write("array.jsonl", "[\"text\", \"label\"]\n");
  expect_error(notobj, {notobj + ":1:1:", "expected a JSON object"});
}
