#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "format_instance/instance_format.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
namespace {

struct RawValue {
  std::size_t line;
  std::string text;
};

// Parses a comma-separated list of `expected` numbers straight into `out`.
template <typename T>
void parseList(std::string_view value, T* out, std::size_t expected, const std::string& file, std::size_t line,
               const std::string& key) {
  const char* p = value.data();
  const char* end = value.data() + value.size();
  std::size_t count = 0;
  for (;;) {
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    if (p == end) break;
    if (count == expected) {
      const std::size_t total = count + 1 + static_cast<std::size_t>(std::count(p, end, ','));
      throw FormatError(file, line, key,
                        "has " + std::to_string(total) + " values, expected " + std::to_string(expected));
    }
    if (*p == '+') ++p;
    T v{};
    const auto r = std::from_chars(p, end, v);
    if (r.ec != std::errc() || !std::isfinite(static_cast<double>(v))) {
      const char* stop = p;
      while (stop < end && *stop != ',') ++stop;
      throw FormatError(file, line, key,
                        "value " + std::to_string(count + 1) + " ('" +
                            std::string(p, std::min<std::size_t>(stop - p, 40)) + "') is not a finite number");
    }
    out[count++] = v;
    p = r.ptr;
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    if (p == end) break;
    if (*p != ',')
      throw FormatError(
          file, line, key,
          "value " + std::to_string(count) + " is followed by '" + std::string(1, *p) + "' instead of a comma");
    ++p;
  }
  if (count != expected)
    throw FormatError(file, line, key,
                      "has " + std::to_string(count) + " values, expected " + std::to_string(expected));
}

std::vector<std::string> splitNames(std::string_view value) {
  std::vector<std::string_view> fields;
  splitFields(value, ",", fields);
  std::vector<std::string> names;
  for (std::string_view f : fields) names.emplace_back(trim(f));
  return names;
}

std::size_t countFields(std::string_view value) {
  if (trim(value).empty()) return 0;
  std::size_t count = 1;
  for (char c : value) count += c == ',';
  return count;
}

bool isIntensityKey(std::string_view key, std::size_t& index) {
  if (key.size() < 2 || key[0] != 'I') return false;
  std::size_t v = 0;
  const auto r = std::from_chars(key.data() + 1, key.data() + key.size(), v);
  if (r.ec != std::errc() || r.ptr != key.data() + key.size()) return false;
  index = v;
  return true;
}
}  // namespace

int InstanceReader::confidence(const FileProbe& probe) const {
  if (probe.is_directory || probe.head.empty() || probe.head.find('\0') != std::string::npos) return 0;
  int keys = 0;
  for (const char* key : {"\nM=", "\nN=", "\nElements=", "\nComposition=", "\nQ=", "\nI1="})
    keys += ("\n" + probe.head).find(key) != std::string::npos;
  const bool ext = hasExtension(extensions(), probe.extension);
  if (keys >= 2) return ext ? 95 : 85;
  return 0;
}

ReadResult InstanceReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  const std::string file = path.string();
  LineReader reader(path);
  ReadResult result;
  Library& lib = result.library;
  lib.axis.spec = options.axis.value_or(AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre});
  if (lib.axis.spec.kind != AxisKind::Q)
    throw FormatError(file, 0, "Q", "the instance format's axis is Q; --axis must name a Q unit");

  std::map<std::string, RawValue> raw;
  std::optional<std::size_t> declared_n;
  std::size_t q_line = 0;
  std::vector<std::size_t> intensity_line;  // line of I<k>, 0 when not seen
  std::size_t rows_seen = 0;
  std::string_view line;
  while (reader.next(line)) {
    if ((reader.lineNumber() & 63) == 0 && reader.fileSize() > 0)
      reportProgress(options.progress, static_cast<double>(reader.bytesRead()) / static_cast<double>(reader.fileSize()),
                     "reading instance");
    const std::string_view content = trim(line);
    if (content.empty()) continue;
    const std::size_t eq = content.find('=');
    const std::size_t comment = content.find("//");
    if (comment != std::string_view::npos && (eq == std::string_view::npos || comment < eq)) continue;
    if (eq == std::string_view::npos)
      throw FormatError(file, reader.lineNumber(), "",
                        "expected key=value, found '" + std::string(content.substr(0, 40)) + "'");
    const std::string key(trim(content.substr(0, eq)));
    const std::string_view value = trim(content.substr(eq + 1));
    if (key.empty()) throw FormatError(file, reader.lineNumber(), "", "line starts with '=' (no key)");
    std::size_t index = 0;
    if (key == "Q") {
      if (q_line)
        throw FormatError(file, reader.lineNumber(), "Q",
                          "appears twice (first on line " + std::to_string(q_line) + ")");
      q_line = reader.lineNumber();
      lib.axis.values.resize(countFields(value));
      if (lib.axis.values.empty()) throw FormatError(file, q_line, "Q", "is empty");
      parseList(value, lib.axis.values.data(), lib.axis.values.size(), file, q_line, "Q");
      checkAxisValues(lib.axis.values, "Q");
    } else if (isIntensityKey(key, index)) {
      if (!q_line) throw FormatError(file, reader.lineNumber(), key, "comes before the Q= line that defines its axis");
      if (index == 0) throw FormatError(file, reader.lineNumber(), key, "sample numbers start at 1");
      if (declared_n && index > *declared_n)
        throw FormatError(file, reader.lineNumber(), key,
                          "sample " + std::to_string(index) + " exceeds N=" + std::to_string(*declared_n));
      if (!declared_n && index > 10'000'000)
        throw FormatError(file, reader.lineNumber(), key, "implausible sample number");
      const std::size_t m = lib.axis.values.size();
      // A row holds m numbers of at least two bytes each (with the separator): the file's size
      // bounds the rows it can hold, so memory follows the file, not the numbers it claims.
      const std::size_t most_rows = static_cast<std::size_t>(reader.fileSize() / (2 * m)) + 1;
      if (index > most_rows)
        throw FormatError(file, reader.lineNumber(), key,
                          "sample " + std::to_string(index) + " is more than a file of " +
                              std::to_string(reader.fileSize()) + " bytes can hold");
      // Knowing N lets the matrix be allocated once, at its final size.
      const std::size_t rows = declared_n ? std::min(*declared_n, most_rows) : 0;
      if (lib.intensities.capacity() < rows * m) lib.intensities.reserve(rows * m);
      if (index > intensity_line.size()) {
        intensity_line.resize(index, 0);
        lib.intensities.resize(index * m, 0.0F);
      }
      if (intensity_line[index - 1])
        throw FormatError(file, reader.lineNumber(), key,
                          "appears twice (first on line " + std::to_string(intensity_line[index - 1]) + ")");
      intensity_line[index - 1] = reader.lineNumber();
      parseList(value, lib.intensities.data() + (index - 1) * m, m, file, reader.lineNumber(), key);
      ++rows_seen;
    } else {
      if (raw.count(key))
        throw FormatError(file, reader.lineNumber(), key,
                          "appears twice (first on line " + std::to_string(raw[key].line) + ")");
      if (key == "N") {
        double n = 0;
        if (!parseNumber(value, n) || n < 1 || n != std::floor(n) || n > 1e8)
          throw FormatError(file, reader.lineNumber(), "N", "'" + std::string(value) + "' is not a sample count");
        declared_n = static_cast<std::size_t>(n);
        if (q_line && intensity_line.size() > *declared_n)
          throw FormatError(file, reader.lineNumber(), "N", "is smaller than the sample numbers already read");
      }
      raw[key] = RawValue{reader.lineNumber(), std::string(value)};
    }
  }
  if (reader.lineNumber() == 0) throw FormatError(file, 0, "", "is empty");
  if (!q_line) throw FormatError(file, reader.lineNumber(), "Q", "the file has no Q= line");
  const std::size_t n = declared_n.value_or(intensity_line.size());
  if (rows_seen == 0) throw FormatError(file, reader.lineNumber(), "I1", "the file has no intensity rows (I1=...)");
  intensity_line.resize(n, 0);
  lib.intensities.resize(n * lib.axis.values.size(), 0.0F);
  for (std::size_t s = 0; s < n; ++s)
    if (!intensity_line[s])
      throw FormatError(
          file, reader.lineNumber(), "I" + std::to_string(s + 1),
          "is missing (N=" + std::to_string(n) + " samples declared, " + std::to_string(rows_seen) + " found)");
  lib.samples = n;
  raw.erase("N");

  auto take = [&](const std::string& key) -> std::optional<RawValue> {
    auto it = raw.find(key);
    if (it == raw.end()) return std::nullopt;
    RawValue v = std::move(it->second);
    raw.erase(it);
    return v;
  };
  auto perSample = [&](const std::string& key, const RawValue& v) {
    std::vector<double> values(n);
    parseList(std::string_view(v.text), values.data(), n, file, v.line, key);
    return values;
  };

  if (auto elements = take("Elements")) lib.elements = splitNames(elements->text);
  if (auto m = take("M")) {
    double count = 0;
    if (!parseNumber(m->text, count) || count != static_cast<double>(lib.elements.size()))
      throw FormatError(file, m->line, "M",
                        "says " + m->text + " elements but Elements= lists " + std::to_string(lib.elements.size()));
  }
  std::vector<std::string> composition_keys = lib.elements;
  std::size_t composition_line = 0;
  if (auto keys = take("Composition")) {
    composition_keys = splitNames(keys->text);
    composition_line = keys->line;
    if (composition_keys.size() != lib.elements.size())
      throw FormatError(file, keys->line, "Composition",
                        "names " + std::to_string(composition_keys.size()) + " rows for " +
                            std::to_string(lib.elements.size()) + " elements");
  }
  if (!lib.elements.empty()) {
    lib.composition.assign(n * lib.elements.size(), 0.0);
    for (std::size_t e = 0; e < lib.elements.size(); ++e) {
      auto row = take(composition_keys[e]);
      if (!row)
        throw FormatError(file, composition_line, composition_keys[e],
                          "composition row for " + lib.elements[e] + " is missing");
      const std::vector<double> values = perSample(composition_keys[e], *row);
      for (std::size_t s = 0; s < n; ++s) lib.composition[s * lib.elements.size() + e] = values[s];
    }
    if (convertPercentCompositions(lib))
      result.warnings.push_back("compositions are given in percent; converted to fractions");
  }
  std::vector<std::string> deposition_keys = {"X", "Y"};
  if (auto keys = take("Deposition")) {
    deposition_keys = splitNames(keys->text);
    if (deposition_keys.size() == 2 && deposition_keys[0] == deposition_keys[1])
      throw FormatError(file, keys->line, "Deposition", "names the row " + deposition_keys[0] + " for both X and Y");
  }
  if (deposition_keys.size() == 2 && raw.count(deposition_keys[0]) && raw.count(deposition_keys[1])) {
    const RawValue xs = *take(deposition_keys[0]);
    const RawValue ys = *take(deposition_keys[1]);
    lib.x = perSample(deposition_keys[0], xs);
    lib.y = perSample(deposition_keys[1], ys);
  }
  for (auto& [key, value] : raw) {
    if (countFields(value.text) == n && n > 1)
      lib.sample_metadata[key] = splitNames(value.text);
    else if (value.text.size() <= 4096)
      lib.metadata[key] = value.text;
    else
      result.warnings.push_back("key '" + key + "' (line " + std::to_string(value.line) +
                                ") was not understood and is ignored");
  }
  lib.metadata["axis_source"] = "instance format (Q in nm^-1)";
  return result;
}

}  // namespace phasewise::plugins
