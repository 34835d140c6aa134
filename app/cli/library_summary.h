#pragma once
// Shared by the commands: reading an input with the user's options (printing the reader's
// warnings) and printing a library's summary.

#include <iosfwd>
#include <set>
#include <string>

#include "arguments.h"
#include "commands.h"
#include "io/format.h"

namespace phasewise::cli {

// Options every reading command accepts.
inline const std::set<std::string> kReadOptions = {"wavelength", "axis", "format"};

[[nodiscard]] core::ReadResult readInput(const CommandContext& context, const Arguments& arguments,
                                         const std::string& path, std::string* format_id = nullptr);

void printSummary(std::ostream& out, const core::Library& library, const std::string& title);

}  // namespace phasewise::cli
