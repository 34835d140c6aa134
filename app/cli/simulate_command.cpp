// `phasewise-cli simulate`: the ideal powder pattern of a crystal structure (CIF) or a stick
// list, as a profile on any axis or (with --sticks) as a table of reflections.

#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "arguments.h"
#include "commands.h"
#include "io/registry.h"
#include "simulate/cif_reader.h"
#include "simulate/powder_pattern.h"
#include "simulate/stick_tables.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::cli {
namespace {
constexpr const char* kUsage = R"(usage: phasewise-cli simulate STRUCTURE.cif|STICKS -o OUT [options]
  --wavelength W     Cu, Mo, Co, Cr, Fe, Ag (K-alpha1 + K-alpha2), CuKa1 (one line), or Angstrom (default CuKa1)
  --kalpha2-ratio R  intensity of K-alpha2 relative to K-alpha1 for anode doublets (default 0.5)
  --axis A           2theta (default), q_nm or q_A: the axis of the profile and of --range
  --range MIN:MAX    axis range (default 10:90 deg 2-theta, or the Q it spans)
  --points N         profile points (default 4001)
  --sticks           write the reflections (two_theta d q_nm intensity h k l multiplicity line) instead
  --u U --v V --w W  Caglioti widths in deg^2 (default 0, 0, 0.01: FWHM 0.1 deg)
  --eta E            Lorentzian fraction of the pseudo-Voigt (default 0.5)
  --size NM          crystallite size for Scherrer broadening (default none)
  --b-iso B          Debye-Waller B (A^2) for sites without one (default 0.5); --no-debye-waller
  --no-anomalous     leave out f' and f'' (pymatgen's convention)
  --monochromator D  monochromator 2-theta in degrees for the polarisation factor (default none)
  --phase NAME       which phase of a multi-phase stick table
  --stick-wavelength A  wavelength of a stick table given in 2-theta
)";

core::ReferencePhase loadPhase(const std::string& input, const Arguments& arguments) {
  const std::filesystem::path path(input);
  if (core::lowercase(path.extension().string()) == ".cif") {
    const core::CifResult cif = core::readCif(path);
    for (const std::string& w : cif.warnings) std::cerr << "warning: " << input << ": " << w << "\n";
    return core::phaseFromStructure(cif.structure);
  }
  core::StickTableOptions options;
  if (arguments.value("stick-wavelength")) options.wavelength_angstrom = arguments.number("stick-wavelength", 0);
  core::PhaseLibrary library = core::readStickTable(path, options);
  if (const auto name = arguments.value("phase")) return library.phases[library.indexOf(*name)];
  if (library.size() != 1)
    throw UsageError(input + " holds " + std::to_string(library.size()) + " phases: choose one with --phase NAME");
  return library.phases.front();
}

void writeSticks(const core::StickPattern& sticks, const core::ReferencePhase& phase, const std::string& out) {
  core::writeStreamAtomically(out, [&](std::ostream& text) {
    text << "# Phasewise stick pattern of " << phase.name << " (" << phase.formula << ") from " << phase.source << "\n";
    text << "# radiation: " << sticks.radiation.name;
    for (const auto& line : sticks.radiation.lines)
      text << "; " << line.name << " " << core::formatNumber(line.wavelength) << " A weight "
           << core::formatNumber(line.weight);
    text << "\n# intensity: scaled to 100 for the strongest peak; hkl: first family, all in families\n";
    text << "# two_theta d q_nm intensity h k l multiplicity line families\n";
    text << std::fixed;
    for (const core::StickPeak& p : sticks.peaks) {
      text << std::setprecision(5) << p.two_theta << ' ' << std::setprecision(6) << p.d << ' '
           << p.qInverseAngstrom() * 10.0 << ' ' << std::setprecision(4) << p.intensity << ' ';
      if (p.hkls.empty())
        text << "0 0 0 ";
      else
        text << p.hkls[0][0] << ' ' << p.hkls[0][1] << ' ' << p.hkls[0][2] << ' ';
      text << p.multiplicity << ' ' << p.line << ' ';
      for (std::size_t f = 0; f < p.hkls.size(); ++f)
        text << (f ? ";" : "") << p.hkls[f][0] << ',' << p.hkls[f][1] << ',' << p.hkls[f][2] << '('
             << (f < p.family_multiplicities.size() ? p.family_multiplicities[f] : 0) << ')';
      if (p.hkls.empty()) text << '-';
      text << '\n';
    }
  });
}

core::PowderSettings powderSettings(const Arguments& arguments) {
  core::PowderSettings settings;
  settings.radiation =
      core::Radiation::parse(arguments.value("wavelength").value_or("CuKa1"), arguments.number("kalpha2-ratio", -1));
  settings.monochromator_two_theta = arguments.number("monochromator", 0);
  settings.structure_factors.debye_waller = !arguments.flag("no-debye-waller");
  settings.structure_factors.default_b_iso = arguments.number("b-iso", 0.5);
  settings.structure_factors.anomalous_dispersion = !arguments.flag("no-anomalous");
  return settings;
}

// The range in the axis' units (--range, default 2-theta 10-90 on that axis), and the 2-theta
// range the simulation must cover for it (each line reaches a Q range at its own 2-theta).
void chooseRange(const Arguments& arguments, const core::AxisSpec& axis, core::PowderSettings& settings, double& low,
                 double& high) {
  low = 10, high = 90;
  if (axis.kind == core::AxisKind::Q) {
    low = core::twoThetaToQ(10, settings.radiation.primaryWavelength(), axis.unit);
    high = core::twoThetaToQ(90, settings.radiation.primaryWavelength(), axis.unit);
  }
  if (const auto range = arguments.value("range")) {
    const auto colon = range->find(':');
    if (colon == std::string::npos || !core::parseNumber(range->substr(0, colon), low) ||
        !core::parseNumber(range->substr(colon + 1), high) || !(high > low))
      throw UsageError("--range expects MIN:MAX with MIN < MAX, got '" + *range + "'");
  }
  double tt_low = low, tt_high = high;
  if (axis.kind == core::AxisKind::Q) {
    // Simulate the union of the lines' ranges (capped below 180).
    auto reach = [&](double q, double wavelength) {
      const double q_max = 4 * M_PI / wavelength * (axis.unit == core::AxisUnit::InverseNanometre ? 10.0 : 1.0);
      return q >= q_max ? 179.9 : core::qToTwoTheta(q, axis.unit, wavelength);
    };
    tt_low = 180, tt_high = 0;
    for (const auto& line : settings.radiation.lines) {
      tt_low = std::min(tt_low, reach(low, line.wavelength));
      tt_high = std::max(tt_high, reach(high, line.wavelength));
    }
  }
  settings.two_theta_min = std::max(0.01, tt_low - 1.0);
  settings.two_theta_max = std::min(179.9, tt_high + 1.0);
}

// The sticks in range, on the axis, written as a stick list.
std::size_t writeSticksInRange(const core::StickPattern& sticks, const core::ReferencePhase& phase,
                               const core::AxisSpec& axis, double low, double high, const std::string& output) {
  core::StickPattern in_range = sticks;
  in_range.peaks.clear();
  for (const core::StickPeak& p : sticks.peaks) {
    const double position = axis.kind == core::AxisKind::TwoTheta           ? p.two_theta
                            : axis.unit == core::AxisUnit::InverseNanometre ? p.qInverseAngstrom() * 10.0
                                                                            : p.qInverseAngstrom();
    if (position >= low && position <= high) in_range.peaks.push_back(p);
  }
  writeSticks(in_range, phase, output);
  return in_range.peaks.size();
}

// The profile on `points` points of the range, scaled to 100.
core::Library profileLibrary(const Arguments& arguments, const core::StickPattern& sticks,
                             const core::ReferencePhase& phase, const core::AxisSpec& axis,
                             const core::PowderSettings& settings, double low, double high) {
  core::ProfileSettings profile;
  profile.u = arguments.number("u", 0);
  profile.v = arguments.number("v", 0);
  profile.w = arguments.number("w", 0.01);
  profile.eta = arguments.number("eta", 0.5);
  profile.crystallite_size_nm = arguments.number("size", 0);
  const auto points = static_cast<std::size_t>(arguments.integer("points", static_cast<int>(4001), 2, 1000000));
  if (points < 2) throw UsageError("--points must be at least 2");
  core::Library library;
  library.name = phase.name + " (simulated)";
  library.axis.spec = axis;
  library.axis.wavelength_angstrom = settings.radiation.primaryWavelength();
  for (std::size_t i = 0; i < points; ++i)
    library.axis.values.push_back(low + (high - low) * static_cast<double>(i) / static_cast<double>(points - 1));
  library.samples = 1;
  library.intensities = core::renderProfile(sticks, library.axis, profile);
  const float top = *std::max_element(library.intensities.begin(), library.intensities.end());
  if (top > 0)
    for (float& v : library.intensities) v *= 100.0F / top;
  library.metadata["wavelength_source"] = settings.radiation.name;
  library.metadata["simulated_from"] = phase.source;
  library.provenance = {{phase.source, 0}};
  return library;
}
}  // namespace

int runSimulate(const CommandContext& context) {
  const Arguments arguments(context.words,
                            {"o", "output", "wavelength", "kalpha2-ratio", "axis", "range", "points", "u", "v", "w",
                             "eta", "size", "b-iso", "monochromator", "phase", "stick-wavelength"},
                            {"help", "sticks", "no-debye-waller", "no-anomalous"});
  const auto output = arguments.value("o") ? arguments.value("o") : arguments.value("output");
  if (arguments.flag("help") || arguments.positional().size() != 1 || !output) {
    std::cout << kUsage;
    return arguments.flag("help") ? 0 : 2;
  }
  const core::ReferencePhase phase = loadPhase(arguments.positional()[0], arguments);
  core::PowderSettings settings = powderSettings(arguments);
  const core::AxisSpec axis = core::AxisSpec::parse(arguments.value("axis").value_or("2theta"));
  double low = 0, high = 0;
  chooseRange(arguments, axis, settings, low, high);
  const core::StickPattern sticks = core::idealSticks(phase, settings);
  if (arguments.flag("sticks")) {
    const std::size_t peaks = writeSticksInRange(sticks, phase, axis, low, high, *output);
    std::cout << "wrote " << *output << ": " << peaks << " peaks of " << phase.name << " (" << settings.radiation.name
              << ")\n";
    return 0;
  }
  const core::Library library = profileLibrary(arguments, sticks, phase, axis, settings, low, high);
  context.registry.writerFor(*output).write(library, *output);
  std::cout << "wrote " << *output << ": " << library.points() << " points of " << axis.name() << " for " << phase.name
            << " (" << settings.radiation.name << ", " << sticks.peaks.size() << " peaks)\n";
  return 0;
}

}  // namespace phasewise::cli
