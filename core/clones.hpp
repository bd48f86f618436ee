// One clone of a function per instruction set (AVX-512, AVX2, the x86-64 baseline); the loader's ifunc
// picks the best the CPU has. For the hot loops that g++ -O2 would run one float at a time on the
// portable baseline (core/kernels.hpp says more). Files that use it are compiled at -O3 with
// -ffp-contract=off (CMakeLists.txt), so every clone computes exactly what the plain loop does.
#pragma once

#define SACCADE_CLONES __attribute__((target_clones("arch=skylake-avx512", "arch=haswell", "default")))
