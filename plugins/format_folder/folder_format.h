#pragma once
// A folder of single-pattern files plus a composition table (CSV whose header starts with
// "file", then one column per element, optionally x and y) assembled into one library.
// Patterns are read with whichever reader claims each file; axes that differ are converted
// to the first file's kind and interpolated onto their common grid.

#include "io/format.h"

namespace phasewise::core {
class FormatRegistry;
}

namespace phasewise::plugins {

class FolderReader final : public core::FormatReader {
 public:
  // The registry reads the pattern files; it must outlive this reader.
  explicit FolderReader(const core::FormatRegistry& registry) : registry_(registry) {}
  [[nodiscard]] std::string id() const override { return "folder"; }
  [[nodiscard]] std::string description() const override { return "folder of pattern files + composition table (CSV)"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {}; }
  [[nodiscard]] int confidence(const core::FileProbe& probe) const override;

 protected:
  [[nodiscard]] core::ReadResult readImpl(const std::filesystem::path& path,
                                          const core::ReadOptions& options) const override;

 private:
  const core::FormatRegistry& registry_;
};

// The composition table in `folder`: a .csv whose first header field is file/filename/pattern.
[[nodiscard]] std::filesystem::path findCompositionTable(const std::filesystem::path& folder);

}  // namespace phasewise::plugins
