#pragma once
// The formats Phasewise knows, looked up by id, by file extension, or (for reading) by which
// reader claims a file's bytes most strongly. Unknown ids are errors, never a null reader.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "io/format.h"

namespace phasewise::core {

class FormatRegistry {
 public:
  FormatRegistry() = default;
  // Readers may keep a reference to their registry (the folder reader does): never copy or move it.
  FormatRegistry(const FormatRegistry&) = delete;
  FormatRegistry& operator=(const FormatRegistry&) = delete;

  void addReader(std::unique_ptr<FormatReader> reader);  // throws Error on a duplicate id
  void addWriter(std::unique_ptr<FormatWriter> writer);

  [[nodiscard]] const FormatReader& reader(std::string_view id) const;  // throws Error if unknown
  [[nodiscard]] const FormatWriter& writer(std::string_view id) const;

  // Readers with their confidence for this path, most confident first, zeros left out.
  [[nodiscard]] std::vector<std::pair<const FormatReader*, int>> rank(const std::filesystem::path& path) const;
  // The most confident reader; throws FormatError when none claims the file.
  [[nodiscard]] const FormatReader& readerFor(const std::filesystem::path& path) const;
  // The writer whose extensions include the path's; throws Error naming the known ones.
  [[nodiscard]] const FormatWriter& writerFor(const std::filesystem::path& path) const;

  [[nodiscard]] ReadResult read(const std::filesystem::path& path, const ReadOptions& options = {}) const;

  [[nodiscard]] const std::vector<std::unique_ptr<FormatReader>>& readers() const { return readers_; }
  [[nodiscard]] const std::vector<std::unique_ptr<FormatWriter>>& writers() const { return writers_; }

 private:
  std::vector<std::unique_ptr<FormatReader>> readers_;
  std::vector<std::unique_ptr<FormatWriter>> writers_;
};

}  // namespace phasewise::core
