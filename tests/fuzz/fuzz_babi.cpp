// The bAbI dialog file reader.
#include "envs/dialogue/babi_file.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  saccade::fuzz::reads([&] { saccade::load_babi_dialogs(saccade::fuzz::as_file(data, size, ".txt")); });
  return 0;
}
