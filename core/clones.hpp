// One clone of a function per instruction set (AVX-512, AVX2, the x86-64 baseline); the loader's ifunc
// picks the best the CPU has, by its feature flags. Not "arch=skylake-avx512" / "arch=haswell": those
// clones are picked by CPU model, so an AMD EPYC with AVX-512 ran the baseline clone, four floats at a
// time (found by perf annotate, bench/RESULTS.md). For the hot loops that g++ -O2 would run one float at a time on the
// portable baseline (core/kernels.hpp says more). Files that use it are compiled at -O3 with
// -ffp-contract=off (CMakeLists.txt), so every clone computes exactly what the plain loop does.
#pragma once

#define SACCADE_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
