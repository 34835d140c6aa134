#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
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

void writeAtomically(const std::filesystem::path& target,
                     const std::function<void(const std::filesystem::path& temporary)>& write) {
  AtomicFile file(target);
  const std::string name = target.string();
  try {
    write(file.temporaryPath());
  } catch (const std::exception& e) {
    const std::string what = e.what();
    // Messages that already name the file pass as they are.
    if (what.find(name) != std::string::npos) throw;
    throw Error("cannot write " + name + ": " + what);
  }
  file.commit();
}

void writeStreamAtomically(const std::filesystem::path& target, const std::function<void(std::ostream& out)>& write,
                           bool binary) {
  writeAtomically(target, [&](const std::filesystem::path& temporary) {
    std::ofstream out(temporary, binary ? std::ios::binary | std::ios::out : std::ios::out);
    if (!out) throw Error(std::string("cannot create a file there: ") + std::strerror(errno));
    write(out);
    out.flush();
    if (!out) throw Error("the write failed part-way (is the disk full?)");
    out.close();
    if (out.fail()) throw Error("the write failed part-way (is the disk full?)");
  });
}

}  // namespace phasewise::core
