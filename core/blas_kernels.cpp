#include "core/blas_kernels.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" char* openblas_get_corename(void);

namespace saccade {
namespace {

bool one_of(const std::string& name, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace

std::string blas_kernels() { return openblas_get_corename(); }

std::string better_blas_kernels() {
  const std::string now = blas_kernels();
  // The AVX-512 kernels: SkylakeX, and Cooperlake / SapphireRapids (which add bf16 on top).
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512cd");
  if (avx512) return one_of(now, {"SkylakeX", "Cooperlake", "SapphireRapids"}) ? "" : "SkylakeX";
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2) return one_of(now, {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"}) ? "" : "Haswell";
  return "";
}

void use_best_blas_kernels(char** argv) {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return;
  const std::string better = better_blas_kernels();
  if (better.empty()) return;
  setenv("OPENBLAS_CORETYPE", better.c_str(), 1);
  execv("/proc/self/exe", argv);
  // Still here: the program could not be re-executed. It runs on, with the slower kernels.
  std::fprintf(stderr, "saccade: OpenBLAS uses its %s kernels; set OPENBLAS_CORETYPE=%s for faster ones (%s)\n",
               blas_kernels().c_str(), better.c_str(), std::strerror(errno));
}

}  // namespace saccade
