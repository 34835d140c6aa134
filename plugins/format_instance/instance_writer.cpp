#include <fstream>

#include "format_instance/instance_format.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
namespace {
template <typename Range>
void writeRow(std::ofstream& out, const std::string& key, const Range& values, std::string& buffer) {
  buffer.clear();
  buffer += key;
  buffer += '=';
  bool first = true;
  for (const auto& v : values) {
    if (!first) buffer += ',';
    first = false;
    appendNumber(buffer, v);
  }
  buffer += '\n';
  out << buffer;
}
std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ",") + n;
  return text;
}
}  // namespace

void InstanceWriter::writeImpl(const Library& library, const std::filesystem::path& temporary_path) const {
  // The format's axis is Q in nm^-1: convert (exactly) whatever the library holds.
  const Axis q = convertAxis(library.axis, AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre});
  for (const auto& [key, values] : library.sample_metadata)
    for (const std::string& v : values)
      if (v.find_first_of(",\n\r") != std::string::npos)
        throw Error("sample metadata '" + key +
                    "' has a value with a comma or line break, which the instance format cannot hold");
  std::ofstream out(temporary_path, std::ios::binary);
  std::string buffer;
  const std::size_t n = library.samples;
  out << "// Written by Phasewise: " << library.name << "\n";
  out << "// Metadata\n";
  out << "M=" << library.elements.size() << "\n";
  out << "Elements=" << joined(library.elements) << "\n";
  out << "N=" << n << "\n";
  std::vector<std::string> composition_keys;
  for (const std::string& e : library.elements) composition_keys.push_back("C" + e);
  out << "Composition=" << joined(composition_keys) << "\n";
  if (!library.x.empty()) out << "Deposition=X,Y\n";
  out << "\n// Deposition data\n";
  if (!library.x.empty()) {
    writeRow(out, "X", library.x, buffer);
    writeRow(out, "Y", library.y, buffer);
  }
  for (const auto& [key, values] : library.sample_metadata) out << key << "=" << joined(values) << "\n";
  out << "\n// Composition data\n";
  std::vector<double> column(n);
  for (std::size_t e = 0; e < library.elements.size(); ++e) {
    for (std::size_t s = 0; s < n; ++s) column[s] = library.fraction(s, e);
    writeRow(out, composition_keys[e], column, buffer);
  }
  out << "\n//Integrated counts data\n";
  writeRow(out, "Q", q.values, buffer);
  const std::size_t m = library.points();
  for (std::size_t s = 0; s < n; ++s) {
    buffer.clear();
    buffer += 'I';
    buffer += std::to_string(s + 1);
    buffer += '=';
    const float* row = library.pattern(s);
    for (std::size_t i = 0; i < m; ++i) {
      if (i) buffer += ',';
      appendNumber(buffer, row[i]);
    }
    buffer += '\n';
    out << buffer;
  }
  out.flush();
  if (!out) throw Error("write failed: " + temporary_path.string());
}

}  // namespace phasewise::plugins
