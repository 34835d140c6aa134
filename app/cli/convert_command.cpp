#include <iostream>

#include "commands.h"
#include "io/registry.h"
#include "library_summary.h"

namespace phasewise::cli {

int runConvert(const CommandContext& context) {
  auto options = kReadOptions;
  options.insert("to");
  const Arguments arguments(context.words, options, {"help"});
  if (arguments.flag("help") || arguments.positional().size() != 2) {
    std::cout << "usage: phasewise-cli convert IN OUT [--to WRITER_ID] [--wavelength A] [--axis ...] [--format ID]\n"
                 "  OUT's extension picks the writer: .h5 (Phasewise HDF5), .txt (instance), .csv, .xy/.xye/.dat\n";
    return arguments.flag("help") ? 0 : 2;
  }
  const std::string& in = arguments.positional()[0];
  const std::string& out = arguments.positional()[1];
  const core::ReadResult result = readInput(context, arguments, in);
  const core::FormatWriter& writer =
      arguments.value("to") ? context.registry.writer(*arguments.value("to")) : context.registry.writerFor(out);
  writer.write(result.library, out);
  std::cout << "wrote " << out << " (" << writer.id() << "): " << result.library.samples << " samples x "
            << result.library.points() << " points\n";
  return 0;
}

}  // namespace phasewise::cli
