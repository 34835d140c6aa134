// `phasewise-bench io`: HDF5 write/read throughput, instance-text parse throughput and the
// peak memory of each read, on a generated library (5,000 x 4,000 by default). Each read runs
// in a fresh child process so that its peak resident memory is its own.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "arguments.h"
#include "bench_commands.h"
#include "bench_support.h"
#include "example/synthetic_library.h"
#include "io/registry.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::cli {
namespace {
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct ChildRead {
  double seconds = 0;
  double extra_bytes = 0;  // peak resident memory above the state before reading
};

ChildRead runChild(const std::string& reader_id, const std::filesystem::path& file) {
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  const std::string command = "'" + self + "' io-child " + reader_id + " '" + file.string() + "'";
  bool ok = false;
  const std::string output = runCapturing(command, &ok);
  if (!ok) throw core::Error("benchmark child failed: " + output);
  ChildRead read;
  double before = 0, peak = 0;
  std::istringstream in(output);
  in >> read.seconds >> before >> peak;
  read.extra_bytes = peak - before;
  return read;
}

ChildRead medianOf(int runs, const std::string& reader_id, const std::filesystem::path& file) {
  std::vector<ChildRead> reads;
  for (int i = 0; i < runs; ++i) reads.push_back(runChild(reader_id, file));
  std::sort(reads.begin(), reads.end(), [](const ChildRead& a, const ChildRead& b) { return a.seconds < b.seconds; });
  return reads[reads.size() / 2];
}

std::string mb(double bytes) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << bytes / 1e6 << " MB";
  return s.str();
}
std::string rate(double bytes, double seconds) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(0) << bytes / 1e6 / seconds << " MB/s";
  return s.str();
}
std::string times(double ratio) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << ratio << "x";
  return s.str();
}
}  // namespace

int runBenchIoChild(const CommandContext& context) {
  if (context.words.size() != 2) throw UsageError("io-child READER_ID FILE");
  const core::FormatReader& reader = context.registry.reader(context.words[0]);
  const std::uint64_t before = procStatusBytes("VmRSS");
  const auto start = Clock::now();
  const core::ReadResult result = reader.read(context.words[1]);
  const double seconds = secondsSince(start);
  const std::uint64_t peak = procStatusBytes("VmHWM");
  std::cout << seconds << " " << before << " " << peak << " " << result.library.samples << "\n";
  return 0;
}

int runBenchIo(const CommandContext& context, const Arguments& arguments) {
  core::SyntheticLibrarySpec spec;
  spec.samples = static_cast<std::size_t>(arguments.integer("samples", static_cast<int>(5000), 1, 10000000));
  spec.points = static_cast<std::size_t>(arguments.integer("points", static_cast<int>(4000), 2, 1000000));
  const int runs = std::max(1, static_cast<int>(arguments.integer("runs", static_cast<int>(3), 1, 1000)));
  const std::filesystem::path dir = arguments.value("dir").value_or(
      (std::filesystem::temp_directory_path() / ("phasewise-bench-" + std::to_string(::getpid()))).string());
  std::filesystem::create_directories(dir);
  const std::filesystem::path h5 = dir / "bench.h5";
  const std::filesystem::path text = dir / "bench_inst.txt";

  auto start = Clock::now();
  const core::Library library = core::makeSyntheticLibrary(spec).library;
  const double generate = secondsSince(start);
  const double data_bytes = static_cast<double>(library.intensities.size() * sizeof(float));
  std::cout << "Phasewise I/O benchmark: " << library.samples << " samples x " << library.points()
            << " points, float32 data " << mb(data_bytes) << ", files in " << dir.string() << "\n";
  std::cout << "  generate library        " << std::fixed << std::setprecision(2) << generate << " s\n";

  start = Clock::now();
  context.registry.writer("phasewise-h5").write(library, h5);
  const double h5_write = secondsSince(start);
  std::cout << "  HDF5 write              " << h5_write << " s  " << rate(data_bytes, h5_write) << "  file "
            << mb(static_cast<double>(std::filesystem::file_size(h5))) << "\n";

  start = Clock::now();
  context.registry.writer("instance").write(library, text);
  const double text_write = secondsSince(start);
  const double text_bytes = static_cast<double>(std::filesystem::file_size(text));
  std::cout << "  instance text write     " << text_write << " s  " << rate(text_bytes, text_write) << "  file "
            << mb(text_bytes) << "\n";

  const ChildRead h5_read = medianOf(runs, "phasewise-h5", h5);
  const ChildRead text_read = medianOf(runs, "instance", text);
  const double h5_rate = data_bytes / 1e6 / h5_read.seconds;
  const double text_rate = text_bytes / 1e6 / text_read.seconds;
  std::cout << "  HDF5 read, median of " << runs << "  " << h5_read.seconds << " s  "
            << rate(data_bytes, h5_read.seconds) << " (target >= 500 MB/s: " << (h5_rate >= 500 ? "met" : "MISSED")
            << ")  peak memory " << times(h5_read.extra_bytes / data_bytes)
            << " data (target <= 1.5x: " << (h5_read.extra_bytes <= 1.5 * data_bytes ? "met" : "MISSED") << ")\n";
  std::cout << "  text parse, median of " << runs << " " << text_read.seconds << " s  "
            << rate(text_bytes, text_read.seconds)
            << " of text (target >= 100 MB/s: " << (text_rate >= 100 ? "met" : "MISSED") << ")  peak memory "
            << times(text_read.extra_bytes / data_bytes)
            << " data (target <= 1.5x: " << (text_read.extra_bytes <= 1.5 * data_bytes ? "met" : "MISSED") << ")\n";
  std::cout << "  text vs HDF5 read time  " << times(text_read.seconds / h5_read.seconds) << "\n";
  if (!arguments.flag("keep") && !arguments.value("dir")) std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace phasewise::cli
