#include "format_hdf5/nexus_format.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "format_hdf5/hdf5_format.h"
#include "format_hdf5/hdf5_handles.h"
#include "format_hdf5/hdf5_integrity.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
using h5::Handle;
namespace {
constexpr std::size_t kMostChildren = 10000;  // a group with more is not a NeXus tree we read
constexpr double kPi = 3.14159265358979323846;

std::string normalised(const std::string& raw) {
  std::string text = lowercase(trim(raw));
  text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
  return text;
}

Handle openObject(hid_t parent, const std::string& name) {
  if (name.empty() || H5Lexists(parent, name.c_str(), H5P_DEFAULT) <= 0) return {};
  return Handle(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose);
}
bool isGroup(const Handle& object) { return object.valid() && H5Iget_type(object.id()) == H5I_GROUP; }
bool isDataset(const Handle& object) { return object.valid() && H5Iget_type(object.id()) == H5I_DATASET; }

std::vector<std::string> children(hid_t group, const h5::Reader& r) {
  H5G_info_t info{};
  if (H5Gget_info(group, &info) < 0) r.fail("", "a group cannot be read (damaged file?)");
  if (info.nlinks > kMostChildren) r.fail("", "a group holds " + std::to_string(info.nlinks) + " entries");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t size = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (size <= 0 || size > 4096) continue;
    std::string name(static_cast<std::size_t>(size) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(size));
    names.push_back(name);
  }
  return names;
}

std::string nxClass(hid_t object, const h5::Reader& r) {
  const std::vector<std::string> values = r.stringAttributes(object, "NX_class");
  return values.empty() ? std::string() : values.front();
}

// The child group of `parent` named by its `default` attribute, or the first of class `wanted`.
std::string defaultChild(hid_t parent, const std::string& wanted, const h5::Reader& r) {
  if (const auto named = r.stringAttribute(parent, "default"); named && isGroup(openObject(parent, *named)))
    return *named;
  for (const std::string& name : children(parent, r)) {
    const Handle child = openObject(parent, name);
    if (isGroup(child) && nxClass(child.id(), r) == wanted) return name;
  }
  return {};
}

// The NXdata holding the patterns: entry/default, else the first NXdata in the entry or one
// level below it (pyFAI: entry/integrate/results).
std::string findData(hid_t file, const h5::Reader& r) {
  const std::string entry = defaultChild(file, "NXentry", r);
  if (entry.empty()) r.fail("", "no NXentry group: not a NeXus file");
  const Handle e = openObject(file, entry);
  if (std::string data = defaultChild(e.id(), "NXdata", r); !data.empty()) return entry + "/" + data;
  for (const std::string& name : children(e.id(), r)) {
    const Handle child = openObject(e.id(), name);
    if (!isGroup(child)) continue;
    if (std::string data = defaultChild(child.id(), "NXdata", r); !data.empty()) return entry + "/" + name + "/" + data;
  }
  r.fail(entry, "holds no NXdata group with patterns");
}

struct AxisMeaning {
  AxisSpec spec;
  double scale = 1.0;  // to the unit of spec (radians -> degrees)
};

AxisMeaning axisMeaning(hid_t data, const std::string& axis, const h5::Reader& r) {
  const Handle dataset = openObject(data, axis);
  const std::string units = normalised(r.stringAttribute(dataset.id(), "units").value_or(""));
  const std::string name = normalised(axis);
  const auto is = [](const std::string& text, std::initializer_list<const char*> options) {
    return std::any_of(options.begin(), options.end(), [&](const char* o) { return text == o; });
  };
  using K = AxisKind;
  using U = AxisUnit;
  if (is(units, {"1/nm", "nm^-1", "nm-1", "1/nanometer", "nm^{-1}"}) || (units.empty() && name == "q_nm^-1"))
    return {{K::Q, U::InverseNanometre}};
  if (is(units, {"1/a", "a^-1", "a-1", "1/angstrom", "angstrom^-1", "1/\xc3\xa5", "\xc3\xa5^-1", "a^{-1}"}) ||
      (units.empty() && name == "q_a^-1"))
    return {{K::Q, U::InverseAngstrom}};
  if (is(units, {"deg", "degree", "degrees", "\xc2\xb0"}) || (units.empty() && name == "2th_deg"))
    return {{K::TwoTheta, U::Degree}};
  if (is(units, {"rad", "radian", "radians"}) || (units.empty() && name == "2th_rad"))
    return {{K::TwoTheta, U::Degree}, 180.0 / kPi};
  if (units.empty())
    r.fail(axis, "the pattern axis has no units (state 1/nm, 1/angstrom, deg or rad): it is not guessed");
  r.fail(axis, "units '" + units + "' are not a diffraction axis (1/nm, 1/angstrom, deg, rad)");
}

// NXmonochromator/wavelength or NXbeam/incident_wavelength anywhere below the entry (a few
// levels deep), in Angstrom; nullopt when the file does not state one.
std::optional<double> findWavelength(hid_t group, int depth, const h5::Reader& r, std::vector<std::string>& warnings) {
  const std::string klass = nxClass(group, r);
  const char* key = klass == "NXmonochromator" ? "wavelength" : klass == "NXbeam" ? "incident_wavelength" : nullptr;
  if (key != nullptr && isDataset(openObject(group, key))) {
    const std::vector<double> value = r.numbers(group, key);
    if (value.empty() || !std::isfinite(value.front()) || value.front() <= 0)
      r.fail(key, "the wavelength is not a positive number");
    const Handle dataset = openObject(group, key);
    const std::string units = normalised(r.stringAttribute(dataset.id(), "units").value_or(""));
    double v = value.front();
    if (units == "m") {
      v *= 1e10;
    } else if (units == "nm") {
      v *= 10;
    } else if (units == "a" || units == "angstrom" || units == "\xc3\xa5" || units == "angstroms") {
    } else if (units.empty()) {
      // No units: its size says which (X-ray wavelengths are 0.1-3 A, i.e. 1e-11-3e-10 m).
      if (v < 1e-8) v *= 1e10;
      warnings.push_back("the wavelength has no units; read as " + formatNumber(v) + " A from its size");
    } else {
      r.fail(key, "wavelength units '" + units + "' are not m, nm or angstrom");
    }
    if (!(v > 0.01 && v < 20)) r.fail(key, "a wavelength of " + formatNumber(v) + " A is not an X-ray wavelength");
    return v;
  }
  if (depth == 0) return std::nullopt;
  for (const std::string& name : children(group, r)) {
    const Handle child = openObject(group, name);
    if (!isGroup(child)) continue;
    if (auto found = findWavelength(child.id(), depth - 1, r, warnings)) return found;
  }
  return std::nullopt;
}

// The signal's name and its axes' names (one per dimension, "." for none), new or old style.
std::pair<std::string, std::vector<std::string>> signalAndAxes(hid_t data, const h5::Reader& r) {
  std::string signal = r.stringAttribute(data, "signal").value_or("");
  std::vector<std::string> axes = r.stringAttributes(data, "axes");
  if (axes.size() > 32) r.fail("axes", "lists " + std::to_string(axes.size()) + " names (at most 32 axes)");
  if (signal.empty()) {
    for (const std::string& name : children(data, r)) {
      const Handle child = openObject(data, name);
      if (!isDataset(child) || H5Aexists(child.id(), "signal") <= 0) continue;
      signal = name;  // the older convention: signal=1 on the dataset, axes="a:b" on it too
      const std::string old = r.stringAttribute(child.id(), "axes").value_or("");
      std::vector<std::string_view> fields;
      splitFields(old, ":,", fields);
      axes.assign(fields.begin(), fields.end());
      break;
    }
  }
  if (signal.empty()) r.fail("signal", "the NXdata group names no signal dataset");
  if (!isDataset(openObject(data, signal))) r.fail(signal, "the signal dataset is missing");
  return {signal, axes};
}

// A 1-D axis dataset of `length` values.
std::vector<double> axisValues(hid_t data, const std::string& name, hsize_t length, const h5::Reader& r) {
  if (r.numericDims(data, name) != std::vector<hsize_t>{length})
    r.fail(name, "the axis does not have one value per point (" + std::to_string(length) + ")");
  return r.numbers(data, name);
}

ReadResult readNexus(const std::string& file) {
  h5::silenceErrorStack();
  const h5::Reader r(file);
  if (H5Fis_hdf5(file.c_str()) <= 0) r.fail("", "is not an HDF5 file (or it is truncated)");
  Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) r.fail("", "HDF5 cannot open it (truncated or damaged)");
  const std::string path = findData(f.id(), r);
  const Handle data(H5Gopen2(f.id(), path.c_str(), H5P_DEFAULT), H5Gclose);
  const auto [signal, axes] = signalAndAxes(data.id(), r);
  const h5::Reader at(file + ":" + path);  // messages name the group
  const std::vector<hsize_t> dims = at.numericDims(data.id(), signal);
  if (dims.empty() || dims.size() > 3)
    at.fail(signal, "holds " + std::to_string(dims.size()) + "-dimensional data (1: a pattern, 2: a stack, 3: a map)");
  const hsize_t points = dims.back();
  if (points < 2) at.fail(signal, "patterns need at least two points");
  const std::string axis_name = axes.size() == dims.size() ? axes.back() : std::string();
  if (axis_name.empty() || axis_name == ".")
    at.fail("axes", "no axis dataset is named for the pattern dimension (NXdata 'axes')");
  const AxisMeaning meaning = axisMeaning(data.id(), axis_name, at);

  ReadResult result;
  Library& lib = result.library;
  lib.name = std::filesystem::path(file).stem().string();
  lib.axis.spec = meaning.spec;
  std::vector<double> axis = axisValues(data.id(), axis_name, points, at);
  for (double& v : axis) v *= meaning.scale;
  const std::vector<double> values = at.numbers(data.id(), signal);
  lib.samples = values.size() / points;
  lib.intensities.assign(values.begin(), values.end());
  lib.axis.values = std::move(axis);
  // Descending axes (some 2-theta scans) are turned round; anything else not monotonic is refused.
  if (std::is_sorted(lib.axis.values.rbegin(), lib.axis.values.rend())) {
    std::reverse(lib.axis.values.begin(), lib.axis.values.end());
    for (std::size_t s = 0; s < lib.samples; ++s) std::reverse(lib.pattern(s), lib.pattern(s) + points);
  }
  for (std::size_t i = 1; i < lib.points(); ++i)
    if (!(lib.axis.values[i] > lib.axis.values[i - 1]))
      at.fail(axis_name, "the axis is not strictly monotonic (value " + std::to_string(i + 1) + ")");
  for (const std::string& errors : {std::string("errors"), signal + "_errors"})
    if (isDataset(openObject(data.id(), errors)) && at.numericDims(data.id(), errors) == dims) {
      const std::vector<double> e = at.numbers(data.id(), errors);
      lib.uncertainties.assign(e.begin(), e.end());
      break;
    }
  // Scan or map positions, kept per sample under the axes' own names and units.
  for (std::size_t d = 0; d + 1 < dims.size(); ++d) {
    if (d >= axes.size() || axes[d].empty() || axes[d] == "." || !isDataset(openObject(data.id(), axes[d]))) continue;
    const std::vector<double> position = axisValues(data.id(), axes[d], dims[d], at);
    std::vector<std::string>& column = lib.sample_metadata[axes[d]];
    for (std::size_t s = 0; s < lib.samples; ++s) {
      const std::size_t index = dims.size() == 3 ? (d == 0 ? s / dims[1] : s % dims[1]) : s;
      column.push_back(formatNumber(position[index]));
    }
  }
  Handle entry(H5Gopen2(f.id(), path.substr(0, path.find('/')).c_str(), H5P_DEFAULT), H5Gclose);
  lib.axis.wavelength_angstrom = findWavelength(entry.id(), 3, at, result.warnings);
  if (!lib.axis.wavelength_angstrom && lib.axis.spec.kind == AxisKind::TwoTheta)
    result.warnings.push_back("no wavelength in the file (NXmonochromator/wavelength): 2-theta without a wavelength");
  lib.metadata["nexus_data"] = path;
  for (std::size_t s = 0; s < lib.samples; ++s) lib.provenance.push_back({file, static_cast<std::int64_t>(s)});
  try {
    lib.validate();
  } catch (const Error& e) {
    at.fail(signal, e.what());
  }
  return result;
}
}  // namespace

int NexusReader::confidence(const FileProbe& probe) const {
  if (probe.is_directory) return 0;
  const bool signature = h5::hasHdf5Signature(probe.head);
  if (!signature) return 0;
  // NeXus trees label their groups: NX_class is near the start of any such file.
  if (probe.head.find("NX_class") != std::string::npos) return 97;
  return probe.extension == ".nxs" || probe.extension == ".nx5" ? 90 : 0;
}

ReadResult NexusReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  const std::string file = path.string();
  // libhdf5 can crash, loop or blow up memory on a damaged file: the child reads it and hands
  // back a sealed Phasewise copy, with the warnings one per line.
  const h5::Hdf5Source source(path, [&](const std::filesystem::path& copy) {
    const ReadResult read = readNexus(file);
    Hdf5Writer().write(read.library, copy);
    std::string warnings;
    for (const std::string& w : read.warnings) warnings += w + "\n";
    return warnings;
  });
  reportProgress(options.progress, 0.0, "reading NeXus");
  if (source.sealed()) return readNexus(file);  // a sealed file is Phasewise's, not NeXus: says so
  ReadResult result;
  result.library = Hdf5Reader().read(source.path()).library;
  std::vector<std::string_view> lines;
  splitFields(source.note(), "\n", lines);
  for (std::string_view w : lines)
    if (!w.empty()) result.warnings.emplace_back(w);
  return result;
}

}  // namespace phasewise::plugins
