#include "envs/dialogue/babi_file.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "core/files.hpp"
#include "envs/text/tokenizer.hpp"

namespace saccade {
namespace {

// bAbI's api_call lists people before price: the slot of its k-th value.
constexpr std::array<std::size_t, kDialogueSlots> kCallSlots = {0, 1, 3, 2};

[[noreturn]] void fail(const std::string& path, std::size_t line, const std::string& what) {
  throw std::runtime_error(path + ":" + std::to_string(line) + ": " + what);
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(" \t\r") - b + 1));
}

// Whitespace-separated and lowercased: api_call lines, whose "api_call" tokenize() would cut at "_".
std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : std::string(s) + " ") {
    if (c == ' ' || c == '\t') {
      if (!w.empty()) out.push_back(std::move(w));
      w.clear();
    } else {
      w += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
  }
  return out;
}

std::string quoted(std::string_view line) {
  return "\"" + std::string(line.substr(0, 60)) + (line.size() > 60 ? "..." : "") + "\"";
}

std::string read_file(const std::string& path) {
  const char* const hint = " (a bAbI dialog file such as dialog-babi-task1-API-calls-trn.txt)";
  if (!path_exists(path)) throw std::runtime_error(path + ": not found" + hint);
  if (is_directory(path)) throw std::runtime_error(path + ": is a directory, expected a file" + hint);
  try {
    return read_text_file(path, "bAbI dialog file");
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

// `api_call c l n p` as a target in our slot order; each value must be its slot's in `kb`.
std::array<std::string, kDialogueSlots> parse_call(const std::vector<std::string>& w, const KnowledgeBase& kb,
                                                   const std::string& path, std::size_t line) {
  if (w.size() != 1 + kDialogueSlots) {
    fail(path, line, "api_call needs 4 values (cuisine location people price), found " + std::to_string(w.size() - 1));
  }
  std::array<std::string, kDialogueSlots> target;
  for (std::size_t k = 0; k < kDialogueSlots; ++k) {
    const std::size_t slot = kCallSlots[k];
    const int found = kb.find(w[1 + k]).first;
    if (found != static_cast<int>(slot)) {
      std::string msg = "api_call value `" + w[1 + k] + "` is not a " + slot_names()[slot] + " value of the knowledge base";
      if (found >= 0) msg += " (it is a " + slot_names()[static_cast<std::size_t>(found)] + ")";
      if (&kb == &restaurant_kb()) msg += "; bAbI's OOV files need a knowledge base that lists their values";
      fail(path, line, msg);
    }
    target[slot] = w[1 + k];
  }
  return target;
}

}  // namespace

std::vector<Dialogue> load_babi_dialogs(const std::string& path, const KnowledgeBase& kb) {
  const std::string raw = read_file(path);
  const std::string_view text = strip_bom(raw);
  std::vector<Dialogue> out;
  Dialogue current;
  bool has_call = false;
  std::size_t count = 0, first_line = 0;  // the dialogue's last line number N, and its first line in the file
  auto finish = [&] {
    if (count == 0) return;
    if (!has_call) fail(path, first_line, "the dialogue that starts here has no api_call");
    out.push_back(std::move(current));
    current = {};
    has_call = false;
    count = 0;
  };

  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (trim(line).empty()) {
      finish();
      continue;
    }
    std::size_t digits = 0;
    while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
    if (digits == 0 || digits == line.size() || line[digits] != ' ') {
      fail(path, line_no, "expected a line number and a space, found " + quoted(line));
    }
    if (digits > 9) fail(path, line_no, "line number " + std::string(line.substr(0, digits)) + " is too large");
    const std::size_t n = std::stoul(std::string(line.substr(0, digits)));
    if (n == 1) {
      finish();  // a count restarting at 1 starts a dialogue even without a blank line before it
      first_line = line_no;
    } else if (n != count + 1) {
      fail(path, line_no, "expected line number " + std::to_string(count + 1) +
                              (count == 0 ? " (a dialogue starts at 1)" : " (the count goes on from the line before)") +
                              ", found " + std::to_string(n));
    }
    count = n;

    const std::string_view rest = line.substr(digits + 1);
    const std::size_t tab = rest.find('\t');
    if (tab == std::string_view::npos) continue;  // a knowledge-base fact
    const std::string user = trim(rest.substr(0, tab)), bot = trim(rest.substr(tab + 1));
    if (user.empty()) fail(path, line_no, "empty user text before the tab");
    if (bot.empty()) fail(path, line_no, "empty bot text after the tab");
    current.turns.push_back({Speaker::user, words(user) == std::vector<std::string>{"<silence>"}
                                                ? std::vector<std::string>{"<silence>"}
                                                : tokenize(user)});
    std::vector<std::string> bot_words = words(bot);
    if (bot_words.front() == "api_call") {
      current.target = parse_call(bot_words, kb, path, line_no);
      has_call = true;
      current.turns.push_back({Speaker::bot, std::move(bot_words)});
    } else {
      current.turns.push_back({Speaker::bot, tokenize(bot)});
    }
  }
  finish();
  if (out.empty()) throw std::runtime_error(path + ": no dialogues in the file");
  return out;
}

}  // namespace saccade
