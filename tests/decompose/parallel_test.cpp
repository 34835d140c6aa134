#include "util/parallel.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>
#include <vector>

namespace phasewise::test {
namespace {
using core::parallelFor;
using core::Schedule;

// Every index is visited exactly once, whatever the count, thread count and schedule
// (including more threads than indices, and nothing to do).
TEST(ParallelForTest, EveryIndexOnceUnderBothSchedules) {
  for (Schedule schedule : {Schedule::fixed, Schedule::dynamic})
    for (std::size_t count : {0UL, 1UL, 7UL, 31UL, 1000UL})
      for (unsigned threads : {1U, 2U, 3U, 16U}) {
        std::vector<std::atomic<int>> visits(count);
        parallelFor(
            count, threads,
            [&](std::size_t begin, std::size_t end, unsigned) {
              for (std::size_t i = begin; i < end; ++i) ++visits[i];
            },
            schedule);
        for (std::size_t i = 0; i < count; ++i)
          ASSERT_EQ(visits[i].load(), 1) << "index " << i << " of " << count << ", " << threads << " threads";
      }
}

// The fixed schedule gives thread t the t-th contiguous share: per-thread partial sums are
// the same from run to run (what reductions rely on). Never more threads than cores.
TEST(ParallelForTest, FixedScheduleGivesEachThreadOneContiguousShare) {
  const unsigned threads = std::min(3U, std::max(1U, std::thread::hardware_concurrency()));
  std::vector<unsigned> owner(10, 99);
  std::atomic<unsigned> calls{0};
  parallelFor(owner.size(), 3, [&](std::size_t begin, std::size_t end, unsigned t) {
    ++calls;
    for (std::size_t i = begin; i < end; ++i) owner[i] = t;
  });
  EXPECT_EQ(calls.load(), threads);
  const std::size_t share = (owner.size() + threads - 1) / threads;
  for (std::size_t i = 0; i < owner.size(); ++i) EXPECT_EQ(owner[i], i / share) << "index " << i;
}

// A loop inside another's body runs on the calling thread with the same shares, and two
// programs' threads may run loops at once on the shared workers: every index once, no deadlock.
TEST(ParallelForTest, NestedAndConcurrentLoopsVisitEveryIndexOnce) {
  const unsigned threads = std::min(2U, std::max(1U, std::thread::hardware_concurrency()));
  std::vector<std::atomic<int>> visits(40 * 50);
  parallelFor(40, 2, [&](std::size_t begin, std::size_t end, unsigned) {
    for (std::size_t outer = begin; outer < end; ++outer) {
      std::vector<unsigned> owner(50, 99);
      parallelFor(50, 2, [&](std::size_t b, std::size_t e, unsigned t) {
        for (std::size_t i = b; i < e; ++i) {
          ++visits[outer * 50 + i];
          owner[i] = t;
        }
      });
      const std::size_t share = (50 + threads - 1) / threads;
      for (std::size_t i = 0; i < 50; ++i) ASSERT_EQ(owner[i], i / share);
    }
  });
  for (const auto& v : visits) ASSERT_EQ(v.load(), 1);

  std::vector<std::atomic<int>> first(100000), second(100000);
  const auto run = [](std::vector<std::atomic<int>>& target) {
    for (int round = 0; round < 20; ++round)
      parallelFor(
          target.size(), 2,
          [&](std::size_t begin, std::size_t end, unsigned) {
            for (std::size_t i = begin; i < end; ++i) ++target[i];
          },
          Schedule::dynamic);
  };
  std::thread other([&] { run(second); });
  run(first);
  other.join();
  for (std::size_t i = 0; i < first.size(); ++i) {
    ASSERT_EQ(first[i].load(), 20);
    ASSERT_EQ(second[i].load(), 20);
  }
}

// A child forked while the workers exist (the file readers' isolation does) has none of them:
// its loops run on its own thread instead of waiting for ever on workers that are not there.
TEST(ParallelForTest, AForkedChildRunsItsLoopsItself) {
  std::atomic<int> warm{0};
  parallelFor(100, 2, [&](std::size_t begin, std::size_t end, unsigned) { warm += static_cast<int>(end - begin); });
  ASSERT_EQ(warm.load(), 100);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    alarm(20);  // a deadlock ends the child with SIGALRM, and the test fails instead of hanging
    std::atomic<long> sum{0};
    parallelFor(1000, 2, [&](std::size_t begin, std::size_t end, unsigned) {
      for (std::size_t i = begin; i < end; ++i) sum += static_cast<long>(i);
    });
    _exit(sum.load() == 999L * 1000L / 2 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child did not finish (signal " << WTERMSIG(status) << ")";
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

// A failure in one chunk (e.g. a cancelled run) reaches the caller, and the dynamic schedule
// stops handing out work after it instead of running the rest of the range.
TEST(ParallelForTest, AFailureIsRethrownAndStopsTheDynamicSchedule) {
  for (Schedule schedule : {Schedule::fixed, Schedule::dynamic}) {
    std::atomic<std::size_t> done{0};
    EXPECT_THROW(parallelFor(
                     100000, 2,
                     [&](std::size_t begin, std::size_t end, unsigned) {
                       if (begin == 0) throw std::runtime_error("cancelled");
                       // Slow enough that the other thread's failure is seen long before
                       // the range is through, even on a busy machine.
                       std::this_thread::sleep_for(std::chrono::milliseconds(5));
                       done += end - begin;
                     },
                     schedule),
                 std::runtime_error);
    if (schedule == Schedule::dynamic) EXPECT_LT(done.load(), 100000U);
  }
}

}  // namespace
}  // namespace phasewise::test
