// `phasewise-bench threads`: training throughput on a shared machine. The same small
// training runs quiet with one thread and with the automatic thread count, then again while a
// competing process keeps one core busy (a spinning child), with the automatic count and with
// every core. Target (#13): busy and automatic >= 2/3 of quiet with one thread; a pool sized to
// the whole machine is what collapses (its threads wait on the core it does not get).

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <thread>

#include "arguments.h"
#include "bench_commands.h"
#include "example/synthetic_library.h"
#include "learn/classifier.h"
#include "simulate/example_phases.h"
#include "util/idle_cores.h"

namespace phasewise::cli {
namespace {

// A process that keeps one core busy until it is killed.
class CompetingLoad {
 public:
  CompetingLoad() : child_(fork()) {
    if (child_ == 0) {
      volatile unsigned long spin = 0;
      for (;;) spin = spin + 1;  // NOLINT: the point is to burn a core
    }
    usleep(300000);  // let the scheduler see it
  }
  ~CompetingLoad() {
    if (child_ > 0) {
      kill(child_, SIGKILL);
      waitpid(child_, nullptr, 0);
    }
  }
  CompetingLoad(const CompetingLoad&) = delete;
  CompetingLoad& operator=(const CompetingLoad&) = delete;

 private:
  pid_t child_;
};

double throughput(const core::PhaseLibrary& phases, core::ClassifierSettings settings, unsigned threads) {
  settings.threads = threads;
  core::TrainingReport report;
  (void)core::PhaseClassifier::train(phases, settings, &report);
  return report.patterns_per_second;
}

}  // namespace

int runBenchThreads(const CommandContext&, const Arguments& arguments) {
  const core::SyntheticLibrary example = core::makeSyntheticLibrary(core::SyntheticLibrarySpec{});
  const core::PhaseLibrary phases = core::exampleReferencePhases(example);
  core::ClassifierSettings settings;
  settings.grid.spec = {core::AxisKind::Q, core::AxisUnit::InverseNanometre};
  for (int i = 0; i < 1024; ++i) settings.grid.values.push_back(15.0 + 65.0 * i / 1023.0);
  settings.patterns_per_phase = static_cast<std::size_t>(arguments.integer("per-phase", 150, 10, 100000));
  settings.validation_per_phase = 20;
  settings.epochs = static_cast<int>(arguments.integer("epochs", 3, 1, 100));
  settings.patience = settings.epochs;
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  std::cout << "Training throughput (" << phases.size() << " example phases, " << settings.patterns_per_phase
            << " patterns each, " << settings.epochs << " epochs, 1024 points), " << cores << " cores\n"
            << std::fixed << std::setprecision(0);
  {
    // One-time costs (LibTorch's first kernels, the allocator) would fall on the first row.
    core::ClassifierSettings warm_up = settings;
    warm_up.epochs = 1;
    (void)throughput(phases, warm_up, 1);
  }
  const double quiet_one = throughput(phases, settings, 1);
  std::cout << "  quiet, 1 thread                 " << std::setw(7) << quiet_one << " patterns/s\n";
  const double quiet_auto = throughput(phases, settings, 0);
  std::cout << "  quiet, automatic                " << std::setw(7) << quiet_auto << " patterns/s\n";
  double busy_auto = 0, busy_all = 0;
  unsigned seen = 0;
  {
    const CompetingLoad load;
    seen = core::idleCores();
    busy_auto = throughput(phases, settings, 0);
    busy_all = throughput(phases, settings, cores);
  }
  std::cout << "  one core busy, automatic (" << seen << " free) " << std::setw(7) << busy_auto << " patterns/s\n";
  std::cout << "  one core busy, " << cores << " threads         " << std::setw(7) << busy_all << " patterns/s\n"
            << std::setprecision(2) << "Busy automatic / quiet 1 thread: " << busy_auto / quiet_one
            << " (target >= 0.67); busy with every core / quiet 1 thread: " << busy_all / quiet_one << "\n";
  return 0;
}

}  // namespace phasewise::cli
