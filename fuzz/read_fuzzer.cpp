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
  return "." + target;
}

void readOne(const std::filesystem::path& path) {
  if (kTarget == "xy")
    (void)plugins::XyReader().read(path);
  else if (kTarget == "csv")
    (void)plugins::CsvReader().read(path);
  else if (kTarget == "chi")
    (void)plugins::ChiReader().read(path);
  else if (kTarget == "xrdml")
    (void)plugins::XrdmlReader().read(path);
  else if (kTarget == "instance")
    (void)plugins::InstanceReader().read(path);
  else if (kTarget == "hdf5")
    (void)plugins::Hdf5Reader().read(path);
  else if (kTarget == "project")
    (void)plugins::readProject(path);
  else if (kTarget == "phase_library")
    (void)plugins::readPhaseLibraryFile(path);
  else if (kTarget == "npy")
    (void)core::readNpy(path);
  else if (kTarget == "cif")
    (void)core::readCif(path);
  else if (kTarget == "sticks")
    (void)core::readStickTable(path);
  else if (kTarget == "solution")
    (void)plugins::readSolution(path);
  else if (kTarget == "registry") {
    static core::FormatRegistry registry;
    static const bool registered = (plugins::registerBuiltinFormats(registry), true);
    (void)registered;
    (void)registry.read(path);
  } else {
    __builtin_trap();  // an unknown target is a build mistake
  }
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
    readOne(path);
  } catch (const core::Error&) {
    // The reader said what is wrong with the file: the expected outcome.
  }
  return 0;
}
