#include "isolation/child_process.h"

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "util/error.h"

namespace phasewise::plugins {
namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// The address space in use now, plus `extra` (AddressSanitizer reserves terabytes of address
// space, so no limit there).
void limitMemory(unsigned long long extra) {
  if (kSanitized) return;
  unsigned long long pages = 0;
  if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%llu", &pages) != 1) pages = 0;
    std::fclose(statm);
  }
  if (pages == 0) return;
  const rlim_t limit = static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) + extra;
  rlimit r{limit, limit};
  setrlimit(RLIMIT_AS, &r);
}

void writeAll(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

// Result framing: one byte of outcome, then the payload or the message.
constexpr char kDone = 'D', kRefused = 'R', kFileRefused = 'F', kOther = 'X';
}  // namespace

std::string runInChild(const std::function<std::string()>& work, std::chrono::milliseconds patience,
                       unsigned long long memory_bytes) {
  int fds[2];
  if (pipe(fds) != 0) return work();
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return work();
  }
  if (pid == 0) {
    close(fds[0]);
    limitMemory(memory_bytes);
    std::string message;
    try {
      message = kDone + work();
    } catch (const core::FormatError& e) {
      // Its parts, so that the parent throws the same type (callers tell file problems apart).
      message = kFileRefused + e.file() + '\0' + std::to_string(e.line()) + '\0' + e.field() + '\0' + e.problem();
    } catch (const core::Error& e) {
      message = kRefused + std::string(e.what());
    } catch (...) {
      message = std::string(1, kOther);
    }
    writeAll(fds[1], message);
    close(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string received;
  const auto started = std::chrono::steady_clock::now();
  bool timed_out = false;
  char buffer[65536];
  for (;;) {
    const auto left =
        patience - std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    if (left.count() <= 0) {
      timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0) break;
    if (ready == 0) continue;
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // the child closed its end: done (or dead)
    received.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  // The pipe closes before the child has gone (or when it crashed and is still reporting):
  // wait for it within the same time limit.
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, timed_out ? 0 : WNOHANG);
    if (done == pid || done < 0) break;
    if (std::chrono::steady_clock::now() - started > patience) {
      timed_out = true;
      kill(pid, SIGKILL);
      continue;
    }
    usleep(1000);
  }
  if (timed_out) throw ChildFailure("did not finish (a loop in a damaged structure?)");
  if (WIFSIGNALED(status))
    throw ChildFailure("crashed the reading library (signal " + std::to_string(WTERMSIG(status)) + ")");
  if (received.empty()) throw ChildFailure("the reading library stopped without a result");
  if (received[0] == kDone) return received.substr(1);
  if (received[0] == kRefused) throw core::Error(received.substr(1));
  if (received[0] == kFileRefused) {
    std::vector<std::string> parts;
    std::size_t start = 1;
    for (std::size_t end; parts.size() < 3 && (end = received.find('\0', start)) != std::string::npos; start = end + 1)
      parts.push_back(received.substr(start, end - start));
    if (parts.size() == 3)
      throw core::FormatError(parts[0], std::strtoull(parts[1].c_str(), nullptr, 10), parts[2], received.substr(start));
    throw ChildFailure("sent back an unreadable refusal");
  }
  throw ChildFailure("needs more memory than the file can justify");
}

}  // namespace phasewise::plugins
