// `phasewise-cli identify --phases-from PHASES PATTERN...`: every phase in each pattern, with
// fractions, lattice scale and confidence, and what no candidate explains.

#include <iomanip>
#include <iostream>
#include <map>
#include <sstream>

#include "arguments.h"
#include "commands.h"
#include "decompose/phase_identification.h"
#include "library_summary.h"
#include "simulate/reference_render.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::cli {
namespace {
std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

std::string number(double v, int digits = 4) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

void printTable(const std::string& label, const core::PatternIdentification& r) {
  for (const core::IdentifiedPhase& p : r.phases)
    std::cout << label << "\t" << p.name << "\t" << number(p.intensity_fraction) << "\t"
              << (p.weight_fraction ? number(*p.weight_fraction) : "-") << "\t" << number(p.lattice_scale) << "\t"
              << number(p.confidence, 3) << "\t" << number(p.support, 3) << "\t" << number(p.chance, 4) << "\n";
  std::cout << label << "\tunexplained\t" << number(r.unexplained_share) << "\t-\t-\t-\t-\t-\n";
  std::cout << "# " << label << ": " << r.phases.size() << (r.phases.size() == 1 ? " phase, " : " phases, ")
            << number(100 * r.unexplained_share, 1) << " % of the diffracted intensity unexplained";
  if (r.left_out > 0) std::cout << "; " << r.left_out << " candidates left out by --elements";
  if (!r.unexplained_peaks.empty()) {
    std::cout << "; unexplained peaks at";
    for (const core::UnexplainedPeak& u : r.unexplained_peaks) {
      std::cout << " Q " << number(u.q_nm, 2) << " nm^-1 (d " << number(u.d_angstrom, 3) << " A";
      if (u.two_theta) std::cout << ", 2-theta " << number(*u.two_theta, 2) << " deg";
      std::cout << ")";
    }
  }
  std::cout << "\n";
}

std::string json(const std::string& label, const core::PatternIdentification& r) {
  std::ostringstream s;
  s << "{\"pattern\": " << jsonString(label) << ", \"phases\": [";
  for (std::size_t i = 0; i < r.phases.size(); ++i) {
    const core::IdentifiedPhase& p = r.phases[i];
    s << (i ? ", " : "") << "{\"phase\": " << jsonString(p.name)
      << ", \"intensity_fraction\": " << number(p.intensity_fraction)
      << ", \"weight_fraction\": " << (p.weight_fraction ? number(*p.weight_fraction) : "null")
      << ", \"lattice_scale\": " << number(p.lattice_scale) << ", \"confidence\": " << number(p.confidence, 3)
      << ", \"support\": " << number(p.support, 3) << ", \"chance\": " << number(p.chance, 4) << "}";
  }
  s << "], \"unexplained_share\": " << number(r.unexplained_share) << ", \"unexplained_peaks\": [";
  for (std::size_t i = 0; i < r.unexplained_peaks.size(); ++i) {
    const core::UnexplainedPeak& u = r.unexplained_peaks[i];
    s << (i ? ", " : "") << "{\"q_nm\": " << number(u.q_nm) << ", \"d_angstrom\": " << number(u.d_angstrom)
      << ", \"two_theta\": " << (u.two_theta ? number(*u.two_theta) : "null") << ", \"height\": " << number(u.height)
      << "}";
  }
  s << "]}";
  return s.str();
}
}  // namespace

int runIdentifyPhases(const CommandContext& context, const Arguments& arguments) {
  if (arguments.positional().empty()) throw UsageError("give at least one pattern file");
  const core::PhaseLibrary phases = collectPhases({*arguments.value("phases-from")}, arguments, nullptr);
  core::PhaseIdentificationSettings settings;
  settings.max_phases = arguments.integer("max-phases", settings.max_phases, 1, 12);
  settings.fit.max_strain = arguments.number("max-strain", settings.fit.max_strain, 0.0, 0.3);
  settings.fit.min_gain = arguments.number("min-gain", settings.fit.min_gain, 0.0, 1.0);
  settings.fit.min_support = arguments.number("min-support", settings.fit.min_support, 0.0, 1.0);
  settings.fit.max_chance = arguments.number("max-chance", settings.fit.max_chance, 1e-9, 1.0);
  if (arguments.flag("joint-background")) settings.fit.envelope_background = false;
  if (auto elements = arguments.elements()) settings.elements = std::move(*elements);
  const std::string radiation = arguments.value("radiation").value_or("");
  const bool as_json = arguments.flag("json");
  if (!as_json)
    std::cout << "file\tphase\tintensity_fraction\tweight_fraction\tlattice_scale\tconfidence\tsupport\tchance\n";
  std::vector<std::string> objects;
  // References are rendered on each file's own axis (files of one instrument share one).
  std::map<std::vector<double>, core::ReferencePatterns> rendered;
  for (const std::string& file : arguments.positional()) {
    const core::ReadResult input = readInput(context, arguments, file);
    const core::Library& lib = input.library;
    auto it = rendered.find(lib.axis.values);
    if (it == rendered.end())
      it = rendered.emplace(lib.axis.values, core::renderReferencesFor(phases, lib.axis, radiation)).first;
    for (std::size_t s = 0; s < lib.samples; ++s) {
      const std::string label = lib.samples > 1 ? file + "#" + std::to_string(s + 1) : file;
      const core::PatternIdentification r = core::identifyPhases(lib.axis, lib.pattern(s), it->second, settings);
      if (as_json)
        objects.push_back(json(label, r));
      else
        printTable(label, r);
    }
  }
  if (as_json) {
    std::cout << "[";
    for (std::size_t i = 0; i < objects.size(); ++i) std::cout << (i ? ",\n " : "") << objects[i];
    std::cout << "]\n";
  }
  return 0;
}

}  // namespace phasewise::cli
