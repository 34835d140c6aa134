#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "format_instance/instance_format.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
namespace {

struct RawValue {
  std::size_t line;
  std::string text;
};

// Parses a comma-separated list of `expected` numbers straight into `out`.
template <typename T>
void parseList(std::string_view value, T* out, std::size_t expected, const std::string& file, std::size_t line,
               const std::string& key) {
  const char* p = value.data();
  const char* end = value.data() + value.size();
  std::size_t count = 0;
  for (;;) {
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    if (p == end) break;
    if (count == expected) {
      const std::size_t total = count + 1 + static_cast<std::size_t>(std::count(p, end, ','));
      throw FormatError(file, line, key,
                        "has " + std::to_string(total) + " values, expected " + std::to_string(expected));
    }
    if (*p == '+') ++p;
    T v{};
    const auto r = std::from_chars(p, end, v);
    if (r.ec != std::errc() || !std::isfinite(static_cast<double>(v))) {
      const char* stop = p;
      while (stop < end && *stop != ',') ++stop;
      throw FormatError(file, line, key,
                        "value " + std::to_string(count + 1) + " ('" +
                            std::string(p, std::min<std::size_t>(stop - p, 40)) + "') is not a finite number");
    }
    out[count++] = v;
    p = r.ptr;
    while (p < end && (*p == ' ' || *p == '\t')) ++p;
    if (p == end) break;
    if (*p != ',')
      throw FormatError(
          file, line, key,
          "value " + std::to_string(count) + " is followed by '" + std::string(1, *p) + "' instead of a comma");
    ++p;
  }
  if (count != expected)
    throw FormatError(file, line, key,
                      "has " + std::to_string(count) + " values, expected " + std::to_string(expected));
}

std::vector<std::string> splitNames(std::string_view value) {
  std::vector<std::string_view> fields;
  splitFields(value, ",", fields);
  std::vector<std::string> names;
  for (std::string_view f : fields) names.emplace_back(trim(f));
  return names;
}

std::size_t countFields(std::string_view value) {
  if (trim(value).empty()) return 0;
  std::size_t count = 1;
  for (char c : value) count += c == ',';
  return count;
}

bool isIntensityKey(std::string_view key, std::size_t& index) {
  if (key.size() < 2 || key[0] != 'I') return false;
  std::size_t v = 0;
  const auto r = std::from_chars(key.data() + 1, key.data() + key.size(), v);
  if (r.ec != std::errc() || r.ptr != key.data() + key.size()) return false;
  index = v;
  return true;
}
}  // namespace

int InstanceReader::confidence(const FileProbe& probe) const {
  if (probe.is_directory || probe.head.empty() || probe.head.find('\0') != std::string::npos) return 0;
  int keys = 0;
  for (const char* key : {"\nM=", "\nN=", "\nElements=", "\nComposition=", "\nQ=", "\nI1="})
    keys += ("\n" + probe.head).find(key) != std::string::npos;
  const bool ext = hasExtension(extensions(), probe.extension);
  if (keys >= 2) return ext ? 95 : 85;
  return 0;
}

namespace {

// One read of an instance file: the key=value lines first (Q, then I<k> rows into the matrix,
// every other key kept raw with its line), then the raw keys interpreted (elements,
// compositions, deposition positions, metadata). Errors name the file, the line and the key.
class InstanceParse {
 public:
  InstanceParse(const std::filesystem::path& path, const ReadOptions& options)
      : file_(path.string()), reader_(path), options_(options), lib_(result_.library) {}

  ReadResult read() {
    lib_.axis.spec = options_.axis.value_or(AxisSpec{AxisKind::Q, AxisUnit::InverseNanometre});
    if (lib_.axis.spec.kind != AxisKind::Q)
      throw FormatError(file_, 0, "Q", "the instance format's axis is Q; --axis must name a Q unit");
    readLines();
    checkRows();
    readCompositions();
    readDepositionPositions();
    keepOtherKeys();
    lib_.metadata["axis_source"] = "instance format (Q in nm^-1)";
    return std::move(result_);
  }

 private:
  void readLines() {
    std::string_view line;
    while (reader_.next(line)) {
      if ((reader_.lineNumber() & 63) == 0 && reader_.fileSize() > 0)
        reportProgress(options_.progress,
                       static_cast<double>(reader_.bytesRead()) / static_cast<double>(reader_.fileSize()),
                       "reading instance");
      const std::string_view content = trim(line);
      if (content.empty()) continue;
      const std::size_t eq = content.find('=');
      const std::size_t comment = content.find("//");
      if (comment != std::string_view::npos && (eq == std::string_view::npos || comment < eq)) continue;
      if (eq == std::string_view::npos)
        throw FormatError(file_, reader_.lineNumber(), "",
                          "expected key=value, found '" + std::string(content.substr(0, 40)) + "'");
      const std::string key(trim(content.substr(0, eq)));
      const std::string_view value = trim(content.substr(eq + 1));
      if (key.empty()) throw FormatError(file_, reader_.lineNumber(), "", "line starts with '=' (no key)");
      std::size_t index = 0;
      if (key == "Q")
        readQ(value);
      else if (isIntensityKey(key, index))
        readIntensityRow(key, index, value);
      else
        keepRaw(key, value);
    }
  }

  void readQ(std::string_view value) {
    if (q_line_)
      throw FormatError(file_, reader_.lineNumber(), "Q",
                        "appears twice (first on line " + std::to_string(q_line_) + ")");
    q_line_ = reader_.lineNumber();
    lib_.axis.values.resize(countFields(value));
    if (lib_.axis.values.empty()) throw FormatError(file_, q_line_, "Q", "is empty");
    parseList(value, lib_.axis.values.data(), lib_.axis.values.size(), file_, q_line_, "Q");
    checkAxisValues(lib_.axis.values, "Q");
  }

  void readIntensityRow(const std::string& key, std::size_t index, std::string_view value) {
    const std::size_t at = reader_.lineNumber();
    if (!q_line_) throw FormatError(file_, at, key, "comes before the Q= line that defines its axis");
    if (index == 0) throw FormatError(file_, at, key, "sample numbers start at 1");
    if (declared_n_ && index > *declared_n_)
      throw FormatError(file_, at, key,
                        "sample " + std::to_string(index) + " exceeds N=" + std::to_string(*declared_n_));
    if (!declared_n_ && index > 10'000'000) throw FormatError(file_, at, key, "implausible sample number");
    const std::size_t m = lib_.axis.values.size();
    // A row holds m numbers of at least two bytes each (with the separator): the file's size
    // bounds the rows it can hold, so memory follows the file, not the numbers it claims.
    const std::size_t most_rows = static_cast<std::size_t>(reader_.fileSize() / (2 * m)) + 1;
    if (index > most_rows)
      throw FormatError(file_, at, key,
                        "sample " + std::to_string(index) + " is more than a file of " +
                            std::to_string(reader_.fileSize()) + " bytes can hold");
    // Knowing N lets the matrix be allocated once, at its final size.
    const std::size_t rows = declared_n_ ? std::min(*declared_n_, most_rows) : 0;
    if (lib_.intensities.capacity() < rows * m) lib_.intensities.reserve(rows * m);
    if (index > intensity_line_.size()) {
      intensity_line_.resize(index, 0);
      lib_.intensities.resize(index * m, 0.0F);
    }
    if (intensity_line_[index - 1])
      throw FormatError(file_, at, key,
                        "appears twice (first on line " + std::to_string(intensity_line_[index - 1]) + ")");
    intensity_line_[index - 1] = at;
    parseList(value, lib_.intensities.data() + (index - 1) * m, m, file_, at, key);
    ++rows_seen_;
  }

  void keepRaw(const std::string& key, std::string_view value) {
    if (raw_.count(key))
      throw FormatError(file_, reader_.lineNumber(), key,
                        "appears twice (first on line " + std::to_string(raw_[key].line) + ")");
    if (key == "N") {
      double n = 0;
      if (!parseNumber(value, n) || n < 1 || n != std::floor(n) || n > 1e8)
        throw FormatError(file_, reader_.lineNumber(), "N", "'" + std::string(value) + "' is not a sample count");
      declared_n_ = static_cast<std::size_t>(n);
      if (q_line_ && intensity_line_.size() > *declared_n_)
        throw FormatError(file_, reader_.lineNumber(), "N", "is smaller than the sample numbers already read");
    }
    raw_[key] = RawValue{reader_.lineNumber(), std::string(value)};
  }

  // Every sample from 1 to N (or the highest seen) has its row.
  void checkRows() {
    if (reader_.lineNumber() == 0) throw FormatError(file_, 0, "", "is empty");
    if (!q_line_) throw FormatError(file_, reader_.lineNumber(), "Q", "the file has no Q= line");
    n_ = declared_n_.value_or(intensity_line_.size());
    if (rows_seen_ == 0)
      throw FormatError(file_, reader_.lineNumber(), "I1", "the file has no intensity rows (I1=...)");
    intensity_line_.resize(n_, 0);
    lib_.intensities.resize(n_ * lib_.axis.values.size(), 0.0F);
    for (std::size_t s = 0; s < n_; ++s)
      if (!intensity_line_[s])
        throw FormatError(
            file_, reader_.lineNumber(), "I" + std::to_string(s + 1),
            "is missing (N=" + std::to_string(n_) + " samples declared, " + std::to_string(rows_seen_) + " found)");
    lib_.samples = n_;
    raw_.erase("N");
  }

  std::optional<RawValue> take(const std::string& key) {
    auto it = raw_.find(key);
    if (it == raw_.end()) return std::nullopt;
    RawValue v = std::move(it->second);
    raw_.erase(it);
    return v;
  }

  std::vector<double> perSample(const std::string& key, const RawValue& v) const {
    std::vector<double> values(n_);
    parseList(std::string_view(v.text), values.data(), n_, file_, v.line, key);
    return values;
  }

  // Elements=, M= and Composition= name the composition rows (one per element).
  void readCompositions() {
    if (auto elements = take("Elements")) lib_.elements = splitNames(elements->text);
    if (auto m = take("M")) {
      double count = 0;
      if (!parseNumber(m->text, count) || count != static_cast<double>(lib_.elements.size()))
        throw FormatError(file_, m->line, "M",
                          "says " + m->text + " elements but Elements= lists " + std::to_string(lib_.elements.size()));
    }
    std::vector<std::string> composition_keys = lib_.elements;
    std::size_t composition_line = 0;
    if (auto keys = take("Composition")) {
      composition_keys = splitNames(keys->text);
      composition_line = keys->line;
      if (composition_keys.size() != lib_.elements.size())
        throw FormatError(file_, keys->line, "Composition",
                          "names " + std::to_string(composition_keys.size()) + " rows for " +
                              std::to_string(lib_.elements.size()) + " elements");
    }
    if (lib_.elements.empty()) return;
    lib_.composition.assign(n_ * lib_.elements.size(), 0.0);
    for (std::size_t e = 0; e < lib_.elements.size(); ++e) {
      auto row = take(composition_keys[e]);
      if (!row)
        throw FormatError(file_, composition_line, composition_keys[e],
                          "composition row for " + lib_.elements[e] + " is missing");
      const std::vector<double> values = perSample(composition_keys[e], *row);
      for (std::size_t s = 0; s < n_; ++s) lib_.composition[s * lib_.elements.size() + e] = values[s];
    }
    if (convertPercentCompositions(lib_))
      result_.warnings.push_back("compositions are given in percent; converted to fractions");
  }

  // Deposition= names the X and Y rows (default X, Y).
  void readDepositionPositions() {
    std::vector<std::string> deposition_keys = {"X", "Y"};
    if (auto keys = take("Deposition")) {
      deposition_keys = splitNames(keys->text);
      if (deposition_keys.size() == 2 && deposition_keys[0] == deposition_keys[1])
        throw FormatError(file_, keys->line, "Deposition", "names the row " + deposition_keys[0] + " for both X and Y");
    }
    if (deposition_keys.size() == 2 && raw_.count(deposition_keys[0]) && raw_.count(deposition_keys[1])) {
      const RawValue xs = *take(deposition_keys[0]);
      const RawValue ys = *take(deposition_keys[1]);
      lib_.x = perSample(deposition_keys[0], xs);
      lib_.y = perSample(deposition_keys[1], ys);
    }
  }

  // What is left: one value per sample becomes sample metadata, a short value metadata.
  void keepOtherKeys() {
    for (auto& [key, value] : raw_) {
      if (countFields(value.text) == n_ && n_ > 1)
        lib_.sample_metadata[key] = splitNames(value.text);
      else if (value.text.size() <= 4096)
        lib_.metadata[key] = value.text;
      else
        result_.warnings.push_back("key '" + key + "' (line " + std::to_string(value.line) +
                                   ") was not understood and is ignored");
    }
  }

  const std::string file_;
  LineReader reader_;
  const ReadOptions& options_;
  ReadResult result_;
  Library& lib_;
  std::map<std::string, RawValue> raw_;
  std::optional<std::size_t> declared_n_;
  std::size_t q_line_ = 0;
  std::vector<std::size_t> intensity_line_;  // line of I<k>, 0 when not seen
  std::size_t rows_seen_ = 0;
  std::size_t n_ = 0;  // samples, once the rows are checked
};

}  // namespace

ReadResult InstanceReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  return InstanceParse(path, options).read();
}

}  // namespace phasewise::plugins
