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
#include <atomic>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace phasewise::core {

enum class Schedule { fixed, dynamic };

// The threads a computation uses when `asked` for (0: one per core): never more than the
// machine's cores, since more only adds switching and per-thread buffers (Al-Li-Fe with
// --threads 64 on two cores took 42 s instead of 0.6 s).
inline unsigned workerThreads(unsigned asked) {
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  return asked ? std::min(asked, cores) : cores;
}

inline void parallelFor(std::size_t count, unsigned threads,
                        const std::function<void(std::size_t, std::size_t, unsigned)>& body,
                        Schedule schedule = Schedule::fixed) {
  // Never more threads than indices or cores.
  threads = std::min(workerThreads(std::max(1U, threads)), static_cast<unsigned>(std::max<std::size_t>(count, 1)));
  if (threads == 1) {
    body(0, count, 0);
    return;
  }
  std::vector<std::thread> pool;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::atomic<bool> failed{false};
  // Dynamic: about 16 chunks per thread, fine enough to balance, coarse enough that the shared
  // counter is not contended.
  std::atomic<std::size_t> next{0};
  const std::size_t chunk = std::max<std::size_t>(1, count / (16 * static_cast<std::size_t>(threads)));
  const auto guarded = [&](std::size_t begin, std::size_t end, unsigned t) {
    try {
      body(begin, end, t);
    } catch (...) {
      std::lock_guard<std::mutex> lock(failure_mutex);
      if (!failure) failure = std::current_exception();
      failed = true;
    }
  };
  if (schedule == Schedule::fixed) {
    const std::size_t share = (count + threads - 1) / threads;
    for (unsigned t = 0; t < threads; ++t) {
      const std::size_t begin = t * share, end = std::min(count, begin + share);
      if (begin >= end) break;
      pool.emplace_back([&, begin, end, t] { guarded(begin, end, t); });
    }
  } else {
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (std::size_t begin = next.fetch_add(chunk); begin < count && !failed; begin = next.fetch_add(chunk))
          guarded(begin, std::min(count, begin + chunk), t);
      });
  }
  for (std::thread& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace phasewise::core
