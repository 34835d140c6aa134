// `phasewise-bench simulate`: stick lists of every structure in a CIF folder, timed
// against pymatgen's XRDCalculator in the same run (when /usr/bin/python3 has pymatgen), and
// the throughput of augmented training profiles on a 4,000-point grid.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "arguments.h"
#include "bench_commands.h"
#include "bench_support.h"
#include "simulate/augment.h"
#include "simulate/cif_reader.h"
#include "simulate/powder_pattern.h"
#include "util/error.h"

namespace phasewise::cli {
namespace {
using Clock = std::chrono::steady_clock;

std::map<std::string, double> runPymatgen(const std::vector<std::filesystem::path>& cifs, int repeats,
                                          std::string& status) {
  std::map<std::string, double> times;
  const std::filesystem::path script = peerScript("pymatgen_sticks.py");
  // One structure's stick list is one thread's work on both sides.
  std::string command = pinnedThreads(1) + "/usr/bin/python3 '" + script.string() + "' " + std::to_string(repeats);
  for (const auto& c : cifs) command += " '" + c.string() + "'";
  command += " 2>/dev/null";
  std::istringstream output(runCapturing(command));
  std::string text;
  while (std::getline(output, text)) {
    std::istringstream line(text);
    std::string tag, path;
    line >> tag;
    if (tag == "UNAVAILABLE") status = "pymatgen is not installed for /usr/bin/python3 (apt install python3-pymatgen)";
    if (tag == "TIME") {
      double seconds = 0;
      line >> path >> seconds;
      times[path] = seconds;
    }
  }
  if (times.empty() && status.empty()) status = "/usr/bin/python3 with pymatgen did not run";
  return times;
}

// Per structure: Phasewise's time and the peer's, their ratio, and the totals.
void printStickTable(const std::vector<std::filesystem::path>& cifs, const std::filesystem::path& dir,
                     std::map<std::string, double>& ours, const std::map<std::string, double>& peer,
                     const std::string& status) {
  std::cout << "Stick lists, Cu K-alpha1, 2-theta 10-90 deg, " << cifs.size() << " structures from " << dir.string()
            << "\n";
  std::cout << std::left << std::setw(34) << "  structure" << std::right << std::setw(14) << "Phasewise ms"
            << std::setw(14) << "pymatgen ms" << std::setw(10) << "ratio"
            << "\n";
  double total_ours = 0, total_peer = 0, worst_ratio = 1e300;
  for (const auto& cif : cifs) {
    const double a = ours[cif.string()] * 1e3;
    std::cout << "  " << std::left << std::setw(32) << cif.stem().string() << std::right << std::fixed
              << std::setprecision(3) << std::setw(14) << a;
    const auto p = peer.find(cif.string());
    if (p != peer.end()) {
      const double b = p->second * 1e3;
      total_ours += a;
      total_peer += b;
      worst_ratio = std::min(worst_ratio, b / a);
      std::cout << std::setw(14) << b << std::setw(9) << std::setprecision(0) << b / a << "x";
    } else {
      std::cout << std::setw(14) << "-";
    }
    std::cout << "\n";
  }
  if (!peer.empty())
    std::cout << "  all structures: Phasewise " << std::setprecision(1) << total_ours << " ms, pymatgen " << total_peer
              << " ms, ratio " << std::setprecision(0) << total_peer / total_ours << "x (slowest ratio " << worst_ratio
              << "x; target >= 20x)\n";
  else
    std::cout << "  pymatgen column skipped: " << status << "\n";
}

// Augmented training profiles per second: the median of three runs.
void benchAugmentation(const core::PhaseLibrary& library, std::size_t per_structure, std::size_t points,
                       unsigned threads) {
  core::Axis grid{{core::AxisKind::TwoTheta, core::AxisUnit::Degree}, {}, 1.540562};
  for (std::size_t i = 0; i < points; ++i)
    grid.values.push_back(10.0 + 80.0 * static_cast<double>(i) / static_cast<double>(points - 1));
  const core::TrainingSetGenerator generator(library, grid, core::Radiation::parse("Cu"), core::AugmentationSettings{});
  const unsigned used = threads ? threads : std::max(1U, std::thread::hardware_concurrency());
  // Median of three runs: one run is a fraction of a second.
  std::vector<double> runs;
  std::size_t count = 0;
  for (int run = 0; run < 3; ++run) {
    const auto start = Clock::now();
    const core::TrainingSet set = generator.generate(per_structure, 7 + run, used);
    runs.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    count = set.count;
  }
  std::sort(runs.begin(), runs.end());
  const double seconds = runs[1];
  std::cout << "Augmented profiles (median of 3 runs): " << count << " (" << per_structure << " per structure) on "
            << points << " points, " << used << " threads: " << std::setprecision(2) << seconds << " s, "
            << std::setprecision(0) << static_cast<double>(count) / seconds << " patterns/s (target >= 20,000)\n";
}
}  // namespace

int runBenchSimulate(const CommandContext&, const Arguments& arguments) {
  const std::filesystem::path dir = arguments.value("cif-dir").value_or("../shared/data/cif");
  const int repeats = static_cast<int>(arguments.integer("repeats", static_cast<int>(20), 1, 100000));
  const auto per_structure =
      static_cast<std::size_t>(arguments.integer("per-structure", static_cast<int>(100), 1, 1000000));
  const auto points = static_cast<std::size_t>(arguments.integer("points", static_cast<int>(4000), 2, 1000000));
  const unsigned threads = static_cast<unsigned>(arguments.integer("threads", static_cast<int>(0), 0, 1024));
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    throw core::Error("no CIF folder at " + dir.string() + " (use --cif-dir)");
  std::vector<std::filesystem::path> cifs;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".cif") cifs.push_back(entry.path());
  std::sort(cifs.begin(), cifs.end());

  core::PowderSettings settings;
  settings.radiation = core::Radiation::monochromatic(1.540562);
  settings.two_theta_min = 10;
  settings.two_theta_max = 90;
  core::PhaseLibrary library;
  std::map<std::string, double> ours;
  for (const auto& cif : cifs) {
    const core::CrystalStructure structure = core::readCif(cif).structure;
    library.phases.push_back(core::phaseFromStructure(structure));
    (void)core::simulateSticks(structure, settings);  // warm up
    const auto start = Clock::now();
    for (int i = 0; i < repeats; ++i) (void)core::simulateSticks(structure, settings);
    ours[cif.string()] = std::chrono::duration<double>(Clock::now() - start).count() / repeats;
  }
  std::string status;
  const std::map<std::string, double> peer = runPymatgen(cifs, std::max(1, repeats / 4), status);

  printStickTable(cifs, dir, ours, peer, status);
  benchAugmentation(library, per_structure, points, threads);
  return 0;
}

}  // namespace phasewise::cli
