// saccade_bench's main: Google Benchmark's, after making sure OpenBLAS runs the kernels this CPU is
// built for (core/blas_kernels.hpp) and keeping freed memory in the process (core/allocator.hpp), as
// the command line and the Python module do, so the benchmarks time what users run. bench/run.sh
// sets OPENBLAS_CORETYPE itself, for saccade and PyTorch alike, so both sides of a comparison use the
// same BLAS kernels.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>

#include "core/allocator.hpp"
#include "core/blas_kernels.hpp"

int main(int argc, char** argv) {
  saccade::use_best_blas_kernels(argv);
  saccade::keep_freed_memory();
  if (argc == 2 && std::strcmp(argv[1], "--blas-kernels") == 0) {  // for bench/run.sh to hand on to PyTorch
    std::printf("%s\n", saccade::blas_kernels().c_str());
    return 0;
  }
  benchmark::AddCustomContext("blas_kernels", saccade::blas_kernels());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
