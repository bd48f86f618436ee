// The bAbI dialog file reader.
#include <exception>

#include "envs/dialogue/babi_file.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    saccade::load_babi_dialogs(saccade::fuzz::as_file(data, size, ".txt"));
  } catch (const std::exception&) {
  }
  return 0;
}
