#include "format_hdf5/phasewise_contents.h"

#include <string>

#include "format_hdf5/hdf5_format.h"
#include "format_hdf5/hdf5_handles.h"
#include "format_hdf5/hdf5_integrity.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
namespace {

// The HDF5 signature at the start, or after Phasewise's user block: a cheap "no" for text
// files and folders before any HDF5 call (or child process).
bool startsLikeHdf5(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  return h5::hasHdf5Signature(core::readHead(path, static_cast<std::size_t>(h5::kUserBlockBytes) + 8));
}

PhasewiseContents readContents(const std::filesystem::path& path) {
  const h5::Reader r(path.string());
  const h5::Handle f = openPhasewiseFile(path.string(), r);  // throws unless format='phasewise'
  PhasewiseContents c;
  c.library = r.has(f.id(), "library");
  c.phases = r.has(f.id(), "phases");
  c.decomposition = r.has(f.id(), "decomposition");
  c.refinement = r.has(f.id(), "refinement");
  return c;
}

std::string encode(const PhasewiseContents& c) {
  return std::string(c.library ? "l" : "") + (c.phases ? "p" : "") + (c.decomposition ? "d" : "") +
         (c.refinement ? "r" : "");
}

PhasewiseContents decode(const std::string& text) {
  PhasewiseContents c;
  c.library = text.find('l') != std::string::npos;
  c.phases = text.find('p') != std::string::npos;
  c.decomposition = text.find('d') != std::string::npos;
  c.refinement = text.find('r') != std::string::npos;
  return c;
}

}  // namespace

PhasewiseContents phasewiseContents(const std::filesystem::path& path) {
  try {
    if (!startsLikeHdf5(path)) return {};
    // An unsealed file is asked about in the child, which answers without writing a copy.
    const h5::Hdf5Source source(path, [&](const std::filesystem::path&) {
      try {
        return encode(readContents(path));
      } catch (const core::Error&) {
        return std::string("-");  // an HDF5 file, but not Phasewise's
      }
    });
    return source.sealed() ? readContents(path) : decode(source.note());
  } catch (const std::exception&) {
    return {};
  }
}

}  // namespace phasewise::plugins
