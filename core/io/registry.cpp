#include "io/registry.h"

#include <algorithm>

#include "util/error.h"
#include "util/text.h"

namespace phasewise::core {
namespace {
template <typename T>
std::string knownIds(const std::vector<std::unique_ptr<T>>& items) {
  std::string ids;
  for (const auto& item : items) ids += (ids.empty() ? "" : ", ") + item->id();
  return ids;
}
}  // namespace

void FormatRegistry::addReader(std::unique_ptr<FormatReader> reader) {
  for (const auto& r : readers_)
    if (r->id() == reader->id()) throw Error("a reader with id '" + reader->id() + "' is already registered");
  readers_.push_back(std::move(reader));
}

void FormatRegistry::addWriter(std::unique_ptr<FormatWriter> writer) {
  for (const auto& w : writers_)
    if (w->id() == writer->id()) throw Error("a writer with id '" + writer->id() + "' is already registered");
  writers_.push_back(std::move(writer));
}

const FormatReader& FormatRegistry::reader(std::string_view id) const {
  for (const auto& r : readers_)
    if (r->id() == id) return *r;
  throw Error("unknown reader '" + std::string(id) + "'; known readers: " + knownIds(readers_));
}

const FormatWriter& FormatRegistry::writer(std::string_view id) const {
  for (const auto& w : writers_)
    if (w->id() == id) return *w;
  throw Error("unknown writer '" + std::string(id) + "'; known writers: " + knownIds(writers_));
}

std::vector<std::pair<const FormatReader*, int>> FormatRegistry::rank(const std::filesystem::path& path) const {
  const FileProbe probe = FileProbe::of(path);
  std::vector<std::pair<const FormatReader*, int>> ranked;
  for (const auto& r : readers_) {
    const int score = r->confidence(probe);
    if (score > 0) ranked.emplace_back(r.get(), score);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return ranked;
}

const FormatReader& FormatRegistry::readerFor(const std::filesystem::path& path) const {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw FormatError(path.string(), 0, "", "does not exist");
  const auto ranked = rank(path);
  if (ranked.empty())
    throw FormatError(path.string(), 0, "", "is not in a format Phasewise reads (known: " + knownIds(readers_) + ")");
  return *ranked.front().first;
}

const FormatWriter& FormatRegistry::writerFor(const std::filesystem::path& path) const {
  const std::string extension = lowercase(path.extension().string());
  for (const auto& w : writers_)
    if (hasExtension(w->extensions(), extension)) return *w;
  std::string known;
  for (const auto& w : writers_)
    for (const auto& e : w->extensions()) known += (known.empty() ? "" : " ") + e;
  throw Error("no writer for '" + extension + "' files (" + path.string() + "); writable: " + known);
}

ReadResult FormatRegistry::read(const std::filesystem::path& path, const ReadOptions& options) const {
  return readerFor(path).read(path, options);
}

}  // namespace phasewise::core
