// The Slurm script writer (`saccade sweep --emit slurm`, experiments/sweep/sweep_slurm.cpp) on arbitrary
// values. The input, split at 0x1F bytes: the out dir, the executable's path, then --sbatch values.
// Each value must be refused (ConfigError) exactly when it cannot be written safely (a newline, carriage
// return or NUL anywhere; an --sbatch value that is not KEY[=VALUE]; a backslash in the out dir), and
// otherwise the script must have exactly its lines, each #SBATCH line read by sbatch's tokenizer
// (sbatch_tokens.hpp) as one word holding the value, and the exec line's shell words the values.
// A broken invariant aborts, which `make test` (replay) and `make fuzz` both report.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "experiments/sweep/sweep_slurm.hpp"
#include "sbatch_tokens.hpp"

namespace {

void require(bool ok, const char* what, const std::string& detail) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_slurm_script: %s: [%s]\n", what, detail.c_str());
  std::abort();
}

bool one_line(const std::string& s) { return s.find_first_of(std::string("\n\r\0", 3)) == std::string::npos; }

bool good_directive(const std::string& v) {
  const std::string key = v.substr(0, v.find('='));
  if (key.empty() || key.front() == '-' || !one_line(v)) return false;
  for (unsigned char c : key)
    if (!std::isalnum(c) && c != '-') return false;
  return true;
}

// The words of a shell line made of plain characters, '...' and "..." without $ ` \ inside: what
// shell_quote writes (a stand-in for bash, enough for the exec line).
std::vector<std::string> shell_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ') {
      if (in_word) words.push_back(word);
      word.clear(), in_word = false;
    } else if (c == '\'' || c == '"') {
      const std::size_t end = line.find(c, i + 1);
      require(end != std::string::npos, "unclosed quote on a shell line", line);
      const std::string inside = line.substr(i + 1, end - i - 1);
      require(c == '\'' || inside.find_first_of("$`\\") == std::string::npos, "active \"...\" on a shell line", line);
      word += inside, in_word = true, i = end;
    } else {
      require(std::isalnum(static_cast<unsigned char>(c)) || std::string("_@%+=:,./-").find(c) != std::string::npos,
              "a character a shell reads specially, unquoted", line);
      word += c, in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

void check_sbatch_line(const std::string& line, const std::string& expected) {
  require(line.rfind("#SBATCH ", 0) == 0, "not an #SBATCH line where one belongs", line);
  const auto read = saccade::fuzz::sbatch_words(line.substr(7));
  require(!read.bad && read.words.size() == 1 && read.words[0] == expected, "an #SBATCH line sbatch reads otherwise",
          line + "] expected [" + expected);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> fields(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0x1F)
      fields.emplace_back();
    else
      fields.back().push_back(static_cast<char>(data[i]));
  }
  saccade::SweepOptions o;
  o.out_dir = fields[0];
  o.executable = fields.size() > 1 ? fields[1] : "/usr/bin/saccade";
  o.sweep_file = "/tmp/sweep.yaml";
  saccade::SlurmOptions slurm{.sbatch = {fields.begin() + std::min<std::size_t>(2, fields.size()), fields.end()},
                              .gather_command = "true"};
  saccade::SweepPlan plan;
  plan.runs.resize(4);

  bool writable = one_line(o.out_dir) && one_line(o.executable) && o.out_dir.find('\\') == std::string::npos;
  for (const auto& v : slurm.sbatch) writable = writable && good_directive(v);
  std::string text;
  try {
    text = saccade::slurm_script(plan, o, {0, 2, 3}, slurm);
  } catch (const saccade::ConfigError&) {
    require(!writable, "refused a value that can be written", o.out_dir);
    return 0;
  }
  require(writable, "wrote a value that should be refused", o.out_dir);

  require(!text.empty() && text.back() == '\n', "the script does not end its last line", text);
  std::vector<std::string> lines;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  const bool cpus = std::none_of(slurm.sbatch.begin(), slurm.sbatch.end(), [](auto& v) { return v.rfind("cpus-per-task=", 0) == 0; });
  require(lines.size() == 12 + cpus + slurm.sbatch.size(), "a line too many or too few", text);
  for (std::size_t i = 1; i < 7; ++i) require(lines[i].rfind("# ", 0) == 0, "not a comment where one belongs", lines[i]);
  std::string pattern;
  for (char c : o.out_dir) pattern += c == '%' ? std::string("%%") : std::string(1, c);
  check_sbatch_line(lines[7], "--job-name=saccade-" + std::filesystem::path(o.out_dir).filename().string());
  check_sbatch_line(lines[8], "--array=0,2-3");
  check_sbatch_line(lines[9], "--output=" + pattern + "/slurm-%A_%a.out");
  for (std::size_t i = 0; i < slurm.sbatch.size(); ++i) check_sbatch_line(lines[10 + cpus + i], "--" + slurm.sbatch[i]);
  const std::string exec = lines.back(), tail = " --trial \"${SLURM_ARRAY_TASK_ID:?submit this script with sbatch, or set SLURM_ARRAY_TASK_ID}\"";
  require(exec.size() > tail.size() && exec.substr(exec.size() - tail.size()) == tail, "the exec line's end", exec);
  const auto words = shell_words(exec.substr(0, exec.size() - tail.size()));
  require(words == std::vector<std::string>{"exec", o.executable, "run", "--sweep", o.out_dir}, "the exec line's words", exec);
  return 0;
}
