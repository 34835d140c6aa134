#include "format_hdf5/refinement_group.h"

#include <algorithm>
#include <cmath>

#include "util/error.h"

namespace phasewise::plugins {
using namespace core;
using h5::Handle;
namespace {
constexpr const char* kRefinement = "refinement";
constexpr hsize_t kTop = 3;  // guesses kept per candidate

// Top guesses as fixed-width rows (count x kTop), -1 / 0 where a prediction has fewer.
void writePredictions(hid_t g, const std::string& prefix, const std::vector<RefinedPattern>& refined, bool after) {
  const hsize_t k = refined.size();
  std::vector<std::int32_t> top(k * kTop, -1);
  std::vector<float> probability(k * kTop, 0.0F), entropy(k);
  for (std::size_t i = 0; i < k; ++i) {
    const Prediction& p = after ? refined[i].after : refined[i].before;
    for (std::size_t j = 0; j < p.top.size() && j < kTop; ++j) {
      top[i * kTop + j] = p.top[j];
      probability[i * kTop + j] = p.probability[j];
    }
    entropy[i] = p.entropy;
  }
  h5::writeDataset(g, prefix + "_top", H5T_NATIVE_INT32, H5T_STD_I32LE, {k, kTop}, top.data());
  h5::writeDataset(g, prefix + "_probability", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, {k, kTop}, probability.data());
  h5::writeDataset(g, prefix + "_entropy", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, {k}, entropy.data());
  // The open-set score, where the classifier has one (NaN for a prediction without).
  const bool scored = std::any_of(refined.begin(), refined.end(), [&](const RefinedPattern& r) {
    return (after ? r.after : r.before).typicality.has_value();
  });
  if (!scored) return;
  std::vector<float> typicality(k);
  for (std::size_t i = 0; i < k; ++i)
    typicality[i] = (after ? refined[i].after : refined[i].before).typicality.value_or(std::nanf(""));
  h5::writeDataset(g, prefix + "_typicality", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, {k}, typicality.data());
}

void readPredictions(const h5::Reader& r, hid_t g, const std::string& prefix, std::vector<RefinedPattern>& refined,
                     bool after, std::size_t classes) {
  const hsize_t k = refined.size();
  std::vector<std::int32_t> top(k * kTop);
  std::vector<float> probability(k * kTop), entropy(k);
  r.read(g, prefix + "_top", H5T_NATIVE_INT32, {k, kTop}, top.data());
  r.read(g, prefix + "_probability", H5T_NATIVE_FLOAT, {k, kTop}, probability.data());
  r.read(g, prefix + "_entropy", H5T_NATIVE_FLOAT, {k}, entropy.data());
  for (std::size_t i = 0; i < k; ++i) {
    Prediction& p = after ? refined[i].after : refined[i].before;
    for (std::size_t j = 0; j < kTop; ++j) {
      const std::int32_t t = top[i * kTop + j];
      if (t < 0) break;
      if (static_cast<std::size_t>(t) >= classes) r.fail(prefix + "_top", "names a class the file does not list");
      p.top.push_back(t);
      p.probability.push_back(probability[i * kTop + j]);
    }
    if (p.top.empty()) r.fail(prefix + "_top", "candidate " + std::to_string(i + 1) + " has no guess");
    p.entropy = entropy[i];
  }
  if (!r.has(g, prefix + "_typicality")) return;  // written before the open-set score existed
  std::vector<float> typicality(k);
  r.read(g, prefix + "_typicality", H5T_NATIVE_FLOAT, {k}, typicality.data());
  for (std::size_t i = 0; i < k; ++i) {
    if (std::isnan(typicality[i])) continue;
    if (!(typicality[i] >= 0 && typicality[i] <= 1)) r.fail(prefix + "_typicality", "must lie in [0, 1]");
    (after ? refined[i].after : refined[i].before).typicality = typicality[i];
  }
}
// The physical refiner's edits: per candidate (applied, removed, background, strain,
// broadening) and the edited peaks as rows (candidate, position, share, kept).
void writeEdits(hid_t g, const std::vector<RefinedPattern>& refined) {
  const hsize_t k = refined.size();
  std::vector<double> summary;
  std::vector<double> peaks;
  for (std::size_t i = 0; i < k; ++i) {
    const PhysicalEdit& e = refined[i].edit;
    summary.insert(summary.end(),
                   {e.applied ? 1.0 : 0.0, e.removed_fraction, e.background_fraction, e.strain, e.broadening});
    for (const EditedPeak& p : e.peaks)
      peaks.insert(peaks.end(), {static_cast<double>(i), p.position, p.share, p.kept});
  }
  h5::writeDataset(g, "edit_summary", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {k, 5}, summary.data());
  const hsize_t rows = peaks.size() / 4;
  if (rows > 0) h5::writeDataset(g, "edit_peaks", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {rows, 4}, peaks.data());
  // Library unmixing's phases: rows (candidate, share, role: 0 removed, 1 kept, 2 near-twin
  // kept) and their names.
  std::vector<double> phases;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < k; ++i)
    for (const EditedPhase& p : refined[i].edit.phases) {
      phases.insert(phases.end(), {static_cast<double>(i), p.share, static_cast<double>(static_cast<int>(p.role))});
      names.push_back(p.name);
    }
  if (!names.empty()) {
    h5::writeDataset(g, "edit_phases", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {names.size(), 3}, phases.data());
    h5::writeStrings(g, "edit_phase_names", names);
  }
}

void readEditedPhases(const h5::Reader& r, hid_t g, std::vector<RefinedPattern>& refined) {
  if (!r.has(g, "edit_phases")) return;  // no unmixing, or written before it existed
  const std::vector<hsize_t> dims = r.dims(g, "edit_phases", H5T_FLOAT);
  if (dims.size() != 2 || dims[1] != 3 || dims[0] > 1000000)
    r.fail("refinement/edit_phases", "is not a table of 3 columns");
  std::vector<double> rows(dims[0] * 3);
  r.read(g, "edit_phases", H5T_NATIVE_DOUBLE, dims, rows.data());
  const std::vector<std::string> names = r.strings(g, "edit_phase_names", dims[0]);
  for (std::size_t row = 0; row < dims[0]; ++row) {
    const double* v = rows.data() + row * 3;
    if (!(v[0] >= 0 && v[0] < static_cast<double>(refined.size())))
      r.fail("refinement/edit_phases", "names a candidate that is not there");
    if (!(v[1] >= 0 && v[1] <= 1)) r.fail("refinement/edit_phases", "holds a share outside [0, 1]");
    if (!(v[2] == 0 || v[2] == 1 || v[2] == 2)) r.fail("refinement/edit_phases", "holds a role other than 0, 1, 2");
    refined[static_cast<std::size_t>(v[0])].edit.phases.push_back(
        {names[row], v[1], static_cast<EditedPhase::Role>(static_cast<int>(v[2]))});
  }
}

void readEdits(const h5::Reader& r, hid_t g, std::vector<RefinedPattern>& refined) {
  if (!r.has(g, "edit_summary")) return;  // written before the physical refiner existed
  readEditedPhases(r, g, refined);
  const hsize_t k = refined.size();
  std::vector<double> summary(k * 5);
  r.read(g, "edit_summary", H5T_NATIVE_DOUBLE, {k, 5}, summary.data());
  for (std::size_t i = 0; i < k; ++i) {
    PhysicalEdit& e = refined[i].edit;
    const double* v = summary.data() + i * 5;
    if (!std::isfinite(v[1]) || !std::isfinite(v[3]))
      r.fail("refinement/edit_summary", "holds a value that is not a number");
    e.applied = v[0] != 0;
    e.removed_fraction = v[1];
    e.background_fraction = v[2];
    e.strain = v[3];
    e.broadening = v[4];
  }
  if (!r.has(g, "edit_peaks")) return;
  const std::vector<hsize_t> dims = r.dims(g, "edit_peaks", H5T_FLOAT);
  if (dims.size() != 2 || dims[1] != 4 || dims[0] > 1000000)
    r.fail("refinement/edit_peaks", "is not a table of 4 columns");
  std::vector<double> peaks(dims[0] * 4);
  r.read(g, "edit_peaks", H5T_NATIVE_DOUBLE, dims, peaks.data());
  for (std::size_t row = 0; row < dims[0]; ++row) {
    const double* v = peaks.data() + row * 4;
    if (!(v[0] >= 0 && v[0] < static_cast<double>(k)))
      r.fail("refinement/edit_peaks", "names a candidate that is not there");
    refined[static_cast<std::size_t>(v[0])].edit.peaks.push_back({v[1], v[2], v[3]});
  }
}
}  // namespace

void writeRefinementGroup(hid_t file, const RefinementRecord& rec) {
  const hsize_t k = rec.count(), m = rec.grid.values.size();
  if (k == 0 || m == 0 || rec.done.size() != k || rec.class_names.empty())
    throw Error("the refinement to save is incomplete");
  Handle g(H5Gcreate2(file, kRefinement, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  const hid_t id = g.id();
  h5::writeIntAttribute(id, "candidates", static_cast<std::int64_t>(k));
  h5::writeStringAttribute(id, "description", rec.description);
  h5::writeStringAttribute(id, "classifier", rec.classifier);
  h5::writeDoubleAttribute(id, "lambda", rec.settings.lambda);
  h5::writeStringAttribute(id, "grid_kind", axisKindName(rec.grid.spec.kind));
  h5::writeStringAttribute(id, "grid_unit", unitName(rec.grid.spec.unit));
  if (rec.grid.wavelength_angstrom) h5::writeDoubleAttribute(id, "wavelength_angstrom", *rec.grid.wavelength_angstrom);
  h5::writeDataset(id, "grid", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {m}, rec.grid.values.data());
  h5::writeStrings(id, "class_names", rec.class_names);
  std::vector<float> patterns;
  std::vector<double> change;
  std::vector<std::int32_t> done;
  for (std::size_t i = 0; i < k; ++i) {
    if (rec.refined[i].pattern.size() != m) throw Error("a refined pattern does not match the classifier's grid");
    patterns.insert(patterns.end(), rec.refined[i].pattern.begin(), rec.refined[i].pattern.end());
    change.push_back(rec.refined[i].relative_change);
    done.push_back(rec.done[i] ? 1 : 0);
  }
  h5::writeDataset(id, "patterns", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, {k, m}, patterns.data());
  h5::writeDataset(id, "relative_change", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {k}, change.data());
  h5::writeDataset(id, "refined", H5T_NATIVE_INT32, H5T_STD_I32LE, {k}, done.data());
  writePredictions(id, "before", rec.refined, false);
  writePredictions(id, "after", rec.refined, true);
  writeEdits(id, rec.refined);
}

RefinementRecord readRefinementGroup(hid_t file, const h5::Reader& r) {
  Handle g(H5Gopen2(file, kRefinement, H5P_DEFAULT), H5Gclose);
  const hid_t id = g.id();
  RefinementRecord rec;
  const auto candidates = r.intAttribute(id, "candidates");
  if (!candidates || *candidates < 1 || *candidates > 100000) r.fail("refinement", "lacks a candidate count");
  const auto k = static_cast<hsize_t>(*candidates);
  rec.description = r.stringAttribute(id, "description").value_or("");
  rec.classifier = r.stringAttribute(id, "classifier").value_or("");
  rec.settings.lambda = r.doubleAttribute(id, "lambda").value_or(std::nan(""));
  try {
    rec.grid.spec = AxisSpec::parse(r.stringAttribute(id, "grid_unit").value_or("") == "deg"    ? "2theta"
                                    : r.stringAttribute(id, "grid_unit").value_or("") == "A^-1" ? "q_A"
                                                                                                : "q_nm");
  } catch (const Error&) {
    r.fail("refinement/grid_unit", "is not a known unit");
  }
  rec.grid.wavelength_angstrom = r.doubleAttribute(id, "wavelength_angstrom");
  const std::vector<hsize_t> grid_dims = r.dims(id, "grid", H5T_FLOAT);
  if (grid_dims.size() != 1 || grid_dims[0] < 2) r.fail("refinement/grid", "is not a 1-D grid");
  rec.grid.values.resize(grid_dims[0]);
  r.read(id, "grid", H5T_NATIVE_DOUBLE, grid_dims, rec.grid.values.data());
  const hsize_t m = grid_dims[0];
  const std::vector<hsize_t> name_dims = r.dims(id, "class_names", H5T_STRING);
  if (name_dims.size() != 1 || name_dims[0] < 1) r.fail("refinement/class_names", "is empty");
  rec.class_names = r.strings(id, "class_names", name_dims[0]);
  std::vector<float> patterns(k * m);
  std::vector<double> change(k);
  std::vector<std::int32_t> done(k);
  r.read(id, "patterns", H5T_NATIVE_FLOAT, {k, m}, patterns.data());
  r.read(id, "relative_change", H5T_NATIVE_DOUBLE, {k}, change.data());
  r.read(id, "refined", H5T_NATIVE_INT32, {k}, done.data());
  rec.refined.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    rec.refined[i].pattern.assign(patterns.begin() + static_cast<std::ptrdiff_t>(i * m),
                                  patterns.begin() + static_cast<std::ptrdiff_t>((i + 1) * m));
    rec.refined[i].relative_change = change[i];
    rec.done.push_back(done[i] != 0);
  }
  readPredictions(r, id, "before", rec.refined, false, rec.class_names.size());
  readPredictions(r, id, "after", rec.refined, true, rec.class_names.size());
  readEdits(r, id, rec.refined);
  return rec;
}

}  // namespace phasewise::plugins
