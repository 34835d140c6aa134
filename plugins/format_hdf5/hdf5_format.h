#pragma once
// Phasewise's own HDF5 library file (schema in docs/file-format.md): lossless for everything
// the Library holds, written atomically (temporary file, then rename).

#include <hdf5.h>

#include <filesystem>
#include <functional>

#include "format_hdf5/hdf5_handles.h"
#include "io/format.h"

namespace phasewise::plugins {

inline constexpr int kHdf5SchemaVersion = 1;

class Hdf5Reader final : public core::FormatReader {
 public:
  Hdf5Reader();
  [[nodiscard]] std::string id() const override { return "phasewise-h5"; }
  [[nodiscard]] std::string description() const override { return "Phasewise HDF5 library/project file"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".h5", ".hdf5", ".pwz"}; }
  [[nodiscard]] int confidence(const core::FileProbe& probe) const override;

 protected:
  [[nodiscard]] core::ReadResult readImpl(const std::filesystem::path& path,
                                          const core::ReadOptions& options) const override;
};

class Hdf5Writer final : public core::FormatWriter {
 public:
  Hdf5Writer();
  [[nodiscard]] std::string id() const override { return "phasewise-h5"; }
  [[nodiscard]] std::string description() const override { return "Phasewise HDF5 library/project file"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".h5", ".hdf5", ".pwz"}; }

 protected:
  void writeImpl(const core::Library& library, const std::filesystem::path& temporary_path) const override;
};

// Building blocks shared by the library, phase-library and project files.
// Opens a file after checking it is Phasewise HDF5 of a schema this version reads.
[[nodiscard]] h5::Handle openPhasewiseFile(const std::string& file, const h5::Reader& reader);
void writePhasewiseRoot(hid_t file);
// A whole Phasewise file at `temporary` (an atomic write's): the root attributes, what `fill`
// writes, flushed and sealed (hdf5_integrity.h). Errors name `target`, the file meant.
void writePhasewiseFile(const std::filesystem::path& target, const std::filesystem::path& temporary,
                        const std::function<void(hid_t file)>& fill);
// The HDF5 library version in use ("1.10.8").
[[nodiscard]] std::string hdf5Version();
[[nodiscard]] core::Library readLibraryGroup(hid_t file, const h5::Reader& reader);
void writeLibraryGroup(hid_t file, const core::Library& library);

}  // namespace phasewise::plugins
