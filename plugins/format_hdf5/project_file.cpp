#include "format_hdf5/project_file.h"

#include "format_hdf5/hdf5_format.h"
#include "format_hdf5/hdf5_integrity.h"
#include "format_hdf5/phase_library_file.h"
#include "format_hdf5/refinement_group.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace phasewise::plugins {
using namespace core;
using h5::Handle;
namespace {
constexpr const char* kDecomposition = "decomposition";

void writeFloats(hid_t g, const std::string& name, const std::vector<float>& v, const std::vector<hsize_t>& dims) {
  if (!v.empty()) h5::writeDataset(g, name, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, dims, v.data());
}

std::vector<float> readFloats(const h5::Reader& r, hid_t g, const std::string& name, const std::vector<hsize_t>& dims,
                              bool required = true) {
  if (!r.has(g, name)) {
    if (required) r.fail(name, "dataset is missing");
    return {};
  }
  hsize_t count = 1;
  for (hsize_t d : dims) count *= d;
  std::vector<float> v(count);
  r.read(g, name, H5T_NATIVE_FLOAT, dims, v.data());
  return v;
}

void writeDecomposition(hid_t file, const DecompositionResult& d) {
  Handle g(H5Gcreate2(file, kDecomposition, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  const hid_t id = g.id();
  const hsize_t n = d.samples, k = static_cast<hsize_t>(d.phases), m = d.axis.values.size(),
                ml = d.log_axis.values.size();
  h5::writeIntAttribute(id, "samples", static_cast<std::int64_t>(n));
  h5::writeIntAttribute(id, "phases", static_cast<std::int64_t>(k));
  h5::writeIntAttribute(id, "iterations", d.iterations);
  h5::writeDoubleAttribute(id, "seconds", d.seconds);
  // The settings, so a run can be repeated exactly.
  const DecompositionSettings& s = d.settings;
  h5::writeIntAttribute(id, "setting_shifts", s.shifts);
  h5::writeIntAttribute(id, "setting_log_points", static_cast<std::int64_t>(s.log_points));
  h5::writeStringAttribute(id, "setting_loss", s.loss == NmfLoss::Frobenius ? "frobenius" : "kl");
  h5::writeIntAttribute(id, "setting_max_iterations", s.max_iterations);
  h5::writeDoubleAttribute(id, "setting_tolerance", s.tolerance);
  h5::writeDoubleAttribute(id, "setting_sparsity", s.sparsity);
  h5::writeIntAttribute(id, "setting_gibbs", s.gibbs);
  h5::writeIntAttribute(id, "setting_default_phase_limit", s.default_phase_limit);
  h5::writeIntAttribute(id, "setting_connectivity", s.connectivity);
  h5::writeIntAttribute(id, "setting_background", s.background);
  h5::writeIntAttribute(id, "setting_broadening", s.broadening);
  h5::writeStringAttribute(id, "setting_init", core::initialisationName(s.init));
  h5::writeIntAttribute(id, "setting_seed", static_cast<std::int64_t>(s.seed));
  h5::writeDataset(id, "log_axis", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {ml}, d.log_axis.values.data());
  h5::writeStringAttribute(id, "log_axis_unit", unitName(d.log_axis.spec.unit));
  writeFloats(id, "bases", d.bases, {k, m});
  writeFloats(id, "bases_log", d.bases_log, {k, ml});
  writeFloats(id, "activations", d.activations, {n, k});
  writeFloats(id, "fractions", d.fractions, {n, k});
  writeFloats(id, "shifts", d.shifts, {n, k});
  writeFloats(id, "reconstruction", d.reconstruction, {n, m});
  writeFloats(id, "per_phase", d.per_phase, {n, k, m});
  writeFloats(id, "background", d.background, {m});
  writeFloats(id, "background_activation", d.background_activation, {n});
  writeFloats(id, "sample_loss", d.sample_loss, {n});
  if (!d.phase_names.empty()) h5::writeStrings(id, "phase_names", d.phase_names);
  writeFloats(id, "confidence", d.confidence, {n, k});
  writeFloats(id, "weight_fractions", d.weight_fractions, {n, k});
  writeFloats(id, "support", d.support, {n, k});
  writeFloats(id, "chance", d.chance, {n, k});
  if (!d.also_drawn_as.empty()) h5::writeStrings(id, "also_drawn_as", d.also_drawn_as);
  if (!d.unexplained_q_nm.empty()) {
    h5::writeDataset(id, "unexplained_q_nm", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {d.unexplained_q_nm.size()},
                     d.unexplained_q_nm.data());
    h5::writeDoubleAttribute(id, "unexplained_share", d.unexplained_share);
  }
  if (!d.loss_history.empty())
    h5::writeDataset(id, "loss_history", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {d.loss_history.size()},
                     d.loss_history.data());
}

DecompositionResult readDecomposition(hid_t file, const h5::Reader& r, const Library& library) {
  Handle g(H5Gopen2(file, kDecomposition, H5P_DEFAULT), H5Gclose);
  const hid_t id = g.id();
  DecompositionResult d;
  const auto samples = r.intAttribute(id, "samples"), phases = r.intAttribute(id, "phases");
  if (!samples || !phases || *phases < 1) r.fail("decomposition", "group lacks samples/phases attributes");
  if (static_cast<std::size_t>(*samples) != library.samples)
    r.fail("decomposition",
           "holds " + std::to_string(*samples) + " samples, the library " + std::to_string(library.samples));
  d.samples = library.samples;
  d.phases = static_cast<int>(*phases);
  d.iterations = static_cast<int>(r.intAttribute(id, "iterations").value_or(0));
  d.seconds = r.doubleAttribute(id, "seconds").value_or(0.0);
  DecompositionSettings& s = d.settings;
  s.phases = d.phases;
  s.shifts = static_cast<int>(r.intAttribute(id, "setting_shifts").value_or(0));
  s.log_points = static_cast<std::size_t>(r.intAttribute(id, "setting_log_points").value_or(0));
  s.loss = r.stringAttribute(id, "setting_loss").value_or("frobenius") == "kl" ? NmfLoss::KullbackLeibler
                                                                               : NmfLoss::Frobenius;
  s.max_iterations = static_cast<int>(r.intAttribute(id, "setting_max_iterations").value_or(0));
  s.tolerance = r.doubleAttribute(id, "setting_tolerance").value_or(0.0);
  s.sparsity = r.doubleAttribute(id, "setting_sparsity").value_or(0.0);
  s.gibbs = r.intAttribute(id, "setting_gibbs").value_or(0) != 0;
  s.default_phase_limit = static_cast<int>(r.intAttribute(id, "setting_default_phase_limit").value_or(3));
  s.connectivity = r.intAttribute(id, "setting_connectivity").value_or(0) != 0;
  s.background = r.intAttribute(id, "setting_background").value_or(0) != 0;
  s.broadening = r.intAttribute(id, "setting_broadening").value_or(0) != 0;  // absent: written before it existed
  const std::string init = r.stringAttribute(id, "setting_init").value_or("spa");
  const auto initialisation = core::parseInitialisation(init);
  if (!initialisation) r.fail("setting_init", "'" + init + "' is not spa, nmf or best");
  s.init = *initialisation;
  s.seed = static_cast<std::uint64_t>(r.intAttribute(id, "setting_seed").value_or(1));
  d.axis = library.axis;
  const auto log_dims = r.dims(id, "log_axis", H5T_FLOAT);
  if (log_dims.size() != 1) r.fail("log_axis", "must be one-dimensional");
  d.log_axis.values.resize(log_dims[0]);
  r.read(id, "log_axis", H5T_NATIVE_DOUBLE, log_dims, d.log_axis.values.data());
  const std::string unit = r.stringAttribute(id, "log_axis_unit").value_or("nm^-1");
  d.log_axis.spec = {AxisKind::Q, unit == "A^-1" ? AxisUnit::InverseAngstrom : AxisUnit::InverseNanometre};
  const hsize_t n = d.samples, k = static_cast<hsize_t>(d.phases), m = library.points(), ml = log_dims[0];
  d.bases = readFloats(r, id, "bases", {k, m});
  d.bases_log = readFloats(r, id, "bases_log", {k, ml});
  d.activations = readFloats(r, id, "activations", {n, k});
  d.fractions = readFloats(r, id, "fractions", {n, k});
  d.shifts = readFloats(r, id, "shifts", {n, k});
  d.reconstruction = readFloats(r, id, "reconstruction", {n, m});
  d.per_phase = readFloats(r, id, "per_phase", {n, k, m}, false);
  d.background = readFloats(r, id, "background", {m});
  d.background_activation = readFloats(r, id, "background_activation", {n});
  d.sample_loss = readFloats(r, id, "sample_loss", {n});
  d.confidence = readFloats(r, id, "confidence", {n, k}, false);
  d.weight_fractions = readFloats(r, id, "weight_fractions", {n, k}, false);
  d.support = readFloats(r, id, "support", {n, k}, false);
  for (float v : d.support)
    if (!(v >= 0 && v <= 1)) r.fail("support", "must lie in [0, 1]");
  d.chance = readFloats(r, id, "chance", {n, k}, false);  // absent from files of before
  for (float v : d.chance)
    if (!(v >= 0 && v <= 1)) r.fail("chance", "must lie in [0, 1]");
  if (r.has(id, "also_drawn_as")) {
    const auto dims = r.dims(id, "also_drawn_as", H5T_STRING);
    if (dims.size() != 1 || dims[0] != k) r.fail("also_drawn_as", "does not list every phase");
    d.also_drawn_as = r.strings(id, "also_drawn_as", k);
  }
  if (r.has(id, "phase_names")) {
    const auto dims = r.dims(id, "phase_names", H5T_STRING);
    if (dims.size() != 1 || dims[0] != k) r.fail("phase_names", "does not name every phase");
    d.phase_names = r.strings(id, "phase_names", k);
  }
  if (r.has(id, "unexplained_q_nm")) {
    const auto dims = r.dims(id, "unexplained_q_nm", H5T_FLOAT);
    if (dims.size() != 1 || dims[0] > d.log_axis.values.size())
      r.fail("unexplained_q_nm", "must list at most one peak per log-Q point");
    d.unexplained_q_nm.resize(dims[0]);
    r.read(id, "unexplained_q_nm", H5T_NATIVE_DOUBLE, dims, d.unexplained_q_nm.data());
    d.unexplained_share = r.doubleAttribute(id, "unexplained_share").value_or(0.0);
  }
  if (r.has(id, "loss_history")) {
    const auto dims = r.dims(id, "loss_history", H5T_FLOAT);
    d.loss_history.resize(dims.at(0));
    r.read(id, "loss_history", H5T_NATIVE_DOUBLE, dims, d.loss_history.data());
  }
  return d;
}
}  // namespace

void writeProject(const Project& project, const std::filesystem::path& path) {
  project.library.validate();
  h5::silenceErrorStack();
  writeAtomically(path, [&](const std::filesystem::path& temporary) {
    writePhasewiseFile(path, temporary, [&](hid_t file) {
      writeLibraryGroup(file, project.library);
      h5::writeIntAttribute(file, "keep_foreign_phases", project.keep_foreign_phases ? 1 : 0);
      if (project.phases) writePhaseLibraryGroup(file, *project.phases);
      if (project.decomposition) writeDecomposition(file, *project.decomposition);
      if (project.refinement) {
        if (!project.decomposition ||
            project.refinement->count() != static_cast<std::size_t>(project.decomposition->phases))
          throw Error("a refinement is saved with the decomposition whose candidates it refines");
        writeRefinementGroup(file, *project.refinement);
      }
    });
  });
}

Project readProject(const std::filesystem::path& path) {
  const h5::Hdf5Source source(path, [&](const std::filesystem::path& copy) {
    writeProject(readProjectUnchecked(path), copy);
    return std::string();
  });
  return readProjectUnchecked(source.path());
}

Project readProjectUnchecked(const std::filesystem::path& path) {
  const std::string file = path.string();
  const h5::Reader r(file);
  Handle f = openPhasewiseFile(file, r);
  Project project;
  project.library = readLibraryGroup(f.id(), r);
  // Projects from before the setting was saved have the rule's default.
  project.keep_foreign_phases = r.intAttribute(f.id(), "keep_foreign_phases").value_or(0) != 0;
  if (r.has(f.id(), "phases")) project.phases = readPhaseLibraryGroup(f.id(), file);
  if (r.has(f.id(), kDecomposition)) project.decomposition = readDecomposition(f.id(), r, project.library);
  if (r.has(f.id(), "refinement")) {
    project.refinement = readRefinementGroup(f.id(), r);
    if (!project.decomposition ||
        project.refinement->count() != static_cast<std::size_t>(project.decomposition->phases))
      r.fail("refinement", "does not match the decomposition's candidates");
  }
  return project;
}

}  // namespace phasewise::plugins
