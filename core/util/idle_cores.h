#pragma once
// How many cores are free right now: compute pools sized to the whole machine collapse when
// another process holds a core (LibTorch's OpenMP threads wait on the busy one: training at
// 164 patterns/s with 2 threads against 679/s with 1 on a 2-core machine with one core taken).
// "Automatic" thread counts use this instead of the core count. One sample (100 ms) serves the
// calls of the following two seconds.

namespace phasewise::core {

// Cores not busy with other work, sampled from /proc/stat over `sample_ms` (at least 1, at
// most the hardware concurrency); the hardware concurrency where /proc/stat is unavailable.
[[nodiscard]] unsigned idleCores(int sample_ms = 100);

}  // namespace phasewise::core
