#include "format_hdf5/hdf5_format.h"

#include "format_hdf5/hdf5_handles.h"
#include "format_hdf5/hdf5_integrity.h"
#include "util/error.h"

namespace phasewise::plugins {
using namespace core;
using h5::Handle;
namespace {
constexpr const char* kLibraryGroup = "library";

std::string unitText(AxisUnit unit) { return unitName(unit); }
AxisUnit unitFromText(const std::string& text, const h5::Reader& r) {
  if (text == "nm^-1") return AxisUnit::InverseNanometre;
  if (text == "A^-1") return AxisUnit::InverseAngstrom;
  if (text == "deg") return AxisUnit::Degree;
  r.fail("axis_unit", "'" + text + "' is not one of nm^-1, A^-1, deg");
}
}  // namespace

Hdf5Reader::Hdf5Reader() { h5::silenceErrorStack(); }
Hdf5Writer::Hdf5Writer() { h5::silenceErrorStack(); }

int Hdf5Reader::confidence(const FileProbe& probe) const {
  if (probe.is_directory) return 0;
  // At the start, or after the 512-byte user block Phasewise writes (hdf5_integrity.h).
  const bool signature = h5::hasHdf5Signature(probe.head);
  const bool ext = hasExtension(extensions(), probe.extension);
  if (signature) return ext ? 95 : 80;
  return ext ? 20 : 0;
}

h5::Handle openPhasewiseFile(const std::string& file, const h5::Reader& r) {
  h5::silenceErrorStack();
  if (H5Fis_hdf5(file.c_str()) <= 0) r.fail("", "is not an HDF5 file (or it is truncated)");
  Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.valid()) r.fail("", "HDF5 cannot open it (truncated or damaged)");
  const auto format = r.stringAttribute(f.id(), "format");
  if (format != std::string("phasewise"))
    r.fail("format", "not a Phasewise file (root attribute format='phasewise' missing)");
  const auto version = r.intAttribute(f.id(), "schema_version");
  if (!version) r.fail("schema_version", "root attribute is missing");
  if (*version > kHdf5SchemaVersion || *version < 1)
    r.fail("schema_version", "is " + std::to_string(*version) + "; this Phasewise reads up to " +
                                 std::to_string(kHdf5SchemaVersion) + " (written by a newer version?)");
  return f;
}

void writePhasewiseRoot(hid_t file) {
  h5::writeStringAttribute(file, "format", "phasewise");
  h5::writeIntAttribute(file, "schema_version", kHdf5SchemaVersion);
  h5::writeStringAttribute(file, "software", "Phasewise");
}

namespace {
Library readLibraryFile(const std::string& file) {
  const h5::Reader r(file);
  Handle f = openPhasewiseFile(file, r);
  return readLibraryGroup(f.id(), r);
}
}  // namespace

ReadResult Hdf5Reader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  const std::string file = path.string();
  const h5::Hdf5Source source(path, [&](const std::filesystem::path& copy) {
    Hdf5Writer().write(readLibraryFile(file), copy);
    return std::string();
  });
  reportProgress(options.progress, 0.0, "reading HDF5");
  ReadResult result;
  result.library = readLibraryFile(source.path().string());
  return result;
}

namespace {

// Compositions, wafer positions, the neighbour graph and phase limits, where present.
void readSampleInformation(hid_t gid, const h5::Reader& r, Library& lib) {
  const std::size_t n = lib.samples;
  if (r.has(gid, "elements")) {
    const auto d = r.dims(gid, "elements", H5T_STRING);
    if (d.size() != 1) r.fail("elements", "dataset must be one-dimensional");
    lib.elements = r.strings(gid, "elements", d[0]);
    lib.composition.resize(n * lib.elements.size());
    r.read(gid, "composition", H5T_NATIVE_DOUBLE, {n, lib.elements.size()}, lib.composition.data());
  }
  if (r.has(gid, "x")) {
    lib.x.resize(n);
    lib.y.resize(n);
    r.read(gid, "x", H5T_NATIVE_DOUBLE, {n}, lib.x.data());
    r.read(gid, "y", H5T_NATIVE_DOUBLE, {n}, lib.y.data());
  }
  if (r.has(gid, "edges")) {
    const auto d = r.dims(gid, "edges", H5T_INTEGER);
    if (d.size() != 2 || d[1] != 2) r.fail("edges", "dataset must be pairs x 2");
    std::vector<std::int64_t> flat(d[0] * 2);
    r.read(gid, "edges", H5T_NATIVE_INT64, d, flat.data());
    for (std::size_t k = 0; k < d[0]; ++k) lib.edges.emplace_back(flat[2 * k], flat[2 * k + 1]);
  }
  if (r.has(gid, "phase_limit")) {
    lib.phase_limit.resize(n);
    r.read(gid, "phase_limit", H5T_NATIVE_INT32, {n}, lib.phase_limit.data());
  }
}

// Candidate phases, library and per-sample metadata, where present.
void readAnnotations(hid_t gid, const h5::Reader& r, Library& lib) {
  const std::size_t n = lib.samples;
  if (r.has(gid, "candidate_phases")) {
    const auto d = r.dims(gid, "candidate_phases", H5T_STRING);
    if (d.size() != 1) r.fail("candidate_phases", "dataset must be one-dimensional");
    lib.candidate_phases = r.strings(gid, "candidate_phases", d[0]);
    if (r.has(gid, "candidate_mask")) {
      lib.candidate_mask.resize(n * d[0]);
      r.read(gid, "candidate_mask", H5T_NATIVE_UINT8, {n, d[0]}, lib.candidate_mask.data());
    }
  }
  if (r.has(gid, "metadata_keys")) {
    const auto d = r.dims(gid, "metadata_keys", H5T_STRING);
    if (d.size() != 1) r.fail("metadata_keys", "dataset must be one-dimensional");
    const auto keys = r.strings(gid, "metadata_keys", d[0]);
    const auto values = r.strings(gid, "metadata_values", d[0]);
    for (std::size_t i = 0; i < keys.size(); ++i) lib.metadata[keys[i]] = values[i];
  }
  if (r.has(gid, "sample_metadata")) {
    Handle sm(H5Gopen2(gid, "sample_metadata", H5P_DEFAULT), H5Gclose);
    hsize_t count = 0;
    H5Gget_num_objs(sm.id(), &count);
    for (hsize_t i = 0; i < count; ++i) {
      const ssize_t length = H5Gget_objname_by_idx(sm.id(), i, nullptr, 0);
      std::string key(static_cast<std::size_t>(length), '\0');
      H5Gget_objname_by_idx(sm.id(), i, key.data(), static_cast<std::size_t>(length) + 1);
      lib.sample_metadata[key] = r.strings(sm.id(), key, n);
    }
  }
}

}  // namespace

Library readLibraryGroup(hid_t file, const h5::Reader& r) {
  if (!r.has(file, kLibraryGroup)) {
    if (r.has(file, "phases"))
      r.fail(kLibraryGroup,
             "the file holds a reference phase library, not sample patterns (see phasewise-cli library info)");
    r.fail(kLibraryGroup, "group is missing");
  }
  Handle g(H5Gopen2(file, kLibraryGroup, H5P_DEFAULT), H5Gclose);
  Library lib;
  lib.name = r.stringAttribute(g.id(), "name").value_or("");
  const auto kind = r.stringAttribute(g.id(), "axis_kind");
  const auto unit = r.stringAttribute(g.id(), "axis_unit");
  if (!kind || !unit) r.fail("axis_kind", "the library group must state axis_kind and axis_unit");
  if (*kind != "q" && *kind != "two_theta") r.fail("axis_kind", "'" + *kind + "' is not q or two_theta");
  lib.axis.spec.kind = *kind == "q" ? AxisKind::Q : AxisKind::TwoTheta;
  lib.axis.spec.unit = unitFromText(*unit, r);
  lib.axis.wavelength_angstrom = r.doubleAttribute(g.id(), "wavelength_angstrom");

  const auto axis_dims = r.dims(g.id(), "axis", H5T_FLOAT);
  if (axis_dims.size() != 1) r.fail("axis", "dataset must be one-dimensional");
  const std::size_t m = axis_dims[0];
  const auto intensity_dims = r.dims(g.id(), "intensities", H5T_FLOAT);
  if (intensity_dims.size() != 2 || intensity_dims[1] != m)
    r.fail("intensities", "dataset must be samples x " + std::to_string(m) + " (the axis length)");
  const std::size_t n = intensity_dims[0];
  lib.samples = n;
  lib.axis.values.resize(m);
  r.read(g.id(), "axis", H5T_NATIVE_DOUBLE, {m}, lib.axis.values.data());
  lib.intensities.resize(n * m);
  r.read(g.id(), "intensities", H5T_NATIVE_FLOAT, {n, m}, lib.intensities.data());
  if (r.has(g.id(), "uncertainties")) {
    lib.uncertainties.resize(n * m);
    r.read(g.id(), "uncertainties", H5T_NATIVE_FLOAT, {n, m}, lib.uncertainties.data());
  }
  readSampleInformation(g.id(), r, lib);
  readAnnotations(g.id(), r, lib);
  const auto files = r.strings(g.id(), "provenance_file", n);
  std::vector<std::int64_t> indices(n);
  r.read(g.id(), "provenance_index", H5T_NATIVE_INT64, {n}, indices.data());
  for (std::size_t s = 0; s < n; ++s) lib.provenance.push_back({files[s], indices[s]});
  return lib;
}

void writePhasewiseFile(const std::filesystem::path& target, const std::filesystem::path& temporary,
                        const std::function<void(hid_t file)>& fill) {
  {
    Handle f(H5Fcreate(temporary.c_str(), H5F_ACC_TRUNC, h5::creationProperties().id(), H5P_DEFAULT), H5Fclose);
    if (!f.valid()) throw Error("HDF5 cannot create " + target.string());
    writePhasewiseRoot(f.id());
    fill(f.id());
    if (H5Fflush(f.id(), H5F_SCOPE_GLOBAL) < 0) throw Error("HDF5 could not flush " + target.string());
  }
  h5::sealFile(temporary);
}

void Hdf5Writer::writeImpl(const Library& lib, const std::filesystem::path& temporary_path) const {
  writePhasewiseFile(temporary_path, temporary_path, [&](hid_t file) { writeLibraryGroup(file, lib); });
}

void writeLibraryGroup(hid_t file, const Library& lib) {
  Handle g(H5Gcreate2(file, kLibraryGroup, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  const hsize_t n = lib.samples;
  const hsize_t m = lib.points();
  h5::writeStringAttribute(g.id(), "name", lib.name);
  h5::writeStringAttribute(g.id(), "axis_kind", axisKindName(lib.axis.spec.kind));
  h5::writeStringAttribute(g.id(), "axis_unit", unitText(lib.axis.spec.unit));
  if (lib.axis.wavelength_angstrom)
    h5::writeDoubleAttribute(g.id(), "wavelength_angstrom", *lib.axis.wavelength_angstrom);
  h5::writeDataset(g.id(), "axis", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {m}, lib.axis.values.data());
  h5::writeDataset(g.id(), "intensities", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, {n, m}, lib.intensities.data());
  if (!lib.uncertainties.empty())
    h5::writeDataset(g.id(), "uncertainties", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, {n, m}, lib.uncertainties.data());
  if (!lib.elements.empty()) {
    h5::writeStrings(g.id(), "elements", lib.elements);
    h5::writeDataset(g.id(), "composition", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {n, lib.elements.size()},
                     lib.composition.data());
  }
  if (!lib.x.empty()) {
    h5::writeDataset(g.id(), "x", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {n}, lib.x.data());
    h5::writeDataset(g.id(), "y", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {n}, lib.y.data());
  }
  if (!lib.edges.empty()) {
    std::vector<std::int64_t> flat;
    flat.reserve(lib.edges.size() * 2);
    for (const auto& [a, b] : lib.edges) flat.insert(flat.end(), {a, b});
    h5::writeDataset(g.id(), "edges", H5T_NATIVE_INT64, H5T_STD_I64LE, {lib.edges.size(), 2}, flat.data());
  }
  if (!lib.phase_limit.empty())
    h5::writeDataset(g.id(), "phase_limit", H5T_NATIVE_INT32, H5T_STD_I32LE, {n}, lib.phase_limit.data());
  if (!lib.candidate_phases.empty()) {
    h5::writeStrings(g.id(), "candidate_phases", lib.candidate_phases);
    if (!lib.candidate_mask.empty())
      h5::writeDataset(g.id(), "candidate_mask", H5T_NATIVE_UINT8, H5T_STD_U8LE, {n, lib.candidate_phases.size()},
                       lib.candidate_mask.data());
  }
  if (!lib.metadata.empty()) {
    std::vector<std::string> keys, values;
    for (const auto& [k, v] : lib.metadata) {
      keys.push_back(k);
      values.push_back(v);
    }
    h5::writeStrings(g.id(), "metadata_keys", keys);
    h5::writeStrings(g.id(), "metadata_values", values);
  }
  if (!lib.sample_metadata.empty()) {
    Handle sm(H5Gcreate2(g.id(), "sample_metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    for (const auto& [key, values] : lib.sample_metadata) {
      if (key.empty() || key.find('/') != std::string::npos || key == ".")
        throw Error("sample metadata key '" + key + "' cannot be an HDF5 dataset name");
      h5::writeStrings(sm.id(), key, values);
    }
  }
  std::vector<std::string> files;
  std::vector<std::int64_t> indices;
  for (const SampleProvenance& p : lib.provenance) {
    files.push_back(p.file);
    indices.push_back(p.index);
  }
  h5::writeStrings(g.id(), "provenance_file", files);
  h5::writeDataset(g.id(), "provenance_index", H5T_NATIVE_INT64, H5T_STD_I64LE, {n}, indices.data());
}

std::string hdf5Version() {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

}  // namespace phasewise::plugins
