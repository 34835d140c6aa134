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

namespace {

// One read of a stick table: '#' lines set the layout (DRNets library or bases) or name the
// plain table's columns; data lines add sticks to the phase they belong to.
class StickTableParse {
 public:
  StickTableParse(const std::filesystem::path& path, const StickTableOptions& options)
      : file_(path.string()), reader_(path), options_(options), single_(namedPhase(path.stem().string(), file_)) {}

  PhaseLibrary read() {
    std::string_view line;
    while (reader_.next(line)) {
      const std::string_view content = trim(line);
      if (content.empty()) continue;
      if (content.front() == '#') {
        readComment(content);
        continue;
      }
      splitFields(content, layout_ == Layout::DrnetsLibrary ? "\t" : " \t,", fields_);
      if (layout_ == Layout::Plain)
        readPlainRow();
      else
        readDrnetsRow();
    }
    if (layout_ == Layout::Plain) {
      if (single_.sticks.empty()) throw FormatError(file_, reader_.lineNumber(), "", "holds no sticks");
      library_.phases.push_back(std::move(single_));
    }
    if (library_.phases.empty()) throw FormatError(file_, reader_.lineNumber(), "", "holds no sticks");
    return std::move(library_);
  }

 private:
  void readComment(std::string_view content) {
    const std::string header = lowercase(content);
    if (header.find("phase_index") != std::string::npos && header.find("phase_name") != std::string::npos) {
      layout_ = Layout::DrnetsLibrary;
      return;
    }
    if (header.find("phase_index") != std::string::npos) {
      layout_ = Layout::DrnetsBases;
      return;
    }
    if (layout_ != Layout::Plain || !single_.sticks.empty()) return;
    // The column header is the comment line that names a position column (the last such
    // line before the data wins; other comments are free text).
    std::string names(content.substr(1));
    if (const auto colon = names.find("columns:"); colon != std::string::npos) names = names.substr(colon + 8);
    splitFields(names, " \t,", fields_);
    std::vector<std::string> candidate;
    for (std::string_view f : fields_) candidate.push_back(lowercase(f));
    const bool names_position = std::any_of(candidate.begin(), candidate.end(), [](const std::string& c) {
      return c == "two_theta" || c == "2theta" || c == "tth" || c == "q_nm" || c == "q_nm^-1" || c == "q" ||
             c == "q_a" || c == "q_a^-1" || c == "d" || c == "d_a";
    });
    if (names_position) columns_ = std::move(candidate);
  }

  double number(std::size_t k, const char* what) const {
    double v = 0;
    if (k >= fields_.size() || !parseNumber(fields_[k], v) || !std::isfinite(v))
      throw FormatError(file_, reader_.lineNumber(), what,
                        k < fields_.size() ? "'" + std::string(fields_[k]) + "' is not a number" : "missing");
    return v;
  }

  // phase_index [phase_name] Q_nm^-1 intensity
  void readDrnetsRow() {
    const double value = number(0, "phase_index");
    if (value < 0 || value > 1e9 || value != std::floor(value))
      throw FormatError(file_, reader_.lineNumber(), "phase_index", "is not a whole number from 0 to 1e9");
    const auto index = static_cast<long>(value);
    const bool named = layout_ == Layout::DrnetsLibrary;
    if (named && fields_.size() != 4)
      throw FormatError(file_, reader_.lineNumber(), "", "expected 4 tab-separated columns");
    auto [it, added] = by_index_.try_emplace(index, library_.phases.size());
    if (added)
      library_.phases.push_back(
          named ? namedPhase(std::string(fields_[1]), file_ + " #" + std::to_string(index))
                : namedPhase("phase " + std::to_string(index), file_ + " #" + std::to_string(index)));
    StickLine stick;
    stick.q_nm = number(named ? 2 : 1, "Q_nm^-1");
    stick.intensity = number(named ? 3 : 2, "intensity");
    if (!(stick.q_nm > 0) || stick.intensity < 0)
      throw FormatError(file_, reader_.lineNumber(), "", "Q must be positive and intensity non-negative");
    library_.phases[it->second].sticks.push_back(stick);
  }

  std::optional<std::size_t> column(std::initializer_list<const char*> names) const {
    for (std::size_t i = 0; i < columns_.size(); ++i)
      for (const char* n : names)
        if (columns_[i] == n) return i;
    return std::nullopt;
  }

  // Plain table: position, intensity, optional h k l (named or in that order).
  void readPlainRow() {
    if (columns_.empty()) {
      if (!options_.axis)
        throw FormatError(file_, reader_.lineNumber(), "header",
                          "a '#' header must name the position column (two_theta, q_nm, q_A or d), or pass --axis");
      columns_ = {options_.axis->kind == AxisKind::TwoTheta          ? "two_theta"
                  : options_.axis->unit == AxisUnit::InverseAngstrom ? "q_a"
                                                                     : "q_nm",
                  "intensity", "h", "k", "l"};
    }
    // Q and d do not depend on the wavelength: prefer them when a table gives several.
    auto position = column({"q_nm", "q_nm^-1", "q", "q_a", "q_a^-1", "d", "d_a"});
    if (!position) position = column({"two_theta", "2theta", "tth"});
    const auto intensity = column({"intensity", "i", "int", "rel_intensity"});
    if (!position || !intensity)
      throw FormatError(file_, reader_.lineNumber(), "header",
                        "names no position (two_theta, q_nm, q_A, d) or intensity column");
    StickLine stick;
    stick.q_nm = toQNanometre(number(*position, columns_[*position].c_str()), columns_[*position], options_, file_,
                              reader_.lineNumber());
    stick.intensity = number(*intensity, "intensity");
    if (!(stick.q_nm > 0) || stick.intensity < 0)
      throw FormatError(file_, reader_.lineNumber(), "", "position must be positive and intensity non-negative");
    const auto h = column({"h"});
    if (h && *h + 2 < fields_.size())
      stick.hkl = std::array<int, 3>{static_cast<int>(number(*h, "h")), static_cast<int>(number(*h + 1, "k")),
                                     static_cast<int>(number(*h + 2, "l"))};
    single_.sticks.push_back(stick);
  }

  const std::string file_;
  LineReader reader_;
  const StickTableOptions& options_;
  Layout layout_ = Layout::Plain;
  std::vector<std::string> columns_;  // plain layout: lower-case column names
  std::map<long, std::size_t> by_index_;
  PhaseLibrary library_;
  ReferencePhase single_;  // the plain layout's one phase, named after the file
  std::vector<std::string_view> fields_;
};

}  // namespace

PhaseLibrary readStickTable(const std::filesystem::path& path, const StickTableOptions& options) {
  return StickTableParse(path, options).read();
}

}  // namespace phasewise::core
