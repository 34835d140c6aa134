#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "util/error.h"

namespace phasewise::core {
namespace {
std::atomic<unsigned> counter{0};

void syncPath(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;  // best effort: some file systems refuse to open folders
  ::fsync(fd);
  ::close(fd);
}
}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  const std::filesystem::path folder = target_.has_parent_path() ? target_.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec))
    throw Error("cannot write " + target_.string() + ": folder " + folder.string() + " does not exist");
  temporary_ = folder / ("." + target_.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                         std::to_string(counter++));
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ec;
    std::filesystem::remove(temporary_, ec);
  }
}

void AtomicFile::commit() {
  syncPath(temporary_, O_RDONLY);
  if (std::rename(temporary_.c_str(), target_.c_str()) != 0)
    throw Error("cannot write " + target_.string() + ": " + std::strerror(errno));
  committed_ = true;
  syncPath(target_.has_parent_path() ? target_.parent_path() : ".", O_RDONLY | O_DIRECTORY);
}

}  // namespace phasewise::core
