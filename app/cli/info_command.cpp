#include <iostream>

#include "commands.h"
#include "library_summary.h"

namespace phasewise::cli {

int runInfo(const CommandContext& context) {
  const Arguments arguments(context.words, kReadOptions, {"help"});
  if (arguments.flag("help") || arguments.positional().empty()) {
    std::cout << "usage: phasewise-cli info FILE... [--wavelength A] [--axis q_nm|q_A|2theta] [--format ID]\n";
    return arguments.flag("help") ? 0 : 2;
  }
  for (const std::string& path : arguments.positional()) {
    std::string format;
    const core::ReadResult result = readInput(context, arguments, path, &format);
    printSummary(std::cout, result.library, path + "  (format: " + format + ")");
  }
  return 0;
}

}  // namespace phasewise::cli
