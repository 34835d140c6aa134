#pragma once
// The plain C++ interface every file format implements. Readers say which files they can
// read and how sure they are from the bytes themselves; the registry (registry.h) picks the
// most confident one. The public read()/write() are non-virtual: they check inputs, validate
// what comes out, write atomically and turn every failure into a FormatError that names the
// file; the protected virtuals do the format's own work.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "model/axis.h"
#include "model/library.h"
#include "util/progress.h"

namespace phasewise::core {

struct ReadOptions {
  // Used when the file states no wavelength; the library records that it came from the user.
  std::optional<double> wavelength_angstrom;
  // For formats whose axis the file may not name (.xy, .dat, .csv without a header).
  std::optional<AxisSpec> axis;
  ProgressCallback progress;
};

struct ReadResult {
  Library library;
  std::vector<std::string> warnings;  // things the user should know: assumptions, repairs
};

// What a reader may look at to decide whether it claims a path.
struct FileProbe {
  std::filesystem::path path;
  std::string extension;  // lower case, with the dot (".xy"); empty for folders
  bool is_directory = false;
  std::string head;                  // the first bytes of a file (up to 64 KiB)
  std::vector<std::string> entries;  // file names in a folder (not recursive)

  static FileProbe of(const std::filesystem::path& path);
  [[nodiscard]] bool hasEntry(const std::string& name) const;
};

class FormatReader {
 public:
  virtual ~FormatReader() = default;
  [[nodiscard]] virtual std::string id() const = 0;
  [[nodiscard]] virtual std::string description() const = 0;
  [[nodiscard]] virtual std::vector<std::string> extensions() const = 0;
  // 0: cannot read it; 100: certain. Content decides; a matching extension alone is worth
  // little, so a mislabelled file still goes to the reader that recognises its bytes.
  [[nodiscard]] virtual int confidence(const FileProbe& probe) const = 0;

  [[nodiscard]] ReadResult read(const std::filesystem::path& path, const ReadOptions& options = {}) const;

 protected:
  [[nodiscard]] virtual ReadResult readImpl(const std::filesystem::path& path, const ReadOptions& options) const = 0;
};

class FormatWriter {
 public:
  virtual ~FormatWriter() = default;
  [[nodiscard]] virtual std::string id() const = 0;
  [[nodiscard]] virtual std::string description() const = 0;
  [[nodiscard]] virtual std::vector<std::string> extensions() const = 0;

  // Validates the library, writes it to a temporary file and renames it over `path` only
  // when everything was written.
  void write(const Library& library, const std::filesystem::path& path) const;

 protected:
  virtual void writeImpl(const Library& library, const std::filesystem::path& temporary_path) const = 0;
};

// True when `extension` (".xy") is among the format's extensions.
[[nodiscard]] bool hasExtension(const std::vector<std::string>& extensions, const std::string& extension);

}  // namespace phasewise::core
