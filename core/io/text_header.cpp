#include "io/text_header.h"

namespace phasewise::core {
namespace {
std::string oneLine(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < value.size() && value[i + 1] == '\n') ++i;
      if (i + 1 < value.size()) out += " / ";
      continue;
    }
    out += c;
  }
  return out;
}
}  // namespace

std::string libraryMetadataComments(const Library& library) {
  std::string out;
  for (const auto& [key, value] : library.metadata) {
    if (key == "header" || value.empty()) continue;
    out += "# " + oneLine(key) + ": " + oneLine(value) + "\n";
  }
  return out;
}

std::string sampleMetadataComments(const Library& library, std::size_t sample, const std::string& label) {
  std::string fields;
  std::string lines;
  for (const auto& [key, values] : library.sample_metadata) {
    if (key == "name" || sample >= values.size() || values[sample].empty()) continue;
    if (label.empty()) {
      lines += "# " + oneLine(key) + ": " + oneLine(values[sample]) + "\n";
    } else {
      fields += (fields.empty() ? "" : "; ") + oneLine(key) + "=" + oneLine(values[sample]);
    }
  }
  if (label.empty()) return lines;
  return fields.empty() ? std::string() : "# " + oneLine(label) + ": " + fields + "\n";
}

}  // namespace phasewise::core
