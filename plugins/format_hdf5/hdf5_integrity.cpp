#include "hdf5_integrity.h"

#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "isolation/child_process.h"
#include "util/error.h"

namespace phasewise::plugins::h5 {

bool hasHdf5Signature(std::string_view head) {
  constexpr std::string_view kSignature("\x89HDF\r\n\x1a\n", 8);
  return head.substr(0, 8) == kSignature ||
         (head.size() >= kUserBlockBytes + 8 && head.substr(kUserBlockBytes, 8) == kSignature);
}
namespace {
constexpr const char* kMagic = "PHASEWISE-HDF5-SEAL 1\n";

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

// Runs `convert` in a child process (child_process.h) and returns what it returned.
std::string convertInChild(const std::filesystem::path& file, const std::filesystem::path& copy,
                           const Hdf5Source::Convert& convert, std::chrono::milliseconds patience) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  try {
    // Generous for a sound file (HDF5 reads hundreds of MB/s), short for a hang; memory: the
    // address space in use, plus 512 MB and 8 bytes per byte of file.
    return runInChild([&] { return convert(copy); }, patience + std::chrono::seconds(ec ? 0 : size / (20 << 20)),
                      (512ULL << 20) + 8ULL * (ec ? 0 : size));
  } catch (const ChildFailure& failure) {
    damaged(file, std::string("damaged: reading it ") + failure.what());
  }
}

std::filesystem::path temporaryCopyPath() {
  static std::atomic<unsigned> counter{0};
  return std::filesystem::temp_directory_path() /
         ("phasewise-hdf5-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + ".h5");
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

Hdf5Source::Hdf5Source(const std::filesystem::path& file, const Convert& convert, std::chrono::milliseconds patience)
    : file_(file) {
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
  copy_ = temporaryCopyPath();
  note_ = convertInChild(file, copy_, convert, patience);
}

Hdf5Source::~Hdf5Source() {
  if (copy_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(copy_, ec);
}

}  // namespace phasewise::plugins::h5
