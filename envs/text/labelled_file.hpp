// Labelled texts from a user's file, one example per row: how IMDB, AG News, SST or any other text
// classification set is read (nothing is downloaded). Two formats:
//
//   CSV    RFC 4180 (core/csv.hpp): a header row naming a `text` and a `label` column (any order,
//          any case, other columns ignored), fields separated by commas, a field in double quotes
//          may hold commas, line breaks and "" for a quote; lines end with LF or CRLF.
//   JSONL  one JSON object per line, {"text": "...", "label": "..."} (label may be a number); other
//          keys are ignored. Blank lines are skipped in both formats.
//
// The file must be UTF-8 (a leading byte order mark is skipped). Errors are std::runtime_error
// "PATH:LINE: what" (PATH:LINE:COLUMN where a byte is at fault): a missing file, an empty file, a
// header without `text` or `label` (naming the header line), a row with no or an empty label or
// text, invalid UTF-8, an unterminated quote (naming the line where it opened), malformed JSON.
#pragma once

#include <string>
#include <vector>

namespace saccade {

struct LabelledText {
  std::string text;
  std::string label;      // as written, surrounding spaces trimmed
  std::size_t line = 0;   // where the row starts in the file (1-based)
};

// need_label false (a file of distractor texts): the label column / key may be missing; labels are
// then read if present but never checked.
std::vector<LabelledText> read_labelled_csv(const std::string& path, bool need_label = true);
std::vector<LabelledText> read_labelled_jsonl(const std::string& path, bool need_label = true);

// What the readers would throw about the file's existence, emptiness and first row (the CSV header,
// the first JSON object), reading only its first line: to fail before any work starts.
void check_labelled_csv(const std::string& path, bool need_label = true);
void check_labelled_jsonl(const std::string& path, bool need_label = true);

}  // namespace saccade
