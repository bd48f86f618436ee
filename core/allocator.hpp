// Keeping freed memory in the process. glibc's malloc hands blocks of 128 KiB and more back to the
// kernel at every free (munmap, or trimming the top of the heap), and an episode allocates and frees
// such blocks at every step (a batch's previews, contents and activations), so the kernel maps and
// zeroes fresh pages over and over. Measured on a dialogue run (dialogue_turns.yaml, one epoch, the
// `last` policy, this project's 2-core VM): 10.1 s with 4.8 s of system time by default, 1.6 s with
// 0.4 s after this, the same results to the last bit and the same peak memory (175 MB). Both settings
// are needed: either alone left 3.0 s and 10.3 s.
#pragma once

namespace saccade {

// Raises malloc's mmap threshold to 32 MiB (glibc's largest) and its trim threshold to 256 MiB.
// Call once at startup (the command line and the Python module do).
void keep_freed_memory();

}  // namespace saccade
