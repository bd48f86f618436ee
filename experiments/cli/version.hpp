// saccade's version, shown by `saccade --version` and recorded with results.
#pragma once

namespace saccade {

inline constexpr const char* kVersion = "0.1.0";

}  // namespace saccade
