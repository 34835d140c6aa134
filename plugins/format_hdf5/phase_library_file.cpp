#include "format_hdf5/phase_library_file.h"

#include "format_hdf5/hdf5_format.h"
#include "format_hdf5/hdf5_handles.h"
#include "format_hdf5/hdf5_integrity.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace phasewise::plugins {
using namespace core;
using h5::Handle;
namespace {
constexpr const char* kGroup = "phases";

// Column builders: every table is a set of equally long datasets.
struct Columns {
  std::vector<std::int64_t> owner;
  void write(hid_t g, const std::string& name) const {
    if (!owner.empty()) h5::writeDataset(g, name, H5T_NATIVE_INT64, H5T_STD_I64LE, {owner.size()}, owner.data());
  }
};

template <typename T>
void writeColumn(hid_t g, const std::string& name, const std::vector<T>& values, hid_t memory, hid_t file,
                 std::size_t width = 1) {
  if (values.empty()) return;
  if (width == 1)
    h5::writeDataset(g, name, memory, file, {values.size()}, values.data());
  else
    h5::writeDataset(g, name, memory, file, {values.size() / width, width}, values.data());
}

template <typename T>
std::vector<T> readColumn(const h5::Reader& r, hid_t g, const std::string& name, hid_t memory, std::size_t rows,
                          std::size_t width = 1) {
  std::vector<T> values(rows * width);
  if (rows == 0) return values;
  if (width == 1)
    r.read(g, name, memory, {rows}, values.data());
  else
    r.read(g, name, memory, {rows, width}, values.data());
  return values;
}

std::size_t rowsOf(const h5::Reader& r, hid_t g, const std::string& name) {
  if (!r.has(g, name)) return 0;
  return r.dims(g, name, H5T_INTEGER).at(0);
}

void checkOwner(const h5::Reader& r, const std::vector<std::int64_t>& owner, std::size_t limit,
                const std::string& name) {
  for (std::int64_t o : owner)
    if (o < 0 || static_cast<std::size_t>(o) >= limit)
      r.fail(name, "refers to entry " + std::to_string(o) + " of " + std::to_string(limit));
}
}  // namespace

namespace {

// The schema (docs/file-format.md) is one table per kind of row, each row naming its owner:
// phases; their compositions and sticks; structures; their symmetry operations and sites.
// Each table is written and read by its own function, in the file's dataset order.

void writePhaseTable(hid_t gid, const PhaseLibrary& library) {
  std::vector<std::string> names, formulas, sources, kinds;
  for (const ReferencePhase& phase : library.phases) {
    names.push_back(phase.name);
    formulas.push_back(phase.formula);
    sources.push_back(phase.source);
    kinds.push_back(phase.structure ? "structure" : "sticks");
  }
  if (names.empty()) return;
  h5::writeStrings(gid, "name", names);
  h5::writeStrings(gid, "formula", formulas);
  h5::writeStrings(gid, "source", sources);
  h5::writeStrings(gid, "kind", kinds);
}

void writeCompositionTable(hid_t gid, const PhaseLibrary& library) {
  Columns composition;
  std::vector<std::string> composition_element;
  std::vector<double> composition_fraction;
  for (std::size_t p = 0; p < library.size(); ++p)
    for (const auto& [element, fraction] : library.phases[p].composition) {
      composition.owner.push_back(static_cast<std::int64_t>(p));
      composition_element.push_back(element);
      composition_fraction.push_back(fraction);
    }
  composition.write(gid, "composition_phase");
  if (!composition_element.empty()) h5::writeStrings(gid, "composition_element", composition_element);
  writeColumn(gid, "composition_fraction", composition_fraction, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
}

void writeStickTable(hid_t gid, const PhaseLibrary& library) {
  Columns sticks;
  std::vector<double> stick_q, stick_intensity;
  std::vector<std::int32_t> stick_hkl;
  std::vector<std::uint8_t> stick_has_hkl;
  for (std::size_t p = 0; p < library.size(); ++p)
    for (const StickLine& s : library.phases[p].sticks) {
      sticks.owner.push_back(static_cast<std::int64_t>(p));
      stick_q.push_back(s.q_nm);
      stick_intensity.push_back(s.intensity);
      const std::array<int, 3> hkl = s.hkl.value_or(std::array<int, 3>{0, 0, 0});
      stick_hkl.insert(stick_hkl.end(), hkl.begin(), hkl.end());
      stick_has_hkl.push_back(s.hkl ? 1 : 0);
    }
  sticks.write(gid, "stick_phase");
  writeColumn(gid, "stick_q_nm", stick_q, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
  writeColumn(gid, "stick_intensity", stick_intensity, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
  writeColumn(gid, "stick_hkl", stick_hkl, H5T_NATIVE_INT32, H5T_STD_I32LE, 3);
  writeColumn(gid, "stick_has_hkl", stick_has_hkl, H5T_NATIVE_UINT8, H5T_STD_U8LE);
}

// Structures, then their operations and sites (owned by the structure's row).
void writeStructureTables(hid_t gid, const PhaseLibrary& library) {
  Columns structures, operations, sites;
  std::vector<std::string> space_group, structure_name, structure_formula, site_label, site_element;
  std::vector<double> cell, op_translation, site_fract, site_occupancy, site_b;
  std::vector<std::int32_t> space_group_number, op_rotation, site_charge;
  std::vector<std::uint8_t> site_b_from_file;
  for (std::size_t p = 0; p < library.size(); ++p) {
    if (!library.phases[p].structure) continue;
    const CrystalStructure& st = *library.phases[p].structure;
    const auto structure_index = static_cast<std::int64_t>(structures.owner.size());
    structures.owner.push_back(static_cast<std::int64_t>(p));
    cell.insert(cell.end(), {st.cell.a, st.cell.b, st.cell.c, st.cell.alpha, st.cell.beta, st.cell.gamma});
    space_group.push_back(st.space_group);
    space_group_number.push_back(st.space_group_number);
    structure_name.push_back(st.name);
    structure_formula.push_back(st.formula);
    for (const SymmetryOperation& op : st.operations) {
      operations.owner.push_back(structure_index);
      for (const auto& row : op.rotation) op_rotation.insert(op_rotation.end(), row.begin(), row.end());
      op_translation.insert(op_translation.end(), op.translation.begin(), op.translation.end());
    }
    for (const AtomSite& site : st.sites) {
      sites.owner.push_back(structure_index);
      site_label.push_back(site.label);
      site_element.push_back(site.element);
      site_charge.push_back(site.charge);
      site_fract.insert(site_fract.end(), site.fract.begin(), site.fract.end());
      site_occupancy.push_back(site.occupancy);
      site_b.push_back(site.b_iso);
      site_b_from_file.push_back(site.b_from_file ? 1 : 0);
    }
  }
  structures.write(gid, "structure_phase");
  writeColumn(gid, "structure_cell", cell, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, 6);
  if (!space_group.empty()) {
    h5::writeStrings(gid, "structure_space_group", space_group);
    h5::writeStrings(gid, "structure_name", structure_name);
    h5::writeStrings(gid, "structure_formula", structure_formula);
  }
  writeColumn(gid, "structure_space_group_number", space_group_number, H5T_NATIVE_INT32, H5T_STD_I32LE);
  operations.write(gid, "operation_structure");
  writeColumn(gid, "operation_rotation", op_rotation, H5T_NATIVE_INT32, H5T_STD_I32LE, 9);
  writeColumn(gid, "operation_translation", op_translation, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, 3);
  sites.write(gid, "site_structure");
  if (!site_label.empty()) {
    h5::writeStrings(gid, "site_label", site_label);
    h5::writeStrings(gid, "site_element", site_element);
  }
  writeColumn(gid, "site_charge", site_charge, H5T_NATIVE_INT32, H5T_STD_I32LE);
  writeColumn(gid, "site_fract", site_fract, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, 3);
  writeColumn(gid, "site_occupancy", site_occupancy, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
  writeColumn(gid, "site_b_iso", site_b, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE);
  writeColumn(gid, "site_b_from_file", site_b_from_file, H5T_NATIVE_UINT8, H5T_STD_U8LE);
}

void readCompositionTable(const h5::Reader& r, hid_t gid, PhaseLibrary& library) {
  const std::size_t nc = rowsOf(r, gid, "composition_phase");
  const auto c_owner = readColumn<std::int64_t>(r, gid, "composition_phase", H5T_NATIVE_INT64, nc);
  checkOwner(r, c_owner, library.size(), "composition_phase");
  const auto c_element = nc ? r.strings(gid, "composition_element", nc) : std::vector<std::string>{};
  const auto c_fraction = readColumn<double>(r, gid, "composition_fraction", H5T_NATIVE_DOUBLE, nc);
  for (std::size_t i = 0; i < nc; ++i)
    library.phases[static_cast<std::size_t>(c_owner[i])].composition[c_element[i]] = c_fraction[i];
}

void readStickTable(const h5::Reader& r, hid_t gid, PhaseLibrary& library) {
  const std::size_t ns = rowsOf(r, gid, "stick_phase");
  const auto s_owner = readColumn<std::int64_t>(r, gid, "stick_phase", H5T_NATIVE_INT64, ns);
  checkOwner(r, s_owner, library.size(), "stick_phase");
  const auto q = readColumn<double>(r, gid, "stick_q_nm", H5T_NATIVE_DOUBLE, ns);
  const auto intensity = readColumn<double>(r, gid, "stick_intensity", H5T_NATIVE_DOUBLE, ns);
  const auto hkl = readColumn<std::int32_t>(r, gid, "stick_hkl", H5T_NATIVE_INT32, ns, 3);
  const auto has_hkl = readColumn<std::uint8_t>(r, gid, "stick_has_hkl", H5T_NATIVE_UINT8, ns);
  for (std::size_t i = 0; i < ns; ++i) {
    StickLine s;
    s.q_nm = q[i];
    s.intensity = intensity[i];
    if (has_hkl[i]) s.hkl = std::array<int, 3>{hkl[3 * i], hkl[3 * i + 1], hkl[3 * i + 2]};
    library.phases[static_cast<std::size_t>(s_owner[i])].sticks.push_back(s);
  }
}

void readOperationTable(const h5::Reader& r, hid_t gid, std::vector<CrystalStructure>& structures) {
  const std::size_t no = rowsOf(r, gid, "operation_structure");
  const auto o_owner = readColumn<std::int64_t>(r, gid, "operation_structure", H5T_NATIVE_INT64, no);
  checkOwner(r, o_owner, structures.size(), "operation_structure");
  const auto rotation = readColumn<std::int32_t>(r, gid, "operation_rotation", H5T_NATIVE_INT32, no, 9);
  const auto translation = readColumn<double>(r, gid, "operation_translation", H5T_NATIVE_DOUBLE, no, 3);
  for (std::size_t i = 0; i < no; ++i) {
    SymmetryOperation op;
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) op.rotation[a][b] = rotation[9 * i + 3 * a + b];
      op.translation[a] = translation[3 * i + a];
    }
    structures[static_cast<std::size_t>(o_owner[i])].operations.push_back(op);
  }
}

void readSiteTable(const h5::Reader& r, hid_t gid, std::vector<CrystalStructure>& structures) {
  const std::size_t na = rowsOf(r, gid, "site_structure");
  const auto a_owner = readColumn<std::int64_t>(r, gid, "site_structure", H5T_NATIVE_INT64, na);
  checkOwner(r, a_owner, structures.size(), "site_structure");
  const auto label = na ? r.strings(gid, "site_label", na) : std::vector<std::string>{};
  const auto element = na ? r.strings(gid, "site_element", na) : std::vector<std::string>{};
  const auto charge = readColumn<std::int32_t>(r, gid, "site_charge", H5T_NATIVE_INT32, na);
  const auto fract = readColumn<double>(r, gid, "site_fract", H5T_NATIVE_DOUBLE, na, 3);
  const auto occupancy = readColumn<double>(r, gid, "site_occupancy", H5T_NATIVE_DOUBLE, na);
  const auto b_iso = readColumn<double>(r, gid, "site_b_iso", H5T_NATIVE_DOUBLE, na);
  const auto b_file = readColumn<std::uint8_t>(r, gid, "site_b_from_file", H5T_NATIVE_UINT8, na);
  for (std::size_t i = 0; i < na; ++i) {
    AtomSite site;
    site.label = label[i];
    site.element = element[i];
    site.charge = charge[i];
    site.fract = {fract[3 * i], fract[3 * i + 1], fract[3 * i + 2]};
    site.occupancy = occupancy[i];
    site.b_iso = b_iso[i];
    site.b_from_file = b_file[i] != 0;
    structures[static_cast<std::size_t>(a_owner[i])].sites.push_back(site);
  }
}

void readStructureTables(const h5::Reader& r, hid_t gid, PhaseLibrary& library) {
  const std::size_t nt = rowsOf(r, gid, "structure_phase");
  const auto t_owner = readColumn<std::int64_t>(r, gid, "structure_phase", H5T_NATIVE_INT64, nt);
  checkOwner(r, t_owner, library.size(), "structure_phase");
  const auto cell = readColumn<double>(r, gid, "structure_cell", H5T_NATIVE_DOUBLE, nt, 6);
  const auto group = nt ? r.strings(gid, "structure_space_group", nt) : std::vector<std::string>{};
  const auto t_name = nt ? r.strings(gid, "structure_name", nt) : std::vector<std::string>{};
  const auto t_formula = nt ? r.strings(gid, "structure_formula", nt) : std::vector<std::string>{};
  const auto number = readColumn<std::int32_t>(r, gid, "structure_space_group_number", H5T_NATIVE_INT32, nt);
  std::vector<CrystalStructure> structures(nt);
  for (std::size_t t = 0; t < nt; ++t) {
    CrystalStructure& st = structures[t];
    st.cell = {cell[6 * t], cell[6 * t + 1], cell[6 * t + 2], cell[6 * t + 3], cell[6 * t + 4], cell[6 * t + 5]};
    st.space_group = group[t];
    st.space_group_number = number[t];
    st.name = t_name[t];
    st.formula = t_formula[t];
    st.source = library.phases[static_cast<std::size_t>(t_owner[t])].source;
  }
  readOperationTable(r, gid, structures);
  readSiteTable(r, gid, structures);
  for (std::size_t t = 0; t < nt; ++t) {
    if (structures[t].operations.empty() || structures[t].sites.empty())
      r.fail("structure_phase", "structure " + std::to_string(t) + " has no symmetry operations or no sites");
    library.phases[static_cast<std::size_t>(t_owner[t])].structure = std::move(structures[t]);
  }
}

}  // namespace

void writePhaseLibraryGroup(hid_t file, const PhaseLibrary& library) {
  Handle g(H5Gcreate2(file, kGroup, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  if (!g.valid()) throw Error("HDF5 could not create the /phases group");
  h5::writeIntAttribute(g.id(), "count", static_cast<std::int64_t>(library.size()));
  writePhaseTable(g.id(), library);
  writeCompositionTable(g.id(), library);
  writeStickTable(g.id(), library);
  writeStructureTables(g.id(), library);
}

PhaseLibrary readPhaseLibraryGroup(hid_t file, const std::string& file_name) {
  const h5::Reader r(file_name);
  if (!r.has(file, kGroup)) r.fail(kGroup, "group is missing: the file holds no phase library");
  Handle g(H5Gopen2(file, kGroup, H5P_DEFAULT), H5Gclose);
  const hid_t gid = g.id();
  const auto count = r.intAttribute(gid, "count");
  if (!count || *count < 0) r.fail("count", "attribute of /phases is missing");
  const auto n = static_cast<std::size_t>(*count);
  PhaseLibrary library;
  library.phases.resize(n);
  if (n == 0) return library;
  const auto names = r.strings(gid, "name", n);
  const auto formulas = r.strings(gid, "formula", n);
  const auto sources = r.strings(gid, "source", n);
  for (std::size_t p = 0; p < n; ++p) {
    library.phases[p].name = names[p];
    library.phases[p].formula = formulas[p];
    library.phases[p].source = sources[p];
  }
  readCompositionTable(r, gid, library);
  readStickTable(r, gid, library);
  readStructureTables(r, gid, library);
  for (const ReferencePhase& p : library.phases)
    if (!p.structure && p.sticks.empty()) r.fail("kind", "phase '" + p.name + "' has neither a structure nor sticks");
  return library;
}

void writePhaseLibraryFile(const PhaseLibrary& library, const std::filesystem::path& path) {
  h5::silenceErrorStack();
  writeAtomically(path, [&](const std::filesystem::path& temporary) {
    writePhasewiseFile(path, temporary, [&](hid_t file) { writePhaseLibraryGroup(file, library); });
  });
}

namespace {
PhaseLibrary readPhaseLibraryUnchecked(const std::filesystem::path& path) {
  const h5::Reader r(path.string());
  Handle f = openPhasewiseFile(path.string(), r);
  return readPhaseLibraryGroup(f.id(), path.string());
}

}  // namespace

PhaseLibrary readPhaseLibraryFile(const std::filesystem::path& path) {
  const h5::Hdf5Source source(path, [&](const std::filesystem::path& copy) {
    writePhaseLibraryFile(readPhaseLibraryUnchecked(path), copy);
    return std::string();
  });
  return readPhaseLibraryUnchecked(source.path());
}

}  // namespace phasewise::plugins
