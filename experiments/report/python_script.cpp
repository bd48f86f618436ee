#include "experiments/report/python_script.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "experiments/sweep/script_quote.hpp"

namespace saccade {

bool python_available() { return access(kPython, X_OK) == 0; }

int run_embedded_python(const char* script, const std::vector<std::string>& args) {
  std::string command = shell_quote(kPython) + " -";
  for (const std::string& a : args) command += " " + shell_quote(a);
  // If python exits before reading all of the script, writing to the pipe must fail, not kill us.
  struct sigaction ignore {}, previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  int status = -1;
  if (FILE* pipe = popen(command.c_str(), "w")) {
    std::fwrite(script, 1, std::strlen(script), pipe);
    status = pclose(pipe);
  }
  sigaction(SIGPIPE, &previous, nullptr);
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace saccade
