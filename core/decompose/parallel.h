#pragma once
// A minimal parallel-for over an index range on a fixed number of std::threads. Each chunk
// of work runs on one thread; the body gets (begin, end, thread index).

#include <algorithm>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace phasewise::core {

inline void parallelFor(std::size_t count, unsigned threads,
                        const std::function<void(std::size_t, std::size_t, unsigned)>& body) {
  threads = std::max(1U, std::min<unsigned>(threads, static_cast<unsigned>(std::max<std::size_t>(count, 1))));
  if (threads == 1) {
    body(0, count, 0);
    return;
  }
  std::vector<std::thread> pool;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  const std::size_t chunk = (count + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const std::size_t begin = t * chunk, end = std::min(count, begin + chunk);
    if (begin >= end) break;
    pool.emplace_back([&, begin, end, t] {
      try {
        body(begin, end, t);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure) failure = std::current_exception();
      }
    });
  }
  for (std::thread& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace phasewise::core
