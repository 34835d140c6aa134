#include "hdf5_integrity.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "util/error.h"

namespace phasewise::plugins::h5 {
namespace {
constexpr const char* kMagic = "PHASEWISE-HDF5-SEAL 1\n";

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

// CRC-32 of the file from `offset` to its end.
std::uint32_t checksumFrom(std::ifstream& in, std::uint64_t offset) {
  in.clear();
  in.seekg(static_cast<std::streamoff>(offset));
  std::vector<char> buffer(1 << 20);
  uLong crc = crc32(0L, Z_NULL, 0);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize got = in.gcount();
    if (got > 0) crc = crc32(crc, reinterpret_cast<const Bytef*>(buffer.data()), static_cast<uInt>(got));
  }
  return static_cast<std::uint32_t>(crc);
}

[[noreturn]] void damaged(const std::filesystem::path& file, const std::string& why) {
  throw core::FormatError(file.string(), 0, "", why);
}

// Runs `read` in a child process. Exit codes: 0 read, 2 refused with a core::Error (the parent
// will refuse it the same way), 3 another exception (memory, most likely).
void readInChild(const std::filesystem::path& file, const std::function<void()>& read,
                 std::chrono::milliseconds patience) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  const pid_t pid = fork();
  if (pid < 0) return;  // no child to spare: read directly, as before
  if (pid == 0) {
    if (!kSanitized) {
      // A damaged file must not take more memory than its content can justify: the address
      // space in use now, plus 512 MB and 8 bytes per byte of the file.
      unsigned long long pages = 0;
      if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(statm, "%llu", &pages) != 1) pages = 0;
        std::fclose(statm);
      }
      if (pages > 0) {
        const rlim_t limit = static_cast<rlim_t>(pages) * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) +
                             (static_cast<rlim_t>(512) << 20) + 8 * static_cast<rlim_t>(ec ? 0 : size);
        rlimit r{limit, limit};
        setrlimit(RLIMIT_AS, &r);
      }
    }
    int code = 0;
    try {
      read();
    } catch (const core::Error&) {
      code = 2;
    } catch (...) {
      code = 3;
    }
    std::fflush(nullptr);
    _exit(code);
  }
  // Generous for a sound file (HDF5 reads hundreds of MB/s), short for a hang.
  const auto limit = patience + std::chrono::seconds(ec ? 0 : size / (20 << 20));
  const auto started = std::chrono::steady_clock::now();
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) return;
    if (std::chrono::steady_clock::now() - started > limit) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      damaged(file, "damaged: the HDF5 library did not finish reading it (a loop in its structure?)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (WIFSIGNALED(status))
    damaged(file, "damaged: reading it crashed the HDF5 library (signal " + std::to_string(WTERMSIG(status)) + ")");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
    damaged(file, "damaged: reading it needs more memory than the file can hold");
  if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 2))
    damaged(file, "damaged: reading it failed inside the HDF5 library");
}
}  // namespace

Handle creationProperties() {
  Handle plist(H5Pcreate(H5P_FILE_CREATE), H5Pclose);
  if (!plist.valid() || H5Pset_userblock(plist.id(), kUserBlockBytes) < 0)
    throw core::Error("HDF5 cannot reserve the file's user block");
  return plist;
}

void sealFile(const std::filesystem::path& file) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  if (!io) throw core::Error("cannot reopen " + file.string() + " to seal it");
  std::ifstream in(file, std::ios::binary);
  const auto size = std::filesystem::file_size(file);
  const std::uint32_t crc = checksumFrom(in, kUserBlockBytes);
  std::string block = std::string(kMagic) + "length " + std::to_string(size) + "\ncrc32 " + std::to_string(crc) + "\n";
  block.resize(kUserBlockBytes, '\0');
  io.seekp(0);
  io.write(block.data(), static_cast<std::streamsize>(block.size()));
  io.flush();
  if (!io) throw core::Error("cannot seal " + file.string());
}

void checkBeforeReading(const std::filesystem::path& file, const std::function<void()>& read,
                        std::chrono::milliseconds patience) {
  std::ifstream in(file, std::ios::binary);
  if (!in) damaged(file, "cannot be opened");
  std::string head(kUserBlockBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  const auto got = static_cast<std::size_t>(in.gcount());
  const std::size_t magic = std::strlen(kMagic);
  if (got == kUserBlockBytes && head.compare(0, magic, kMagic) == 0) {
    unsigned long long length = 0, crc = 0;
    if (std::sscanf(head.c_str() + magic, "length %llu\ncrc32 %llu", &length, &crc) != 2)
      damaged(file, "damaged: its seal (the first 512 bytes) is unreadable");
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec || size != length)
      damaged(file, "damaged: " + std::to_string(ec ? 0 : size) + " bytes where " + std::to_string(length) +
                        " were written (truncated or appended to)");
    if (checksumFrom(in, kUserBlockBytes) != crc) damaged(file, "damaged: checksum mismatch (changed since written)");
    return;  // sealed and intact: libhdf5 reads what Phasewise wrote
  }
  readInChild(file, read, patience);
}

}  // namespace phasewise::plugins::h5
