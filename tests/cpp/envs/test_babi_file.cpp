// bAbI dialog files: a task 1 and a task 2 dialogue load into the expected turns and targets, and each
// malformed file gives an error that names the file and the line.
#define BOOST_TEST_MODULE babi_file
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "envs/dialogue/babi_file.hpp"
#include "test_helpers.hpp"

using namespace saccade;
using saccade::testing::error_of;
using saccade::testing::TempDir;
namespace fs = std::filesystem;
using Tokens = std::vector<std::string>;

namespace {

// Task 1: the user states two slots, the bot asks for the other two, then calls the API.
// Task 2: the user refines a first call (people, then price) and the bot calls again. A CRLF line
// and a knowledge-base fact (tasks 3-5 have them) are tolerated.
const char* const kTwoDialogues =
    "1 hi\thello what can i help you with today\n"
    "2 can you make a restaurant reservation in rome in a expensive price range\ti'm on it\n"
    "3 <SILENCE>\tany preference on a type of cuisine\n"
    "4 with italian food\thow many people would be in your party\n"
    "5 we will be six\tok let me look into some options for you\n"
    "6 <SILENCE>\tapi_call italian rome six expensive\n"
    "\n"
    "1 good morning\thello what can i help you with today\r\n"
    "2 may i have a table with french food for four people in paris in a cheap price range\ti'm on it\n"
    "3 <SILENCE>\tapi_call french paris four cheap\n"
    "4 resto_paris_cheap_french_4stars R_cuisine french\n"
    "5 instead could it be for two people\tsure is there anything else to update\n"
    "6 actually i would prefer in a moderate price range\tsure is there anything else to update\n"
    "7 no\tok let me look into some options for you\n"
    "8 <SILENCE>\tapi_call french paris two moderate\n";

// Loading `content` fails with "PATH:LINE: ..." holding `want`.
void expect_error(const std::string& content, std::size_t line, const std::string& want) {
  TempDir t("saccade-babi");
  const std::string path = t.write("bad.txt", content);
  const std::string msg = error_of([&] { load_babi_dialogs(path); });
  const std::string prefix = path + ":" + std::to_string(line) + ": ";
  BOOST_TEST(msg.rfind(prefix, 0) == 0u, "\"" << msg << "\" does not start with \"" << prefix << "\"");
  BOOST_TEST(msg.find(want) != std::string::npos, "\"" << msg << "\" lacks \"" << want << "\"");
}

const std::string kHello = "1 hi\thello what can i help you with today\n";

}  // namespace

BOOST_AUTO_TEST_CASE(task_1_and_2_dialogues_load_into_turns_and_targets) {
  TempDir t("saccade-babi");
  const auto dialogues = load_babi_dialogs(t.write("dialog-babi-task2-API-refine-trn.txt", kTwoDialogues));
  BOOST_REQUIRE(dialogues.size() == 2u);

  const Dialogue& d1 = dialogues[0];
  BOOST_REQUIRE(d1.turns.size() == 12u);
  for (std::size_t k = 0; k < d1.turns.size(); ++k) {
    BOOST_TEST((d1.turns[k].speaker == (k % 2 == 0 ? Speaker::user : Speaker::bot)));
  }
  BOOST_TEST(d1.turns[0].tokens == Tokens{"hi"});
  BOOST_TEST(d1.turns[3].tokens == (Tokens{"i'm", "on", "it"}));
  BOOST_TEST(d1.turns[4].tokens == Tokens{"<silence>"});
  BOOST_TEST(d1.turns[8].tokens == (Tokens{"we", "will", "be", "six"}));
  BOOST_TEST(d1.turns[11].tokens == (Tokens{"api_call", "italian", "rome", "six", "expensive"}));
  BOOST_TEST((d1.target == std::array<std::string, 4>{"italian", "rome", "expensive", "six"}));  // our slot order

  const Dialogue& d2 = dialogues[1];
  BOOST_REQUIRE(d2.turns.size() == 14u);  // 7 exchanges: the fact is no turn
  BOOST_TEST(d2.turns[1].tokens == (Tokens{"hello", "what", "can", "i", "help", "you", "with", "today"}));
  BOOST_TEST(d2.turns[5].tokens == (Tokens{"api_call", "french", "paris", "four", "cheap"}));  // history
  BOOST_TEST(d2.turns[6].tokens == (Tokens{"instead", "could", "it", "be", "for", "two", "people"}));
  BOOST_TEST((d2.turns[7].speaker == Speaker::bot));
  BOOST_TEST(d2.turns[12].tokens == Tokens{"<silence>"});
  BOOST_TEST((d2.target == std::array<std::string, 4>{"french", "paris", "moderate", "two"}));  // the last call
}

BOOST_AUTO_TEST_CASE(a_knowledge_base_with_the_oov_values_loads_oov_files) {
  TempDir t("saccade-babi");
  const std::string path = t.write("oov.txt", kHello + "2 <SILENCE>\tapi_call ethiopian atlantis six cheap\n");
  BOOST_TEST(error_of([&] { load_babi_dialogs(path); }).find("`atlantis` is not a location") != std::string::npos);
  KnowledgeBase kb = restaurant_kb();
  kb.values[1].push_back("atlantis");
  const auto dialogues = load_babi_dialogs(path, kb);
  BOOST_REQUIRE(dialogues.size() == 1u);
  BOOST_TEST(dialogues[0].target[1] == "atlantis");
}

BOOST_AUTO_TEST_CASE(malformed_files_name_the_file_and_the_line) {
  const std::string call = "2 <SILENCE>\tapi_call italian rome six cheap\n";
  expect_error(kHello + "hi there\tyes\n", 2, "expected a line number");
  expect_error(kHello + "2 a\tb\n4 c\td\n", 3, "expected line number 3");
  expect_error(kHello + call + "\n2 hi\thello\n", 4, "expected line number 1");
  expect_error(kHello + "2 <SILENCE>\tapi_call italian rome six\n", 2, "api_call needs 4 values");
  expect_error(kHello + "2 <SILENCE>\tapi_call italian rome six cheap please\n", 2, "found 5");
  expect_error(kHello + "2 <SILENCE>\tapi_call mexicali rome six cheap\n", 2, "`mexicali` is not a cuisine");
  expect_error(kHello + "2 <SILENCE>\tapi_call italian rome cheap six\n", 2, "`cheap` is not a people value");
  expect_error(kHello + "2 <SILENCE>\tapi_call rome italian six cheap\n", 2, "(it is a location)");
  expect_error(kHello + call + "\n" + kHello + "2 thanks\tyou're welcome\n", 4, "has no api_call");
  expect_error(kHello + call + "3 \tyes\n", 3, "empty user text");

  TempDir t("saccade-babi");
  const std::string missing = (t.dir / "dialog-babi-task9.txt").string();
  const std::string msg = error_of([&] { load_babi_dialogs(missing); });
  BOOST_TEST(msg.rfind(missing + ": not found", 0) == 0u, msg);
  const std::string empty = t.write("empty.txt", "\n\n");
  BOOST_TEST(error_of([&] { load_babi_dialogs(empty); }) == empty + ": no dialogues in the file");
}
