#include "format_instance/solution_format.h"

#include <cctype>
#include <cmath>
#include <fstream>
#include <map>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
namespace {
constexpr double kMostPhases = 10000;  // K, BName<i>, B<i>
constexpr double kMostSamples = 1e7;   // C<i>, S<i>
template <typename T>
void row(std::ostream& out, const std::string& key, const T* values, std::size_t count, std::string& buffer) {
  buffer.clear();
  buffer += key;
  buffer += '=';
  for (std::size_t i = 0; i < count; ++i) {
    if (i) buffer += ',';
    appendNumber(buffer, values[i]);
  }
  buffer += '\n';
  out << buffer;
}

std::vector<double> numbers(const std::string& text, const std::string& file, std::size_t line,
                            const std::string& key) {
  std::vector<double> out;
  std::vector<std::string_view> fields;
  splitFields(text, ",", fields);
  for (std::string_view f : fields) {
    double v = 0;
    if (!parseNumber(f, v))
      throw FormatError(file, line, key, "'" + std::string(f.substr(0, 30)) + "' is not a number");
    out.push_back(v);
  }
  return out;
}
}  // namespace

void writeSolution(const DecompositionResult& r, const std::vector<std::string>& names,
                   const std::filesystem::path& path, bool per_phase) {
  const Axis q = convertAxis(r.axis, AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre});
  const std::size_t m = q.values.size(), k = static_cast<std::size_t>(r.phases);
  writeStreamAtomically(
      path,
      [&](std::ostream& out) {
        std::string buffer;
        out << "// Phasewise decomposition: " << r.phases << " phases, " << r.samples << " samples, shifts up to "
            << r.settings.shifts << " log-Q bins, Gibbs " << (r.settings.gibbs ? "on" : "off") << ", connectivity "
            << (r.settings.connectivity ? "on" : "off") << ", seed " << r.settings.seed << "\n";
        out << "K=" << r.phases << "\nParams=[R,C],[Q,B,C,S]\n\n// Number of phases\n";
        for (std::size_t p = 0; p < k; ++p)
          out << "BName" << p + 1 << "=" << (p < names.size() ? names[p] : "phase " + std::to_string(p + 1)) << "\n";
        out << "\n// Phase patterns (basis)\n";
        row(out, "Q", q.values.data(), m, buffer);
        for (std::size_t p = 0; p < k; ++p) row(out, "B" + std::to_string(p + 1), &r.bases[p * m], m, buffer);
        if (per_phase && !r.per_phase.empty()) {
          out << "\n// Per-phase model for each sample\n";
          for (std::size_t s = 0; s < r.samples; ++s)
            for (std::size_t p = 0; p < k; ++p)
              row(out, "R" + std::to_string(s + 1) + "_" + std::to_string(p + 1), &r.per_phase[(s * k + p) * m], m,
                  buffer);
        }
        out << "\n// Phase concentrations at each sample\n";
        for (std::size_t s = 0; s < r.samples; ++s)
          row(out, "C" + std::to_string(s + 1), &r.activations[s * k], k, buffer);
        out << "\n// Phase shifts at each sample\n";
        for (std::size_t s = 0; s < r.samples; ++s) row(out, "S" + std::to_string(s + 1), &r.shifts[s * k], k, buffer);
        out << "\n// Per-sample contribution (L1 loss)\n";
        row(out, "L", r.sample_loss.data(), r.samples, buffer);
      },
      true);
}

bool holdsSolution(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  try {
    const std::string head = readHead(path, 4096);
    return head.rfind("K=", 0) == 0 || head.find("\nK=") != std::string::npos;
  } catch (const Error&) {
    return false;
  }
}

Solution readSolution(const std::filesystem::path& path) {
  const std::string file = path.string();
  LineReader reader(path);
  Solution s;
  std::map<std::size_t, std::vector<double>> bases, c, shifts;
  std::string_view line;
  while (reader.next(line)) {
    const std::string_view content = trim(line);
    if (content.empty() || content.substr(0, 2) == "//") continue;
    const auto eq = content.find('=');
    if (eq == std::string_view::npos) throw FormatError(file, reader.lineNumber(), "", "expected key=value");
    const std::string key(trim(content.substr(0, eq)));
    const std::string value(trim(content.substr(eq + 1)));
    // Counts and indices are whole numbers in a range, checked before they size anything.
    auto index = [&](std::size_t prefix, double most) {
      double v = 0;
      if (!parseNumber(key.substr(prefix), v) || v < 1 || v > most || v != std::floor(v))
        throw FormatError(file, reader.lineNumber(), key,
                          "bad index (a whole number from 1 to " + formatNumber(most) + ")");
      return static_cast<std::size_t>(v);
    };
    if (key == "K") {
      double v = 0;
      if (!parseNumber(value, v) || v < 1 || v > kMostPhases || v != std::floor(v))
        throw FormatError(file, reader.lineNumber(), "K", "is not a phase count (1 to 10000)");
      s.phases = static_cast<int>(v);
    } else if (key == "Q") {
      s.q = numbers(value, file, reader.lineNumber(), key);
    } else if (key.rfind("BName", 0) == 0) {
      const std::size_t i = index(5, kMostPhases);
      if (s.names.size() < i) s.names.resize(i);
      s.names[i - 1] = value;
    } else if (key.size() > 1 && key[0] == 'B' && std::isdigit(static_cast<unsigned char>(key[1]))) {
      bases[index(1, kMostPhases)] = numbers(value, file, reader.lineNumber(), key);
    } else if (key.size() > 1 && key[0] == 'C' && std::isdigit(static_cast<unsigned char>(key[1]))) {
      c[index(1, kMostSamples)] = numbers(value, file, reader.lineNumber(), key);
    } else if (key.size() > 1 && key[0] == 'S' && std::isdigit(static_cast<unsigned char>(key[1]))) {
      shifts[index(1, kMostSamples)] = numbers(value, file, reader.lineNumber(), key);
    } else if (key == "L") {
      for (double v : numbers(value, file, reader.lineNumber(), key)) s.loss.push_back(static_cast<float>(v));
    }
  }
  if (s.phases == 0) throw FormatError(file, 0, "K", "the file has no K= line (not a solution file?)");
  if (s.q.empty()) throw FormatError(file, 0, "Q", "the file has no Q= line");
  const auto k = static_cast<std::size_t>(s.phases);
  for (std::size_t p = 1; p <= k; ++p) {
    const auto it = bases.find(p);
    if (it == bases.end()) throw FormatError(file, 0, "B" + std::to_string(p), "basis pattern is missing");
    if (it->second.size() != s.q.size())
      throw FormatError(
          file, 0, "B" + std::to_string(p),
          "has " + std::to_string(it->second.size()) + " values for " + std::to_string(s.q.size()) + " Q points");
    s.bases.insert(s.bases.end(), it->second.begin(), it->second.end());
  }
  s.samples = c.size();
  if (s.samples == 0) throw FormatError(file, 0, "C1", "the file has no concentrations");
  for (std::size_t i = 1; i <= s.samples; ++i) {
    const auto it = c.find(i);
    if (it == c.end() || it->second.size() != k)
      throw FormatError(file, 0, "C" + std::to_string(i), "missing or not " + std::to_string(k) + " values");
    s.activations.insert(s.activations.end(), it->second.begin(), it->second.end());
  }
  if (!shifts.empty())
    for (std::size_t i = 1; i <= s.samples; ++i) {
      const auto it = shifts.find(i);
      if (it == shifts.end() || it->second.size() != k)
        throw FormatError(file, 0, "S" + std::to_string(i), "missing or the wrong length");
      s.shifts.insert(s.shifts.end(), it->second.begin(), it->second.end());
    }
  if (s.names.size() < k) s.names.resize(k);
  return s;
}

}  // namespace phasewise::plugins
