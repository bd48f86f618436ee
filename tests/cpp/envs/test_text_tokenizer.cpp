// The tokenizer on hand-written text: case, punctuation, apostrophes, terminal overstriking,
// control characters, UTF-8, and sentence ends.
#define BOOST_TEST_MODULE text_tokenizer
#include <boost/test/unit_test.hpp>

#include "envs/text/tokenizer.hpp"
#include "envs/text/utf8.hpp"

using namespace saccade;
using Tokens = std::vector<std::string>;

BOOST_AUTO_TEST_CASE(words_are_lowercased_and_punctuation_stands_alone) {
  BOOST_TEST(tokenize("Hello, World!") == (Tokens{"hello", ",", "world", "!"}), boost::test_tools::per_element());
  BOOST_TEST(tokenize("R2-D2 costs $3.50 (today).") ==
                 (Tokens{"r2", "-", "d2", "costs", "$", "3", ".", "50", "(", "today", ")", "."}),
             boost::test_tools::per_element());
  BOOST_TEST(tokenize("  a\tb\nc\r\n ") == (Tokens{"a", "b", "c"}), boost::test_tools::per_element());
  BOOST_TEST(tokenize("...").size() == 3u);
  BOOST_TEST(tokenize("").empty());
  BOOST_TEST(tokenize(" \t\n").empty());
}

BOOST_AUTO_TEST_CASE(apostrophes_join_words_only_between_word_characters) {
  BOOST_TEST(tokenize("Don't say 'hello' to the dogs' owner at o'clock: rock'n'roll") ==
                 (Tokens{"don't", "say", "'", "hello", "'", "to", "the", "dogs", "'", "owner", "at", "o'clock", ":",
                         "rock'n'roll"}),
             boost::test_tools::per_element());
  // A typographic apostrophe (U+2019) is the same apostrophe.
  BOOST_TEST(tokenize("don\xE2\x80\x99t") == (Tokens{"don't"}), boost::test_tools::per_element());
  BOOST_TEST(tokenize("'tis") == (Tokens{"'", "tis"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(backspace_overstriking_is_undone) {
  // Bold (X\bX), underline (_\bX), and underline drawn first then backed over.
  BOOST_TEST(tokenize("B\bBo\bol\bld\bd move") == (Tokens{"bold", "move"}), boost::test_tools::per_element());
  BOOST_TEST(tokenize("_\bu_\bn_\bd_\be_\br") == (Tokens{"under"}), boost::test_tools::per_element());
  BOOST_TEST(tokenize("what ____\b\b\b\bdoes exist") == (Tokens{"what", "does", "exist"}), boost::test_tools::per_element());
  BOOST_TEST(tokenize("Ren'\bee") == (Tokens{"renee"}), boost::test_tools::per_element());
  // A backspace erases a whole multi-byte character, and one at the start erases nothing.
  BOOST_TEST(clean_text("caf\xC3\xA9\be") == "cafe");
  BOOST_TEST(clean_text("\bok") == "ok");
}

BOOST_AUTO_TEST_CASE(control_characters_are_dropped) {
  BOOST_TEST(tokenize("beep\a\a\a here\x1b[0m") == (Tokens{"beep", "here", "[", "0m"}), boost::test_tools::per_element());
  BOOST_TEST(clean_text("a\x7f" "b\x01" "c") == "abc");
  BOOST_TEST(clean_text("a\tb\nc") == "a b c");
}

BOOST_AUTO_TEST_CASE(non_ascii_is_kept_as_word_characters) {
  BOOST_TEST(tokenize("Caf\xC3\xA9 na\xC3\xAFve \xE6\x97\xA5\xE6\x9C\xAC") ==
                 (Tokens{"caf\xC3\xA9", "na\xC3\xAFve", "\xE6\x97\xA5\xE6\x9C\xAC"}),
             boost::test_tools::per_element());
  // Only ASCII is lowercased: \xC3\x89 (É) stays.
  BOOST_TEST(tokenize("CAF\xC3\x89") == (Tokens{"caf\xC3\x89"}), boost::test_tools::per_element());
  // Unicode quotes, dashes and the ellipsis are punctuation; a no-break space separates.
  BOOST_TEST(tokenize("\xE2\x80\x9CHi\xE2\x80\x9D a\xE2\x80\x94" "b wait\xE2\x80\xA6 x\xC2\xA0y") ==
                 (Tokens{"\xE2\x80\x9C", "hi", "\xE2\x80\x9D", "a", "\xE2\x80\x94", "b", "wait", "\xE2\x80\xA6", "x", "y"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(sentences_end_at_terminators_with_their_closers) {
  const Tokens t = tokenize("He said \"Stop!\" Then he left. Why?! ok");
  BOOST_TEST(sentence_starts(t) == (std::vector<std::size_t>{0, 6, 10, 13}), boost::test_tools::per_element());
  const auto s = split_sentences(t);
  BOOST_REQUIRE(s.size() == 4u);
  BOOST_TEST(s[0] == (Tokens{"he", "said", "\"", "stop", "!", "\""}), boost::test_tools::per_element());
  BOOST_TEST(s[1] == (Tokens{"then", "he", "left", "."}), boost::test_tools::per_element());
  BOOST_TEST(s[2] == (Tokens{"why", "?", "!"}), boost::test_tools::per_element());
  BOOST_TEST(s[3] == (Tokens{"ok"}), boost::test_tools::per_element());
  BOOST_TEST(split_sentences(tokenize("One. Two.")).size() == 2u);
  BOOST_TEST(split_sentences({}).empty());
}

BOOST_AUTO_TEST_CASE(utf8_validation_finds_the_first_bad_byte) {
  BOOST_TEST(find_invalid_utf8("ok \xC3\xA9 \xF0\x9F\x98\x80") == std::string_view::npos);
  BOOST_TEST(find_invalid_utf8("ab\xFF") == 2u);
  BOOST_TEST(find_invalid_utf8("ab\xC3") == 2u);             // truncated sequence
  BOOST_TEST(find_invalid_utf8("\xC0\xAF") == 0u);           // overlong
  BOOST_TEST(find_invalid_utf8("x\xED\xA0\x80") == 1u);      // surrogate
  try {
    require_utf8("line one\nline \xE9t\xE9", "f.txt");
    BOOST_FAIL("no error");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find("f.txt:2:6:") == 0u, e.what());
    BOOST_TEST(std::string(e.what()).find("0xE9") != std::string::npos, e.what());
  }
}
