#include "format_npy_folder/npy_folder_format.h"

#include <cmath>

#include "io/npy.h"
#include "util/elements.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
namespace {
std::filesystem::path folderOf(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec) ? path : path.parent_path();
}

void requireShape(const NpyArray& a, const std::vector<std::size_t>& shape, const std::filesystem::path& file,
                  const std::string& meaning) {
  if (a.shape != shape) {
    std::string expected = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) expected += (i ? ", " : "") + std::to_string(shape[i]);
    std::string found = "(";
    for (std::size_t i = 0; i < a.shape.size(); ++i) found += (i ? ", " : "") + std::to_string(a.shape[i]);
    throw FormatError(file.string(), 0, "shape", "is " + found + "), expected " + expected + ") for " + meaning);
  }
  if (a.kind == 'U') throw FormatError(file.string(), 0, "descr", "holds strings, expected numbers for " + meaning);
}
}  // namespace

int NpyFolderReader::confidence(const FileProbe& probe) const {
  if (probe.is_directory) return probe.hasEntry("XRD.npy") && probe.hasEntry("Q.npy") ? 95 : 0;
  // XRD.npy itself, inside such a folder, also opens the whole library.
  std::error_code ec;
  if (probe.path.filename() == "XRD.npy" && std::filesystem::exists(probe.path.parent_path() / "Q.npy", ec)) return 90;
  return 0;
}

namespace {

bool hasFile(const std::filesystem::path& file) {
  std::error_code ec;
  return std::filesystem::exists(file, ec);
}

// XRD.npy (samples x points) and its axis Q.npy, read as nm^-1 unless --axis says otherwise.
void readPatterns(const std::filesystem::path& folder, const ReadOptions& options, Library& lib) {
  const NpyArray xrd = readNpy(folder / "XRD.npy");
  if (xrd.shape.size() != 2 || xrd.kind == 'U')
    throw FormatError((folder / "XRD.npy").string(), 0, "shape", "expected a 2-D numeric array (samples x points)");
  const std::size_t n = xrd.shape[0];
  const std::size_t m = xrd.shape[1];
  const NpyArray q = readNpy(folder / "Q.npy");
  requireShape(q, {m}, folder / "Q.npy", "the axis of XRD.npy");
  lib.name = folder.filename().string();
  lib.axis.spec = options.axis.value_or(AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre});
  if (lib.axis.spec.kind != AxisKind::Q)
    throw FormatError(folder.string(), 0, "Q.npy", "Q.npy holds Q; --axis must name a Q unit");
  if (!options.axis) lib.metadata["axis_source"] = "Q.npy read as nm^-1 (the DRNets convention)";
  lib.axis.values = q.numbers;
  try {
    checkAxisValues(lib.axis.values, "Q");
  } catch (const Error& e) {
    throw FormatError((folder / "Q.npy").string(), 0, "Q", e.what());
  }
  lib.samples = n;
  lib.intensities.resize(n * m);
  for (std::size_t i = 0; i < n * m; ++i) {
    if (!std::isfinite(xrd.numbers[i]))
      throw FormatError(
          (folder / "XRD.npy").string(), 0, "data",
          "sample " + std::to_string(i / m + 1) + ", point " + std::to_string(i % m + 1) + " is not a finite number");
    lib.intensities[i] = static_cast<float>(xrd.numbers[i]);
  }
}

// composition.npy: samples x elements, the elements named by the folder ("Al-Li-Fe").
void readCompositions(const std::filesystem::path& file, ReadResult& result) {
  Library& lib = result.library;
  const NpyArray c = readNpy(file);
  if (c.shape.size() != 2) throw FormatError(file.string(), 0, "shape", "expected samples x elements");
  requireShape(c, {lib.samples, c.shape[1]}, file, "one composition per sample");
  const std::size_t e = c.shape[1];
  lib.elements = elementsInName(lib.name);
  if (lib.elements.size() != e) {
    lib.elements.clear();
    for (std::size_t k = 0; k < e; ++k) lib.elements.push_back("E" + std::to_string(k + 1));
    result.warnings.push_back("element names could not be taken from the folder name '" + lib.name +
                              "'; they are called E1..E" + std::to_string(e));
  }
  lib.composition = c.numbers;
}

// edges.npy: an N x N adjacency matrix or a list of index pairs.
void readEdges(const std::filesystem::path& file, Library& lib) {
  const std::size_t n = lib.samples;
  const NpyArray edges = readNpy(file);
  if (edges.shape == std::vector<std::size_t>{n, n}) {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j)
        if (edges.numbers[i * n + j] != 0.0 || edges.numbers[j * n + i] != 0.0)
          lib.edges.emplace_back(static_cast<std::int64_t>(i), static_cast<std::int64_t>(j));
    return;
  }
  if (edges.shape.size() != 2 || edges.shape[1] != 2)
    throw FormatError(file.string(), 0, "shape", "expected an N x N adjacency matrix or a list of index pairs");
  for (std::size_t k = 0; k < edges.shape[0]; ++k) {
    const double a = edges.numbers[2 * k];
    const double b = edges.numbers[2 * k + 1];
    if (a != std::floor(a) || b != std::floor(b) || a < 0 || b < 0 || a >= static_cast<double>(n) ||
        b >= static_cast<double>(n) || a == b)
      throw FormatError(file.string(), 0, "data",
                        "edge " + std::to_string(k + 1) + " is not a pair of distinct sample indices");
    lib.edges.emplace_back(static_cast<std::int64_t>(std::min(a, b)), static_cast<std::int64_t>(std::max(a, b)));
  }
}

// degree_of_freedom.npy: each sample's phase limit.
void readPhaseLimits(const std::filesystem::path& file, Library& lib) {
  const NpyArray dof = readNpy(file);
  requireShape(dof, {lib.samples}, file, "one phase limit per sample");
  for (std::size_t s = 0; s < lib.samples; ++s) {
    const double v = dof.numbers[s];
    if (v < 0 || v != std::floor(v) || v > 1000)
      throw FormatError(file.string(), 0, "data",
                        "sample " + std::to_string(s + 1) + ": " + formatNumber(v) + " is not a phase count");
    lib.phase_limit.push_back(static_cast<std::int32_t>(v));
  }
}

// bases_name.npy: candidate phase names; sample_indicator.npy: which may occur where.
void readCandidatePhases(const std::filesystem::path& folder, Library& lib) {
  const NpyArray names = readNpy(folder / "bases_name.npy");
  if (names.kind != 'U' || names.shape.size() != 1)
    throw FormatError((folder / "bases_name.npy").string(), 0, "descr", "expected a 1-D array of strings");
  lib.candidate_phases = names.strings;
  if (!hasFile(folder / "sample_indicator.npy")) return;
  const NpyArray mask = readNpy(folder / "sample_indicator.npy");
  requireShape(mask, {lib.samples, names.strings.size()}, folder / "sample_indicator.npy",
               "samples x candidate phases");
  lib.candidate_mask.resize(mask.numbers.size());
  for (std::size_t i = 0; i < mask.numbers.size(); ++i) lib.candidate_mask[i] = mask.numbers[i] != 0.0 ? 1 : 0;
}

}  // namespace

ReadResult NpyFolderReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  const std::filesystem::path folder = folderOf(path);
  if (!hasFile(folder / "XRD.npy")) throw FormatError(folder.string(), 0, "XRD.npy", "the folder has no XRD.npy");
  if (!hasFile(folder / "Q.npy")) throw FormatError(folder.string(), 0, "Q.npy", "the folder has no Q.npy");
  ReadResult result;
  Library& lib = result.library;
  reportProgress(options.progress, 0.0, "reading XRD.npy");
  readPatterns(folder, options, lib);
  reportProgress(options.progress, 0.6, "reading sample information");
  if (hasFile(folder / "composition.npy")) readCompositions(folder / "composition.npy", result);
  if (hasFile(folder / "edges.npy")) readEdges(folder / "edges.npy", lib);
  if (hasFile(folder / "degree_of_freedom.npy")) readPhaseLimits(folder / "degree_of_freedom.npy", lib);
  if (hasFile(folder / "bases_name.npy")) readCandidatePhases(folder, lib);
  for (std::size_t s = 0; s < lib.samples; ++s)
    lib.provenance.push_back({(folder / "XRD.npy").string(), static_cast<std::int64_t>(s)});
  return result;
}

}  // namespace phasewise::plugins
