// Images from a user's NumPy archive (env.dataset npz:PATH): the zip container, each .npy header, and
// the checks of keys, dtypes, shapes and labels (envs/image/array_images.hpp).
#include "envs/image/dataset.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  saccade::fuzz::reads([&] { saccade::load_image_splits("npz:" + saccade::fuzz::as_file(data, size, ".npz"), 0); });
  return 0;
}
