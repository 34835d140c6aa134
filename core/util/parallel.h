#pragma once
// A minimal parallel-for over an index range on a fixed number of std::threads. The body gets
// (begin, end, thread index) and may be called several times per thread.
//
// Two schedules. `Schedule::fixed` gives each thread one contiguous share: what a thread
// accumulates (per-thread partial sums) is then the same from run to run, so reductions stay
// bit-reproducible. `Schedule::dynamic` hands out small chunks from a shared counter: a thread
// whose core is taken by another program, or whose samples cost more, does less and the others
// take over, instead of the whole loop waiting on it. Use it where each index's result does
// not depend on which thread computed it (per-sample fits, not sums across samples).

#include <algorithm>
#include <cstddef>
#include <functional>
#include <thread>

namespace phasewise::core {

enum class Schedule { fixed, dynamic };

// The threads a computation uses when `asked` for (0: one per core): never more than the
// machine's cores, since more only adds switching and per-thread buffers (Al-Li-Fe with
// --threads 64 on two cores took 42 s instead of 0.6 s).
inline unsigned workerThreads(unsigned asked) {
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  return asked ? std::min(asked, cores) : cores;
}

// Runs body over [0, count) on `threads` threads: the caller and workers of a pool that lives
// as long as the process. Parallel loops run thousands of times per decomposition (several per
// iteration); starting threads for each cost a tenth of a library-guided fit in the kernel.
// Idle workers sleep on a condition variable (no spinning: a core another program holds is
// left to it). A parallelFor inside another's body runs its shares one after the other on the
// calling thread, with the same shares and thread indices, as does a loop in a forked child.
// The first exception a body throws is rethrown here once every share has stopped.
void parallelFor(std::size_t count, unsigned threads,
                 const std::function<void(std::size_t, std::size_t, unsigned)>& body,
                 Schedule schedule = Schedule::fixed);

}  // namespace phasewise::core
