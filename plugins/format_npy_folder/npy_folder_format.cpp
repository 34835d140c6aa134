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

ReadResult NpyFolderReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  const std::filesystem::path folder = folderOf(path);
  ReadResult result;
  Library& lib = result.library;
  auto file = [&](const char* name) { return folder / name; };
  auto exists = [&](const char* name) {
    std::error_code ec;
    return std::filesystem::exists(file(name), ec);
  };
  if (!exists("XRD.npy")) throw FormatError(folder.string(), 0, "XRD.npy", "the folder has no XRD.npy");
  if (!exists("Q.npy")) throw FormatError(folder.string(), 0, "Q.npy", "the folder has no Q.npy");

  reportProgress(options.progress, 0.0, "reading XRD.npy");
  const NpyArray xrd = readNpy(file("XRD.npy"));
  if (xrd.shape.size() != 2 || xrd.kind == 'U')
    throw FormatError(file("XRD.npy").string(), 0, "shape", "expected a 2-D numeric array (samples x points)");
  const std::size_t n = xrd.shape[0];
  const std::size_t m = xrd.shape[1];
  const NpyArray q = readNpy(file("Q.npy"));
  requireShape(q, {m}, file("Q.npy"), "the axis of XRD.npy");

  lib.name = folder.filename().string();
  lib.axis.spec = options.axis.value_or(AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre});
  if (lib.axis.spec.kind != AxisKind::Q)
    throw FormatError(folder.string(), 0, "Q.npy", "Q.npy holds Q; --axis must name a Q unit");
  if (!options.axis) lib.metadata["axis_source"] = "Q.npy read as nm^-1 (the DRNets convention)";
  lib.axis.values = q.numbers;
  try {
    checkAxisValues(lib.axis.values, "Q");
  } catch (const Error& e) {
    throw FormatError(file("Q.npy").string(), 0, "Q", e.what());
  }
  lib.samples = n;
  lib.intensities.resize(n * m);
  for (std::size_t i = 0; i < n * m; ++i) {
    if (!std::isfinite(xrd.numbers[i]))
      throw FormatError(
          file("XRD.npy").string(), 0, "data",
          "sample " + std::to_string(i / m + 1) + ", point " + std::to_string(i % m + 1) + " is not a finite number");
    lib.intensities[i] = static_cast<float>(xrd.numbers[i]);
  }
  reportProgress(options.progress, 0.6, "reading sample information");

  if (exists("composition.npy")) {
    const NpyArray c = readNpy(file("composition.npy"));
    if (c.shape.size() != 2)
      throw FormatError(file("composition.npy").string(), 0, "shape", "expected samples x elements");
    requireShape(c, {n, c.shape[1]}, file("composition.npy"), "one composition per sample");
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
  if (exists("edges.npy")) {
    const NpyArray edges = readNpy(file("edges.npy"));
    if (edges.shape == std::vector<std::size_t>{n, n}) {
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j)
          if (edges.numbers[i * n + j] != 0.0 || edges.numbers[j * n + i] != 0.0)
            lib.edges.emplace_back(static_cast<std::int64_t>(i), static_cast<std::int64_t>(j));
    } else if (edges.shape.size() == 2 && edges.shape[1] == 2) {
      for (std::size_t k = 0; k < edges.shape[0]; ++k) {
        const double a = edges.numbers[2 * k];
        const double b = edges.numbers[2 * k + 1];
        if (a != std::floor(a) || b != std::floor(b) || a < 0 || b < 0 || a >= static_cast<double>(n) ||
            b >= static_cast<double>(n) || a == b)
          throw FormatError(file("edges.npy").string(), 0, "data",
                            "edge " + std::to_string(k + 1) + " is not a pair of distinct sample indices");
        lib.edges.emplace_back(static_cast<std::int64_t>(std::min(a, b)), static_cast<std::int64_t>(std::max(a, b)));
      }
    } else {
      throw FormatError(file("edges.npy").string(), 0, "shape",
                        "expected an N x N adjacency matrix or a list of index pairs");
    }
  }
  if (exists("degree_of_freedom.npy")) {
    const NpyArray dof = readNpy(file("degree_of_freedom.npy"));
    requireShape(dof, {n}, file("degree_of_freedom.npy"), "one phase limit per sample");
    for (std::size_t s = 0; s < n; ++s) {
      const double v = dof.numbers[s];
      if (v < 0 || v != std::floor(v) || v > 1000)
        throw FormatError(file("degree_of_freedom.npy").string(), 0, "data",
                          "sample " + std::to_string(s + 1) + ": " + formatNumber(v) + " is not a phase count");
      lib.phase_limit.push_back(static_cast<std::int32_t>(v));
    }
  }
  if (exists("bases_name.npy")) {
    const NpyArray names = readNpy(file("bases_name.npy"));
    if (names.kind != 'U' || names.shape.size() != 1)
      throw FormatError(file("bases_name.npy").string(), 0, "descr", "expected a 1-D array of strings");
    lib.candidate_phases = names.strings;
    if (exists("sample_indicator.npy")) {
      const NpyArray mask = readNpy(file("sample_indicator.npy"));
      requireShape(mask, {n, names.strings.size()}, file("sample_indicator.npy"), "samples x candidate phases");
      lib.candidate_mask.resize(mask.numbers.size());
      for (std::size_t i = 0; i < mask.numbers.size(); ++i) lib.candidate_mask[i] = mask.numbers[i] != 0.0 ? 1 : 0;
    }
  }
  for (std::size_t s = 0; s < n; ++s)
    lib.provenance.push_back({file("XRD.npy").string(), static_cast<std::int64_t>(s)});
  return result;
}

}  // namespace phasewise::plugins
