#include "format_xrdml/xrdml_format.h"

#include <cmath>

#include "io/xml.h"
#include "model/resample.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
namespace {
constexpr std::uintmax_t kMaxXrdmlBytes = 512ULL << 20;

double numberIn(const XmlElement& e, const std::string& file, const std::string& what) {
  double v = 0;
  if (!parseNumber(e.text, v) || !std::isfinite(v))
    throw FormatError(file, e.line, what, "'" + std::string(trim(e.text).substr(0, 40)) + "' is not a number");
  return v;
}

std::vector<double> numberList(const XmlElement& e, const std::string& file, const std::string& what) {
  std::vector<double> values;
  std::vector<std::string_view> fields;
  splitFields(trim(e.text), " \t\r\n", fields);
  values.reserve(fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].empty()) continue;
    double v = 0;
    if (!parseNumber(fields[i], v) || !std::isfinite(v))
      throw FormatError(file, e.line, what,
                        "value " + std::to_string(i + 1) + " ('" + std::string(fields[i].substr(0, 30)) +
                            "') is not a finite number");
    values.push_back(v);
  }
  return values;
}

double wavelengthAngstrom(const XmlElement& e, const std::string& file, const std::string& what) {
  const double v = numberIn(e, file, what);
  const std::string unit = lowercase(e.attribute("unit", "Angstrom"));
  const double a = unit == "nm" ? v * 10.0 : v;
  if (!(a > 0.01 && a < 10.0))
    throw FormatError(file, e.line, what, "wavelength " + formatNumber(a) + " A is implausible");
  return a;
}

struct Scan {
  std::vector<double> two_theta;
  std::vector<double> counts;
};

Scan readScan(const XmlElement& scan, const std::string& file) {
  const XmlElement* points = scan.child("dataPoints");
  if (!points) throw FormatError(file, scan.line, "scan", "has no <dataPoints>");
  const XmlElement* data = points->child("counts");
  const char* data_name = "counts";
  if (!data) {
    data = points->child("intensities");
    data_name = "intensities";
  }
  if (!data) throw FormatError(file, points->line, "dataPoints", "has neither <counts> (v2) nor <intensities> (v1)");
  Scan out;
  out.counts = numberList(*data, file, data_name);
  if (out.counts.empty()) throw FormatError(file, data->line, data_name, "holds no values");
  const XmlElement* positions = nullptr;
  for (const XmlElement* p : points->childrenNamed("positions")) {
    const std::string axis = lowercase(p->attribute("axis"));
    if (axis == "2theta" || axis == "2-theta") positions = p;
  }
  if (!positions) throw FormatError(file, points->line, "positions", "no <positions axis=\"2Theta\"> in the scan");
  if (lowercase(positions->attribute("unit", "deg")) != "deg")
    throw FormatError(file, positions->line, "positions",
                      "2-theta unit '" + positions->attribute("unit") + "' is not deg");
  const std::size_t n = out.counts.size();
  if (const XmlElement* list = positions->child("listPositions")) {
    out.two_theta = numberList(*list, file, "listPositions");
    if (out.two_theta.size() != n)
      throw FormatError(
          file, list->line, "listPositions",
          "has " + std::to_string(out.two_theta.size()) + " positions for " + std::to_string(n) + " " + data_name);
  } else {
    const XmlElement* start = positions->child("startPosition");
    const XmlElement* end = positions->child("endPosition");
    if (!start || !end) throw FormatError(file, positions->line, "positions", "needs startPosition and endPosition");
    const double a = numberIn(*start, file, "startPosition");
    const double b = numberIn(*end, file, "endPosition");
    if (n < 2) throw FormatError(file, data->line, data_name, "a scan needs at least 2 points");
    if (!(b > a)) throw FormatError(file, end->line, "endPosition", "is not above startPosition");
    out.two_theta.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      out.two_theta[i] = a + (b - a) * static_cast<double>(i) / static_cast<double>(n - 1);
  }
  return out;
}
}  // namespace

int XrdmlReader::confidence(const FileProbe& probe) const {
  if (probe.is_directory) return 0;
  const bool ext = hasExtension(extensions(), probe.extension);
  if (probe.head.find("<xrdMeasurements") != std::string::npos) return 100;
  if (probe.head.find("xrdml") != std::string::npos && probe.head.find("<?xml") != std::string::npos) return 70;
  return ext ? 30 : 0;
}

ReadResult XrdmlReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  const std::string file = path.string();
  const std::string text = readWholeFile(path, kMaxXrdmlBytes);
  if (trim(text).empty()) throw FormatError(file, 0, "", "is empty");
  reportProgress(options.progress, 0.1, "parsing XML");
  const XmlElement root = parseXml(text, file);
  if (root.name != "xrdMeasurements")
    throw FormatError(file, root.line, "XML", "root element is <" + root.name + ">, not <xrdMeasurements>");
  ReadResult result;
  Library& lib = result.library;
  lib.axis.spec = {AxisKind::TwoTheta, AxisUnit::Degree};
  std::vector<Scan> scans;
  for (const XmlElement* measurement : root.childrenNamed("xrdMeasurement")) {
    if (const XmlElement* used = measurement->child("usedWavelength"); used && !lib.axis.wavelength_angstrom) {
      const XmlElement* a1 = used->child("kAlpha1");
      if (!a1) throw FormatError(file, used->line, "usedWavelength", "has no <kAlpha1>");
      lib.axis.wavelength_angstrom = wavelengthAngstrom(*a1, file, "kAlpha1");
      lib.metadata["wavelength_source"] = "file (usedWavelength/kAlpha1)";
      lib.metadata["wavelength_intended"] = used->attribute("intended");
      if (const XmlElement* a2 = used->child("kAlpha2"))
        lib.metadata["wavelength_kalpha2_angstrom"] = formatNumber(wavelengthAngstrom(*a2, file, "kAlpha2"));
      if (const XmlElement* ratio = used->child("ratioKAlpha2KAlpha1"))
        lib.metadata["ratio_kalpha2_kalpha1"] = formatNumber(numberIn(*ratio, file, "ratioKAlpha2KAlpha1"));
    }
    if (const XmlElement* beam = measurement->child("incidentBeamPath"))
      if (const XmlElement* tube = beam->child("xRayTube"))
        if (const XmlElement* anode = tube->child("anodeMaterial"))
          lib.metadata["anode"] = std::string(trim(anode->text));
    for (const XmlElement* scan : measurement->childrenNamed("scan")) scans.push_back(readScan(*scan, file));
  }
  if (scans.empty()) throw FormatError(file, root.line, "xrdMeasurement", "the file holds no <scan>");
  if (const XmlElement* sample = root.child("sample"))
    if (const XmlElement* id = sample->child("id")) lib.metadata["sample_id"] = std::string(trim(id->text));
  lib.metadata["format"] = "XRDML " + root.attribute("xmlns");
  if (!lib.axis.wavelength_angstrom)
    result.warnings.push_back("the file has no <usedWavelength>; give one to convert 2-theta to Q");

  bool same_grid = true;
  for (const Scan& s : scans) same_grid = same_grid && s.two_theta == scans.front().two_theta;
  std::vector<double> grid = scans.front().two_theta;
  if (!same_grid) {
    std::vector<Axis> axes;
    for (const Scan& s : scans) axes.push_back(Axis{lib.axis.spec, s.two_theta, lib.axis.wavelength_angstrom});
    grid = commonGrid(axes);
    result.warnings.push_back("the scans have different 2-theta grids; all were interpolated onto " +
                              std::to_string(grid.size()) + " common points");
  }
  checkAxisValues(grid, "2-theta positions");
  lib.axis.values = grid;
  lib.samples = scans.size();
  lib.intensities.resize(lib.samples * grid.size());
  for (std::size_t s = 0; s < scans.size(); ++s) {
    if (same_grid) {
      for (std::size_t i = 0; i < grid.size(); ++i)
        lib.intensities[s * grid.size() + i] = static_cast<float>(scans[s].counts[i]);
    } else {
      std::vector<float> row(scans[s].counts.begin(), scans[s].counts.end());
      LinearResampler(scans[s].two_theta, grid).apply(row.data(), lib.intensities.data() + s * grid.size());
    }
  }
  return result;
}

}  // namespace phasewise::plugins
