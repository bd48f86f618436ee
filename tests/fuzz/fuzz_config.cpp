// The YAML config loader: parse, then resolve against the schema (defaults, types, ranges, includes).
#include <string>

#include "experiments/config/config.hpp"
#include "experiments/config/resolve.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  saccade::fuzz::reads([&] {
    saccade::resolve(saccade::Config::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml"));
  });
  return 0;
}
