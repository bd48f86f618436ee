// The YAML config loader: parse, then resolve against the schema (defaults, types, ranges, includes).
#include <exception>
#include <string>

#include "experiments/config.hpp"
#include "experiments/resolve.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const saccade::Config c = saccade::Config::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml");
    saccade::resolve(c);
  } catch (const std::exception&) {
  }
  return 0;
}
