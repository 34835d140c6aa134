#include <iostream>

#include "commands.h"
#include "io/registry.h"

namespace phasewise::cli {

int runFormats(const CommandContext& context) {
  std::cout << "readers (picked by content; --format ID forces one):\n";
  for (const auto& r : context.registry.readers()) {
    std::cout << "  " << r->id() << std::string(14 - std::min<std::size_t>(13, r->id().size()), ' ')
              << r->description();
    for (const auto& e : r->extensions()) std::cout << " " << e;
    std::cout << "\n";
  }
  std::cout << "writers (picked by the output's extension):\n";
  for (const auto& w : context.registry.writers()) {
    std::cout << "  " << w->id() << std::string(14 - std::min<std::size_t>(13, w->id().size()), ' ')
              << w->description();
    for (const auto& e : w->extensions()) std::cout << " " << e;
    std::cout << "\n";
  }
  return 0;
}

}  // namespace phasewise::cli
