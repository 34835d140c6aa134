#include "util/parallel.h"

#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <vector>

namespace phasewise::core {
namespace {

// True on the pool's own threads and inside a running parallel loop: a nested loop then runs
// inline instead of waiting on workers that may all be waiting on it.
thread_local bool in_parallel_loop = false;

// One parallel loop in flight: its work, how many of its shares are still out, and the first
// failure. Lives on the caller's stack until every share has finished.
struct Loop {
  std::size_t count = 0, chunk = 1;
  unsigned threads = 1;
  Schedule schedule = Schedule::fixed;
  const std::function<void(std::size_t, std::size_t, unsigned)>* body = nullptr;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr failure;
  std::mutex mutex;
  std::condition_variable finished;
  unsigned outstanding = 0;

  void guarded(std::size_t begin, std::size_t end, unsigned t) {
    try {
      (*body)(begin, end, t);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex);
      if (!failure) failure = std::current_exception();
      failed = true;
    }
  }

  // Thread t's share: its contiguous block (fixed) or chunks until the range is through.
  void runShare(unsigned t) {
    if (schedule == Schedule::fixed) {
      const std::size_t share = (count + threads - 1) / threads;
      const std::size_t begin = t * share, end = std::min(count, begin + share);
      if (begin < end) guarded(begin, end, t);
      return;
    }
    for (std::size_t begin = next.fetch_add(chunk); begin < count && !failed; begin = next.fetch_add(chunk))
      guarded(begin, std::min(count, begin + chunk), t);
  }

  void shareDone() {
    std::lock_guard<std::mutex> lock(mutex);
    if (--outstanding == 0) finished.notify_all();
  }
};

class WorkerPool {
 public:
  // Never destroyed: workers asleep at exit are simply ended with the process (joining them
  // from a static destructor would race with loops other static destructors may still run).
  static WorkerPool& instance() {
    static WorkerPool* const pool = new WorkerPool;
    return *pool;
  }

  // False in a child forked from the process that made the pool (the file readers' isolation
  // forks): its workers were not copied, so the child runs its loops on its own thread.
  [[nodiscard]] bool ownedByThisProcess() const { return owner_ == ::getpid(); }

  // Queues shares 1..threads-1 of `loop` for the workers, starting workers up to that many.
  void submit(Loop& loop) {
    std::lock_guard<std::mutex> lock(mutex_);
    while (workers_.size() < loop.threads - 1) workers_.emplace_back([this] { work(); });
    for (unsigned t = 1; t < loop.threads; ++t) queue_.push_back({&loop, t});
    wake_.notify_all();
  }

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

 private:
  WorkerPool() = default;

  struct Share {
    Loop* loop;
    unsigned thread;
  };

  void work() {
    in_parallel_loop = true;
    for (;;) {
      Share share{};
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [this] { return !queue_.empty(); });
        share = queue_.front();
        queue_.pop_front();
      }
      share.loop->runShare(share.thread);
      share.loop->shareDone();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Share> queue_;
  std::vector<std::thread> workers_;
  const pid_t owner_ = ::getpid();
};

}  // namespace

void parallelFor(std::size_t count, unsigned threads,
                 const std::function<void(std::size_t, std::size_t, unsigned)>& body, Schedule schedule) {
  // Never more threads than indices or cores.
  threads = std::min(workerThreads(std::max(1U, threads)), static_cast<unsigned>(std::max<std::size_t>(count, 1)));
  if (threads == 1) {
    body(0, count, 0);
    return;
  }
  Loop loop;
  loop.count = count;
  loop.threads = threads;
  loop.schedule = schedule;
  loop.body = &body;
  // Dynamic: about 16 chunks per thread, fine enough to balance, coarse enough that the shared
  // counter is not contended.
  loop.chunk = std::max<std::size_t>(1, count / (16 * static_cast<std::size_t>(threads)));
  if (in_parallel_loop || !WorkerPool::instance().ownedByThisProcess()) {
    for (unsigned t = 0; t < threads; ++t) loop.runShare(t);
  } else {
    loop.outstanding = threads - 1;
    WorkerPool::instance().submit(loop);
    in_parallel_loop = true;
    loop.runShare(0);
    in_parallel_loop = false;
    std::unique_lock<std::mutex> lock(loop.mutex);
    loop.finished.wait(lock, [&] { return loop.outstanding == 0; });
  }
  if (loop.failure) std::rethrow_exception(loop.failure);
}

}  // namespace phasewise::core
