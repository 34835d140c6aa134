#include "simulate/stick_tables.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "simulate/formula.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::core {
namespace {
enum class Layout { DrnetsLibrary, DrnetsBases, Plain };

double toQNanometre(double position, const std::string& column, const StickTableOptions& options,
                    const std::string& file, std::size_t line) {
  if (column == "q_nm" || column == "q_nm^-1" || column == "q") return position;
  if (column == "q_a" || column == "q_a^-1") return position * 10.0;
  if (column == "d" || column == "d_a") return 20.0 * M_PI / position;
  if (!options.wavelength_angstrom)
    throw FormatError(file, line, column, "2-theta positions need the wavelength (e.g. --wavelength 1.5406)");
  return twoThetaToQ(position, *options.wavelength_angstrom, AxisUnit::InverseNanometre);
}

ReferencePhase namedPhase(const std::string& name, const std::string& source) {
  ReferencePhase phase;
  phase.name = name;
  phase.source = source;
  phase.formula = formulaFromPhaseName(name);
  if (!phase.formula.empty()) phase.composition = atomicFractions(parseFormula(phase.formula));
  return phase;
}
}  // namespace

std::string formulaFromPhaseName(const std::string& name) {
  std::string text = name;
  if (const auto plus = text.find('+'); plus != std::string::npos) text = text.substr(plus + 1);
  // The first piece between separators that reads as a formula: "(Al2O3)1.333" of an ICDD
  // name, "FeMnO3" of "cod_FeMnO3-Bixbyite.cif". Lower-case words ("cod"), mineral names
  // ("Cuprite": no element "Cup...") and card numbers do not read as formulas.
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of("_- ", start);
    if (end == std::string::npos) end = text.size();
    std::string piece = text.substr(start, end - start);
    for (const char* suffix : {".cif", ".txt", ".tsv"})
      if (piece.size() > 4 && piece.compare(piece.size() - 4, 4, suffix) == 0) piece.resize(piece.size() - 4);
    const bool word_like = piece.empty() || !(std::isupper(static_cast<unsigned char>(piece[0])) || piece[0] == '(');
    if (!word_like) {
      try {
        if (!parseFormula(piece).empty()) return piece;
      } catch (const Error&) {
      }
    }
    start = end + 1;
  }
  return {};
}

PhaseLibrary readStickTable(const std::filesystem::path& path, const StickTableOptions& options) {
  const std::string file = path.string();
  LineReader reader(path);
  Layout layout = Layout::Plain;
  std::vector<std::string> columns;  // plain layout: lower-case column names
  std::map<long, std::size_t> by_index;
  PhaseLibrary library;
  ReferencePhase single = namedPhase(path.stem().string(), file);
  std::vector<std::string_view> fields;
  std::string_view line;
  while (reader.next(line)) {
    const std::string_view content = trim(line);
    if (content.empty()) continue;
    if (content.front() == '#') {
      const std::string header = lowercase(content);
      if (header.find("phase_index") != std::string::npos && header.find("phase_name") != std::string::npos)
        layout = Layout::DrnetsLibrary;
      else if (header.find("phase_index") != std::string::npos)
        layout = Layout::DrnetsBases;
      else if (layout == Layout::Plain && single.sticks.empty()) {
        // The column header is the comment line that names a position column (the last
        // such line before the data wins; other comments are free text).
        std::string names(content.substr(1));
        if (const auto colon = names.find("columns:"); colon != std::string::npos) names = names.substr(colon + 8);
        splitFields(names, " \t,", fields);
        std::vector<std::string> candidate;
        for (std::string_view f : fields) candidate.push_back(lowercase(f));
        const bool names_position = std::any_of(candidate.begin(), candidate.end(), [](const std::string& c) {
          return c == "two_theta" || c == "2theta" || c == "tth" || c == "q_nm" || c == "q_nm^-1" || c == "q" ||
                 c == "q_a" || c == "q_a^-1" || c == "d" || c == "d_a";
        });
        if (names_position) columns = std::move(candidate);
      }
      continue;
    }
    splitFields(content, layout == Layout::DrnetsLibrary ? "\t" : " \t,", fields);
    auto number = [&](std::size_t k, const char* what) {
      double v = 0;
      if (k >= fields.size() || !parseNumber(fields[k], v) || !std::isfinite(v))
        throw FormatError(file, reader.lineNumber(), what,
                          k < fields.size() ? "'" + std::string(fields[k]) + "' is not a number" : "missing");
      return v;
    };
    if (layout == Layout::DrnetsLibrary || layout == Layout::DrnetsBases) {
      const double value = number(0, "phase_index");
      if (value < 0 || value > 1e9 || value != std::floor(value))
        throw FormatError(file, reader.lineNumber(), "phase_index", "is not a whole number from 0 to 1e9");
      const auto index = static_cast<long>(value);
      const bool named = layout == Layout::DrnetsLibrary;
      if (named && fields.size() != 4)
        throw FormatError(file, reader.lineNumber(), "", "expected 4 tab-separated columns");
      auto [it, added] = by_index.try_emplace(index, library.phases.size());
      if (added)
        library.phases.push_back(
            named ? namedPhase(std::string(fields[1]), file + " #" + std::to_string(index))
                  : namedPhase("phase " + std::to_string(index), file + " #" + std::to_string(index)));
      StickLine stick;
      stick.q_nm = number(named ? 2 : 1, "Q_nm^-1");
      stick.intensity = number(named ? 3 : 2, "intensity");
      if (!(stick.q_nm > 0) || stick.intensity < 0)
        throw FormatError(file, reader.lineNumber(), "", "Q must be positive and intensity non-negative");
      library.phases[it->second].sticks.push_back(stick);
      continue;
    }
    // Plain table: position, intensity, optional h k l (named or in that order).
    if (columns.empty()) {
      if (!options.axis)
        throw FormatError(file, reader.lineNumber(), "header",
                          "a '#' header must name the position column (two_theta, q_nm, q_A or d), or pass --axis");
      columns = {options.axis->kind == AxisKind::TwoTheta          ? "two_theta"
                 : options.axis->unit == AxisUnit::InverseAngstrom ? "q_a"
                                                                   : "q_nm",
                 "intensity", "h", "k", "l"};
    }
    auto column = [&](std::initializer_list<const char*> names) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < columns.size(); ++i)
        for (const char* n : names)
          if (columns[i] == n) return i;
      return std::nullopt;
    };
    // Q and d do not depend on the wavelength: prefer them when a table gives several.
    auto position = column({"q_nm", "q_nm^-1", "q", "q_a", "q_a^-1", "d", "d_a"});
    if (!position) position = column({"two_theta", "2theta", "tth"});
    const auto intensity = column({"intensity", "i", "int", "rel_intensity"});
    if (!position || !intensity)
      throw FormatError(file, reader.lineNumber(), "header",
                        "names no position (two_theta, q_nm, q_A, d) or intensity column");
    StickLine stick;
    stick.q_nm = toQNanometre(number(*position, columns[*position].c_str()), columns[*position], options, file,
                              reader.lineNumber());
    stick.intensity = number(*intensity, "intensity");
    if (!(stick.q_nm > 0) || stick.intensity < 0)
      throw FormatError(file, reader.lineNumber(), "", "position must be positive and intensity non-negative");
    const auto h = column({"h"});
    if (h && *h + 2 < fields.size())
      stick.hkl = std::array<int, 3>{static_cast<int>(number(*h, "h")), static_cast<int>(number(*h + 1, "k")),
                                     static_cast<int>(number(*h + 2, "l"))};
    single.sticks.push_back(stick);
  }
  if (layout == Layout::Plain) {
    if (single.sticks.empty()) throw FormatError(file, reader.lineNumber(), "", "holds no sticks");
    library.phases.push_back(std::move(single));
  }
  if (library.phases.empty()) throw FormatError(file, reader.lineNumber(), "", "holds no sticks");
  return library;
}

}  // namespace phasewise::core
