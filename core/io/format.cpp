#include "io/format.h"

#include <algorithm>
#include <new>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::core {

FileProbe FileProbe::of(const std::filesystem::path& path) {
  FileProbe probe;
  probe.path = path;
  std::error_code ec;
  probe.is_directory = std::filesystem::is_directory(path, ec);
  if (probe.is_directory) {
    for (const auto& entry : std::filesystem::directory_iterator(path, ec))
      probe.entries.push_back(entry.path().filename().string());
    std::sort(probe.entries.begin(), probe.entries.end());
  } else {
    probe.extension = lowercase(path.extension().string());
    probe.head = readHead(path, 64 * 1024);
  }
  return probe;
}

bool FileProbe::hasEntry(const std::string& name) const {
  return std::binary_search(entries.begin(), entries.end(), name);
}

bool hasExtension(const std::vector<std::string>& extensions, const std::string& extension) {
  return std::find(extensions.begin(), extensions.end(), extension) != extensions.end();
}

ReadResult FormatReader::read(const std::filesystem::path& path, const ReadOptions& options) const {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw FormatError(path.string(), 0, "", "does not exist");
  ReadResult result;
  try {
    result = readImpl(path, options);
  } catch (const FormatError&) {
    throw;
  } catch (const CancelledError&) {
    throw;
  } catch (const Error& e) {
    throw FormatError(path.string(), 0, "", e.what());
  } catch (const std::bad_alloc&) {
    throw FormatError(path.string(), 0, "", "needs more memory than is available (is the file damaged?)");
  } catch (const std::exception& e) {
    throw FormatError(path.string(), 0, "", std::string("cannot be read as ") + id() + ": " + e.what());
  }
  Library& library = result.library;
  if (library.provenance.empty())
    for (std::size_t s = 0; s < library.samples; ++s)
      library.provenance.push_back({path.string(), static_cast<std::int64_t>(s)});
  if (library.name.empty()) library.name = path.stem().string();
  if (library.axis.spec.kind == AxisKind::TwoTheta && !library.axis.wavelength_angstrom) {
    if (options.wavelength_angstrom) {
      library.axis.wavelength_angstrom = options.wavelength_angstrom;
      library.metadata["wavelength_source"] = "given by the user";
      result.warnings.push_back("the file states no wavelength; using " + formatNumber(*options.wavelength_angstrom) +
                                " A as given");
    } else {
      result.warnings.push_back("the file states no wavelength: 2-theta cannot be converted to Q until one is given");
    }
  }
  try {
    library.validate();
  } catch (const Error& e) {
    throw FormatError(path.string(), 0, "", e.what());
  }
  return result;
}

void FormatWriter::write(const Library& library, const std::filesystem::path& path) const {
  library.validate();
  writeAtomically(path, [&](const std::filesystem::path& temporary) { writeImpl(library, temporary); });
}

}  // namespace phasewise::core
