#include "library_summary.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "io/registry.h"
#include "model/peak_width.h"
#include "simulate/radiation.h"
#include "util/text.h"

namespace phasewise::cli {
using namespace core;
namespace {
// Six significant digits: enough to read, without float32 noise such as 79.900002.
std::string display(double v) {
  std::ostringstream s;
  s << std::setprecision(6) << v;
  return s.str();
}
std::string range(double low, double high) { return display(low) + " .. " + display(high); }
std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}
}  // namespace

ReadResult readInput(const CommandContext& context, const Arguments& arguments, const std::string& path,
                     std::string* format_id) {
  ReadOptions options;
  if (arguments.value("wavelength")) {
    const double w = arguments.number("wavelength", 0.0);
    if (!(w > 0.0 && w < 10.0)) throw UsageError("--wavelength must be in Angstrom, between 0 and 10");
    options.wavelength_angstrom = w;
  }
  if (const auto axis = arguments.value("axis")) options.axis = AxisSpec::parse(*axis);
  const FormatReader& reader = arguments.value("format") ? context.registry.reader(*arguments.value("format"))
                                                         : context.registry.readerFor(path);
  if (format_id) *format_id = reader.id();
  ReadResult result = reader.read(path, options);
  for (const std::string& w : result.warnings) std::cerr << "warning: " << path << ": " << w << "\n";
  return result;
}

void printSummary(std::ostream& out, const Library& lib, const std::string& title) {
  out << title << "\n";
  out << "  name:         " << lib.name << "\n";
  out << "  samples:      " << lib.samples << "\n";
  out << "  points:       " << lib.points() << "\n";
  out << "  axis:         " << lib.axis.spec.name() << ", " << range(lib.axis.front(), lib.axis.back()) << "\n";
  out << "  wavelength:   ";
  if (lib.axis.wavelength_angstrom) {
    out << formatNumber(*lib.axis.wavelength_angstrom) << " A";
    const auto source = lib.metadata.find("wavelength_source");
    if (source != lib.metadata.end()) out << " (" << source->second << ")";
    out << "\n";
  } else if (lib.axis.spec.kind == AxisKind::Q) {
    out << "not needed (Q axis)\n";
  } else {
    out << "NOT STATED: pass --wavelength to convert 2-theta to Q\n";
  }
  if (!lib.elements.empty()) {
    out << "  elements:     ";
    for (std::size_t e = 0; e < lib.elements.size(); ++e) out << (e ? ", " : "") << lib.elements[e];
    out << "\n  composition: ";
    for (std::size_t e = 0; e < lib.elements.size(); ++e) {
      double low = 1.0, high = 0.0;
      for (std::size_t s = 0; s < lib.samples; ++s) {
        low = std::min(low, lib.fraction(s, e));
        high = std::max(high, lib.fraction(s, e));
      }
      out << (e ? ", " : " ") << lib.elements[e] << " " << fixed(low, 3) << " .. " << fixed(high, 3);
    }
    out << "\n";
  } else {
    out << "  elements:     none given\n";
  }
  if (!lib.x.empty()) {
    out << "  positions:    x "
        << range(*std::min_element(lib.x.begin(), lib.x.end()), *std::max_element(lib.x.begin(), lib.x.end())) << ", y "
        << range(*std::min_element(lib.y.begin(), lib.y.end()), *std::max_element(lib.y.begin(), lib.y.end())) << "\n";
  }
  if (!lib.edges.empty()) out << "  neighbours:   " << lib.edges.size() << " edges\n";
  if (!lib.phase_limit.empty())
    out << "  phase limit:  " << *std::min_element(lib.phase_limit.begin(), lib.phase_limit.end()) << " .. "
        << *std::max_element(lib.phase_limit.begin(), lib.phase_limit.end()) << " phases per sample\n";
  if (!lib.candidate_phases.empty()) out << "  candidates:   " << lib.candidate_phases.size() << " phases\n";
  const auto [low, high] = std::minmax_element(lib.intensities.begin(), lib.intensities.end());
  out << "  intensity:    " << range(*low, *high) << "\n";
  // What `train --fwhm-like` would train on: the data's own peak widths, in the classifier's
  // terms (degrees 2-theta of Cu K-alpha1, the training default).
  const Radiation cu = Radiation::parse("CuKa1");
  if (const auto width = medianPeakWidth(lib, cu.primaryWavelength()))
    out << "  peak width:   FWHM " << fixed(width->q_nm, 3) << " nm^-1 at Q " << fixed(width->at_q_nm, 1) << " nm^-1 ("
        << fixed(width->two_theta_deg, 3) << " deg 2-theta of Cu K-alpha1), median of the strongest peak of "
        << width->samples << " samples\n";
  for (const auto& [key, values] : lib.sample_metadata) out << "  per sample:   " << key << "\n";
}

}  // namespace phasewise::cli
