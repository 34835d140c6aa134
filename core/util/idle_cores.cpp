#include "util/idle_cores.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

namespace phasewise::core {
namespace {
// Total and idle jiffies of all CPUs (the first line of /proc/stat); false when unreadable.
bool cpuTimes(unsigned long long& total, unsigned long long& idle) {
  std::ifstream stat("/proc/stat");
  std::string line;
  if (!std::getline(stat, line) || line.rfind("cpu ", 0) != 0) return false;
  std::istringstream fields(line.substr(4));
  unsigned long long value = 0;
  total = idle = 0;
  for (int i = 0; fields >> value; ++i) {
    total += value;
    if (i == 3 || i == 4) idle += value;  // idle, iowait
  }
  return total > 0;
}
unsigned sampleIdleCores(unsigned cores, int sample_ms) {
  unsigned long long t0 = 0, i0 = 0, t1 = 0, i1 = 0;
  if (!cpuTimes(t0, i0)) return cores;
  std::this_thread::sleep_for(std::chrono::milliseconds(std::max(1, sample_ms)));
  if (!cpuTimes(t1, i1) || t1 <= t0) return cores;
  const double idle_share = static_cast<double>(i1 - i0) / static_cast<double>(t1 - t0);
  const auto free = static_cast<unsigned>(std::lround(idle_share * cores));
  return std::clamp(free, 1U, cores);
}
}  // namespace

unsigned idleCores(int sample_ms) {
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  if (cores == 1) return 1;
  // One sample serves the calls of the next two seconds (a decomposition sweep asks often).
  static std::mutex mutex;
  static std::chrono::steady_clock::time_point sampled;
  static unsigned last = 0;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto now = std::chrono::steady_clock::now();
  if (last && now - sampled < std::chrono::seconds(2)) return last;
  last = sampleIdleCores(cores, sample_ms);
  sampled = std::chrono::steady_clock::now();
  return last;
}

}  // namespace phasewise::core
