// core/csv.hpp: fields written as pandas writes them read back the same; records carry the line they
// start on; blank lines are skipped; malformed quotes name the source and the line.
#define BOOST_TEST_MODULE csv
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>

#include "core/csv.hpp"

using namespace saccade;

namespace {

// For BOOST_CHECK_EXCEPTION: the error's message starts with `want` (checked here, so that a
// mismatch shows the message).
auto says(std::string want) {
  return [want](const std::runtime_error& e) {
    const std::string what = e.what();
    BOOST_TEST(what.rfind(want, 0) == 0u, "\"" << what << "\" does not start with \"" << want << "\"");
    return true;
  };
}

}  // namespace

BOOST_AUTO_TEST_CASE(fields_are_quoted_only_when_they_must_be) {
  BOOST_TEST(csv_field("plain text") == "plain text");
  BOOST_TEST(csv_field("a,b") == "\"a,b\"");
  BOOST_TEST(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  BOOST_TEST(csv_field("two\nlines") == "\"two\nlines\"");
  BOOST_TEST(csv_line({"x", "", "y,z"}) == "x,,\"y,z\"\n");
}

BOOST_AUTO_TEST_CASE(written_fields_read_back) {
  const std::vector<std::string> a{"id", "a,b", "say \"hi\"", "", "two\r\nlines"}, b{"1", "\"", ",", "x", "end"};
  const auto records = parse_csv_records(csv_line(a) + csv_line(b), "t.csv");
  BOOST_TEST_REQUIRE(records.size() == 2u);
  BOOST_TEST(records[0].fields == a, boost::test_tools::per_element());
  BOOST_TEST(records[1].fields == b, boost::test_tools::per_element());
  BOOST_TEST(records[0].line == 1u);
  BOOST_TEST(records[1].line == 3u);  // the quoted CRLF is a line
}

BOOST_AUTO_TEST_CASE(records_know_their_lines) {
  // CRLF, a lone CR and LF end records; blank and white-space lines are skipped; no final line break.
  const auto r = parse_csv_records("h1,h2\r\n\r\na,b\r  \t\nq\"uote,\"x\ny\"\n,\n\"\"\nlast,", "t.csv");
  BOOST_TEST_REQUIRE(r.size() == 5u);
  BOOST_TEST(r[1].line == 3u);
  BOOST_TEST(r[2].line == 5u);
  BOOST_TEST(r[2].fields == (std::vector<std::string>{"q\"uote", "x\ny"}), boost::test_tools::per_element());
  BOOST_TEST(r[3].line == 7u);
  BOOST_TEST(r[3].fields == (std::vector<std::string>{"", ""}), boost::test_tools::per_element());
  BOOST_TEST(r[4].line == 9u);  // the "" line (8) is blank
  BOOST_TEST(r[4].fields == (std::vector<std::string>{"last", ""}), boost::test_tools::per_element());
  BOOST_TEST(parse_csv_records("", "t.csv").empty());
  BOOST_TEST(parse_csv_records("\n \n", "t.csv").empty());
}

BOOST_AUTO_TEST_CASE(malformed_quotes_name_the_source_and_line) {
  BOOST_CHECK_EXCEPTION(parse_csv_records("a,b\nc,\"open\nd\n", "t.csv"), std::runtime_error,
                        says("t.csv:2: unterminated quoted field: the \" opened on this line is never closed"));
  BOOST_CHECK_EXCEPTION(parse_csv_records("a,b\n\"x\ny\"z,1\n", "t.csv"), std::runtime_error,
                        says("t.csv:3: unexpected text after a closing quote"));
  // The start of a file: a quote still open may close later; the records before it are returned.
  const auto head = parse_csv_records("a,b\r\"text", "t.csv", false);
  BOOST_TEST_REQUIRE(head.size() == 1u);
  BOOST_TEST(head[0].fields == (std::vector<std::string>{"a", "b"}), boost::test_tools::per_element());
}
