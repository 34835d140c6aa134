#pragma once
// Two- or three-column text patterns: .xy, .xye (third column: uncertainty) and .dat, with
// '#' / '!' comments, optional free-text header lines, white space or commas between values.

#include "io/format.h"

namespace phasewise::plugins {

class XyReader final : public core::FormatReader {
 public:
  [[nodiscard]] std::string id() const override { return "xy"; }
  [[nodiscard]] std::string description() const override { return "2-3 column text pattern (.xy/.xye/.dat)"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".xy", ".xye", ".dat"}; }
  [[nodiscard]] int confidence(const core::FileProbe& probe) const override;

 protected:
  [[nodiscard]] core::ReadResult readImpl(const std::filesystem::path& path,
                                          const core::ReadOptions& options) const override;
};

class XyWriter final : public core::FormatWriter {
 public:
  [[nodiscard]] std::string id() const override { return "xy"; }
  [[nodiscard]] std::string description() const override { return "2-3 column text pattern (.xy/.xye/.dat)"; }
  [[nodiscard]] std::vector<std::string> extensions() const override { return {".xy", ".xye", ".dat"}; }

 protected:
  void writeImpl(const core::Library& library, const std::filesystem::path& temporary_path) const override;
};

// Counts the leading lines of `head` that are rows of 2-3 numbers (after comments/headers):
// shared by the text readers' confidence checks.
[[nodiscard]] int numericRowsInHead(const std::string& head, std::size_t min_columns, std::size_t max_columns);

}  // namespace phasewise::plugins
