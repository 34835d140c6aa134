#pragma once
// CSV patterns with a header row: an axis column (named 2theta, q, ...; else the first) and
// one or more intensity columns, each a sample; a column named sigma/error/esd is the
// uncertainty of a single pattern.

#include "io/format.h"

namespace phasewise::plugins {

class CsvReader final : public core::FormatReader {
 public:
  [[nodiscard]] std::string id() const override { return "csv"; }
  [[nodiscard]] std::string description() const override { return "CSV with a header row (axis, intensity columns)"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".csv"}; }
  [[nodiscard]] int confidence(const core::FileProbe& probe) const override;

 protected:
  [[nodiscard]] core::ReadResult readImpl(const std::filesystem::path& path,
                                          const core::ReadOptions& options) const override;
};

class CsvWriter final : public core::FormatWriter {
 public:
  [[nodiscard]] std::string id() const override { return "csv"; }
  [[nodiscard]] std::string description() const override { return "CSV: axis column then one column per sample"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".csv"}; }

 protected:
  void writeImpl(const core::Library& library, const std::filesystem::path& temporary_path) const override;
};

}  // namespace phasewise::plugins
