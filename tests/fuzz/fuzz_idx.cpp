// The IDX reader (MNIST-style image and label files).
#include "envs/image/idx.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  saccade::fuzz::reads([&] { saccade::read_idx(saccade::fuzz::as_file(data, size, ".idx")); });
  return 0;
}
