// Images from NumPy arrays, a user's own data (docs/data.md): an .npz archive (np.savez or
// np.savez_compressed; source "npz:PATH") or a directory of .npy files (np.save; source "npy:DIR",
// read as DIR/KEY.npy). Keys:
//
//   x_train, y_train, x_test, y_test   required
//   x_val, y_val                       optional, together; without them validation is carved from the
//                                      train arrays as for two IDX files (dataset.hpp)
//
//   x_*  [N, H, W], uint8 (0-255, scaled by 1/255) or float32 already in [0, 1] (checked, NaN refused);
//        one grey channel; every split has the same H and W.
//   y_*  [N] integers (uint8, int32 or int64), as many as x_* has images. The classes are
//        0 .. max(y_train): a label that is negative, or in y_val / y_test above max(y_train), is out of
//        range; so is a max(y_train) of N_train or more (some class would have no training image).
//
// An archive holding any other key is refused (a misspelt x_val would otherwise be ignored). Errors are
// std::runtime_error "load_image_split: PATH: KEY: what" for an archive, ".../DIR/KEY.npy: what" for a
// directory, so a person knows which file and which array to fix.
#pragma once

#include <optional>
#include <string>

#include "envs/image/raw_images.hpp"

namespace saccade {

struct ArrayImages {
  RawImages train, test;
  std::optional<RawImages> validation;  // x_val / y_val when the arrays have them
};

// The path after "npz:" / "npy:": checks that it is not empty and that the archive (the directory and
// its four required .npy files) exists, without reading it. std::invalid_argument for an empty path,
// std::runtime_error for a missing file.
void check_array_images(const std::string& path, bool directory);

ArrayImages read_array_images(const std::string& path, bool directory);

}  // namespace saccade
