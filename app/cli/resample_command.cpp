#include <cmath>
#include <iostream>

#include "commands.h"
#include "io/registry.h"
#include "library_summary.h"
#include "model/resample.h"

namespace phasewise::cli {

int runResample(const CommandContext& context) {
  auto options = kReadOptions;
  options.insert({"to-axis", "points", "min", "max", "log-q"});
  const Arguments arguments(context.words, options, {"help"});
  if (arguments.flag("help") || arguments.positional().size() != 2) {
    std::cout << "usage: phasewise-cli resample IN OUT [--to-axis q_nm|q_A|2theta] [--points N] [--min X] [--max Y]\n"
                 "       phasewise-cli resample IN OUT --log-q N     (N points equally spaced in log Q)\n"
                 "  linear interpolation, never extrapolation; converting between 2-theta and Q needs the\n"
                 "  wavelength (from the file or --wavelength)\n";
    return arguments.flag("help") ? 0 : 2;
  }
  const core::ReadResult input = readInput(context, arguments, arguments.positional()[0]);
  const core::Library& lib = input.library;
  core::Library out;
  if (arguments.value("log-q")) {
    const double n = arguments.number("log-q", 0);
    if (n < 2) throw UsageError("--log-q needs at least 2 points");
    const core::LogQLibrary log = core::toLogQ(lib, static_cast<std::size_t>(n));
    out = log.library;
    std::cout << "log-Q grid: one bin is a " << (std::exp(log.log_bin_width) - 1.0) * 100.0 << " % change of Q\n";
  } else {
    core::Axis grid;
    grid.spec = arguments.value("to-axis") ? core::AxisSpec::parse(*arguments.value("to-axis")) : lib.axis.spec;
    grid.wavelength_angstrom = lib.axis.wavelength_angstrom;
    const core::Axis converted = core::convertAxis(lib.axis, grid.spec);
    const double low = arguments.number("min", converted.front());
    const double high = arguments.number("max", converted.back());
    const double n = arguments.number("points", static_cast<double>(lib.points()));
    if (n < 2 || !(high > low)) throw UsageError("need --points >= 2 and --min < --max");
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i)
      grid.values.push_back(low + (high - low) * static_cast<double>(i) / (n - 1));
    out = core::resample(lib, grid);
  }
  context.registry.writerFor(arguments.positional()[1]).write(out, arguments.positional()[1]);
  printSummary(std::cout, out, "wrote " + arguments.positional()[1]);
  return 0;
}

}  // namespace phasewise::cli
