// libFuzzer harness for one reader (PHASEWISE_FUZZ_TARGET picks it): the input bytes become a
// file with the reader's extension and go through the same entry point a user's file does.
// The usual one-line error (core::Error) is the expected outcome for most inputs; anything
// else (a crash, a sanitizer report, another exception, a leak, a time-out, memory beyond
// libFuzzer's limits) is a finding.

#include <sanitizer/allocator_interface.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "builtin_formats.h"
#include "digits/handwritten_digits.h"
#include "format_chi/chi_format.h"
#include "format_csv/csv_format.h"
#include "format_hdf5/hdf5_format.h"
#include "format_hdf5/nexus_format.h"
#include "format_hdf5/phase_library_file.h"
#include "format_hdf5/project_file.h"
#include "format_instance/instance_format.h"
#include "format_instance/solution_format.h"
#include "format_xrdml/xrdml_format.h"
#include "format_xy/xy_format.h"
#include "format_xylib/xylib_format.h"
#include "io/npy.h"
#include "io/registry.h"
#include "simulate/cif_reader.h"
#include "simulate/stick_tables.h"
#include "util/error.h"

namespace {
using namespace phasewise;

const std::string kTarget = PHASEWISE_FUZZ_TARGET;

std::string extensionOf(const std::string& target) {
  if (target == "instance" || target == "solution") return ".txt";
  if (target == "hdf5" || target == "project" || target == "phase_library") return ".h5";
  if (target == "sticks") return ".tsv";
  if (target == "registry") return ".dat";
  if (target == "xylib_raw") return ".raw";
  if (target == "xylib_text") return ".uxd";
  if (target == "digits") return ".csv";
  if (target == "nexus") return ".nxs";
  return "." + target;
}

using Read = void (*)(const std::filesystem::path&);

template <class Reader>
void through(const std::filesystem::path& path) {
  (void)Reader().read(path);
}

const core::FormatRegistry& registry() {
  static core::FormatRegistry* made = [] {
    auto* r = new core::FormatRegistry();
    plugins::registerBuiltinFormats(*r);
    return r;
  }();
  return *made;
}

void throughRegistry(const std::filesystem::path& path) { (void)registry().read(path); }

// The folder reader: the input is the composition table of a folder that holds two fixed,
// valid pattern files (a.xy, b.xy); the table decides what is read and how it is assembled.
void throughFolder(const std::filesystem::path& table) {
  const std::filesystem::path folder = table.parent_path();
  static const bool patterns_written = [&] {
    for (const char* name : {"a.xy", "b.xy"}) {
      std::ofstream out(folder / name);
      out << "# wavelength 1.5406\n10 1\n10.5 3\n11 8\n11.5 2\n12 1\n";
    }
    return true;
  }();
  (void)patterns_written;
  (void)registry().read(folder);
}

Read readerFor(const std::string& target) {
  static const std::map<std::string, Read> readers = {
      {"xy", through<plugins::XyReader>},
      {"csv", through<plugins::CsvReader>},
      {"chi", through<plugins::ChiReader>},
      {"xrdml", through<plugins::XrdmlReader>},
      {"instance", through<plugins::InstanceReader>},
      {"hdf5", through<plugins::Hdf5Reader>},
      {"nexus", through<plugins::NexusReader>},
      {"xylib_raw", through<plugins::XylibReader>},
      {"xylib_text", through<plugins::XylibReader>},
      {"project", [](const std::filesystem::path& p) { (void)plugins::readProject(p); }},
      {"phase_library", [](const std::filesystem::path& p) { (void)plugins::readPhaseLibraryFile(p); }},
      {"npy", [](const std::filesystem::path& p) { (void)core::readNpy(p); }},
      {"cif", [](const std::filesystem::path& p) { (void)core::readCif(p); }},
      {"sticks", [](const std::filesystem::path& p) { (void)core::readStickTable(p); }},
      {"solution", [](const std::filesystem::path& p) { (void)plugins::readSolution(p); }},
      {"registry", throughRegistry},
      {"folder", throughFolder},
      {"digits", [](const std::filesystem::path& p) { (void)core::readOptdigits(p); }},
  };
  const auto it = readers.find(target);
  if (it == readers.end()) __builtin_trap();  // an unknown target is a build mistake
  return it->second;
}

// The memory rule: a reader holds at most 4 x the file's size plus a constant at any moment
// (the constant covers libhdf5's caches and the registry's first use). The sanitizer's
// allocation hooks keep the live heap and its peak while a read runs.
constexpr std::size_t kMemoryConstant = std::size_t{24} << 20;
std::atomic<std::size_t> live_bytes{0}, peak_bytes{0};
std::atomic<bool> counting{false};

void onAllocation(const volatile void*, std::size_t size) {
  if (!counting.load(std::memory_order_relaxed)) return;
  const std::size_t now = live_bytes.fetch_add(size, std::memory_order_relaxed) + size;
  std::size_t peak = peak_bytes.load(std::memory_order_relaxed);
  while (now > peak && !peak_bytes.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}
void onFree(const volatile void* pointer) {
  if (!counting.load(std::memory_order_relaxed) || pointer == nullptr) return;
  // Memory allocated before counting began is not in live_bytes: never go below zero.
  const std::size_t size = __sanitizer_get_allocated_size(const_cast<const void*>(pointer));
  std::size_t now = live_bytes.load(std::memory_order_relaxed);
  while (!live_bytes.compare_exchange_weak(now, now > size ? now - size : 0, std::memory_order_relaxed)) {
  }
}
const bool hooks_installed = __sanitizer_install_malloc_and_free_hooks(onAllocation, onFree) != 0;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path = [] {
    // Memory-backed when there is one: a disk-backed folder costs a quarter of the rate.
    const std::filesystem::path temporary = std::filesystem::is_directory("/dev/shm")
                                                ? std::filesystem::path("/dev/shm")
                                                : std::filesystem::temp_directory_path();
    const std::string stem = "phasewise-fuzz-" + kTarget + "-" + std::to_string(::getpid());
    if (kTarget != "folder") return temporary / (stem + extensionOf(kTarget));
    const std::filesystem::path folder = temporary / stem;
    std::filesystem::create_directories(folder);
    return folder / "composition.csv";
  }();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  static const Read read = readerFor(kTarget);
  live_bytes = 0;
  peak_bytes = 0;
  counting = hooks_installed;
  try {
    read(path);
  } catch (const core::Error&) {
    // The reader said what is wrong with the file: the expected outcome.
  }
  counting = false;
  const std::size_t allowed = 4 * size + kMemoryConstant;
  if (peak_bytes > allowed) {
    std::fprintf(stderr, "==memory rule== the reader held %zu bytes at its peak for a %zu-byte file (allowed %zu)\n",
                 peak_bytes.load(), size, allowed);
    std::abort();  // a finding, with the input kept by libFuzzer
  }
  return 0;
}
