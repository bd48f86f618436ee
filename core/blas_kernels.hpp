// Which OpenBLAS kernels run, and making them the ones this CPU is built for.
//
// OpenBLAS (Debian's is a DYNAMIC_ARCH build) picks its kernels from the CPU's id when the library
// loads. Under some hypervisors the id is one it does not know (this project's own 2-core VM, an
// AVX-512 Xeon, is reported as "Prescott"), and it falls back to SSE3 kernels: sgemm then runs at a
// quarter of the speed the CPU has (33 against 138 GFLOP/s at [128,256]x[256,256] here). The
// environment variable OPENBLAS_CORETYPE overrides the choice, but only when it is set before the
// library loads, that is before the process starts.
#pragma once

#include <string>

namespace saccade {

// OpenBLAS's name for the kernels in use: "SkylakeX", "Haswell", "Prescott", ...
std::string blas_kernels();

// The kernels OpenBLAS should use on this CPU when its own choice is weaker than the CPU's features
// allow: "SkylakeX" (AVX-512 F, BW, VL, DQ, CD) or "Haswell" (AVX2 and FMA); "" when the choice can stand.
std::string better_blas_kernels();

// Call first thing in main(). When OpenBLAS fell back to weaker kernels than the CPU can run and the
// user has not set OPENBLAS_CORETYPE, set it to better_blas_kernels() and execute this program again
// with the same arguments (the variable is then set, so this happens at most once). The user's own
// OPENBLAS_CORETYPE always wins, e.g. OPENBLAS_CORETYPE=Prescott to reproduce a run made with the
// generic kernels bit for bit. Returns only when no re-execution was needed or it failed.
void use_best_blas_kernels(char** argv);

}  // namespace saccade
