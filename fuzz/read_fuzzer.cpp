// libFuzzer harness for one reader (PHASEWISE_FUZZ_TARGET picks it): the input bytes become a
// file with the reader's extension and go through the same entry point a user's file does.
// The usual one-line error (core::Error) is the expected outcome for most inputs; anything
// else (a crash, a sanitizer report, another exception, a leak, a time-out, memory beyond
// libFuzzer's limits) is a finding.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "builtin_formats.h"
#include "format_chi/chi_format.h"
#include "format_csv/csv_format.h"
#include "format_hdf5/hdf5_format.h"
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
  return "." + target;
}

using Read = void (*)(const std::filesystem::path&);

template <class Reader>
void through(const std::filesystem::path& path) {
  (void)Reader().read(path);
}

void throughRegistry(const std::filesystem::path& path) {
  static core::FormatRegistry registry;
  static const bool registered = (plugins::registerBuiltinFormats(registry), true);
  (void)registered;
  (void)registry.read(path);
}

Read readerFor(const std::string& target) {
  static const std::map<std::string, Read> readers = {
      {"xy", through<plugins::XyReader>},
      {"csv", through<plugins::CsvReader>},
      {"chi", through<plugins::ChiReader>},
      {"xrdml", through<plugins::XrdmlReader>},
      {"instance", through<plugins::InstanceReader>},
      {"hdf5", through<plugins::Hdf5Reader>},
      {"xylib_raw", through<plugins::XylibReader>},
      {"xylib_text", through<plugins::XylibReader>},
      {"project", [](const std::filesystem::path& p) { (void)plugins::readProject(p); }},
      {"phase_library", [](const std::filesystem::path& p) { (void)plugins::readPhaseLibraryFile(p); }},
      {"npy", [](const std::filesystem::path& p) { (void)core::readNpy(p); }},
      {"cif", [](const std::filesystem::path& p) { (void)core::readCif(p); }},
      {"sticks", [](const std::filesystem::path& p) { (void)core::readStickTable(p); }},
      {"solution", [](const std::filesystem::path& p) { (void)plugins::readSolution(p); }},
      {"registry", throughRegistry},
  };
  const auto it = readers.find(target);
  if (it == readers.end()) __builtin_trap();  // an unknown target is a build mistake
  return it->second;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("phasewise-fuzz-" + kTarget + "-" + std::to_string(::getpid()) + extensionOf(kTarget));
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    static const Read read = readerFor(kTarget);
    read(path);
  } catch (const core::Error&) {
    // The reader said what is wrong with the file: the expected outcome.
  }
  return 0;
}
