#pragma once
// The comment header the text writers (.xy, .csv) put above their numbers, so that what a
// library carries besides its intensities (where it came from, what was done to it) is not
// lost when it is written as text: "# key: value" lines. Read back as comments by every text
// reader.

#include <cstddef>
#include <string>

#include "model/library.h"

namespace phasewise::core {

// Library-wide metadata, one "# key: value" line each. Skips "header" (the comment block of
// the file the library was read from, already in the file it came from). Line breaks inside a
// value become " / " so that every line stays a comment.
[[nodiscard]] std::string libraryMetadataComments(const Library& library);

// One sample's metadata other than its name: "# <label>: key=value; key=value" (nothing when
// the sample has none). With an empty label: one "# key: value" line per entry.
[[nodiscard]] std::string sampleMetadataComments(const Library& library, std::size_t sample, const std::string& label);

}  // namespace phasewise::core
