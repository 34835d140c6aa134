#include "format_xylib/xylib_format.h"

#include <xylib/xylib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "io/column_text.h"
#include "isolation/child_process.h"
#include "simulate/radiation.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::plugins {
using namespace core;
namespace {
// The xylib formats that hold powder patterns (its chiplot, xrdml, csv and text formats are
// read by Phasewise's own readers; the others hold spectra).
struct Kind {
  const char* name;
  const char* label;
};
constexpr Kind kKinds[] = {
    {"bruker_raw", "Bruker/Siemens RAW"},
    {"uxd", "Bruker UXD"},
    {"rigaku_dat", "Rigaku DAT"},
    {"philips_udf", "Philips UDF"},
    {"philips_rd", "Philips RD/SD"},
    {"cpi", "Sietronics CPI"},
    {"pdcif", "powder CIF"},
    {"xfit_xdd", "XFIT XDD"},
    {"riet7", "RIET7/LHPM"},
    {"dbws", "DBWS"},
};

// The first of our formats whose xylib check accepts the bytes, or null. xylib's checks throw
// on some inputs (its XML-based ones even on plain text), so every call is guarded.
const xylib::FormatInfo* recognise(const std::string& bytes) {
  for (const Kind& kind : kKinds) {
    const auto* info = static_cast<const xylib::FormatInfo*>(xylib_get_format_by_name(kind.name));
    if (!info) continue;
    try {
      std::istringstream in(bytes);
      if (xylib::check_format(info, in, nullptr)) return info;
    } catch (...) {
    }
  }
  return nullptr;
}

std::string lowerKey(std::string key) {
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return key;
}

using Meta = std::vector<std::pair<std::string, std::string>>;

// A wavelength the file states (Angstrom), by key; or the anode's K-alpha1 (noted in `source`).
std::optional<double> statedWavelength(const Meta& block, const Meta& set, std::string& source) {
  static const char* kKeys[] = {"used_lambda", "alpha1", "wl1", "_diffrn_radiation_wavelength", "wavelength", "lambda"};
  for (const Meta* meta : {&block, &set})
    for (const char* wanted : kKeys)
      for (const auto& [key, raw] : *meta) {
        if (lowerKey(key) != wanted) continue;
        double value = 0;
        std::string text = raw;
        text.erase(std::remove(text.begin(), text.end(), '\''), text.end());
        if (parseNumber(trim(text), value) && value > 0.01 && value < 10) {
          source = "file (" + key + ")";
          return value;
        }
      }
  for (const Meta* meta : {&block, &set})
    for (const auto& [key, raw] : *meta) {
      const std::string lower = lowerKey(key);
      if (lower != "anode_material" && lower != "anode" && lower != "target") continue;
      std::string anode = raw;
      anode.erase(std::remove(anode.begin(), anode.end(), '\''), anode.end());
      try {
        const double w = Radiation::parse(std::string(trim(anode)) + "Ka1").primaryWavelength();
        source = "anode " + std::string(trim(anode)) + " K-alpha1 (the file names the anode, not the wavelength)";
        return w;
      } catch (const Error&) {
      }
    }
  return std::nullopt;
}

struct Block {
  std::vector<double> x, y;
};

// What the child process sends back: xylib's reading of the file, or why it failed.
struct Parsed {
  std::string format, description, error;
  std::vector<Block> blocks;
  Meta set_meta, block_meta;  // the data set's and the first block's
};

// Length-prefixed fields, in the order Parsed lists them.
void putText(std::string& out, const std::string& text) {
  const std::uint64_t n = text.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out += text;
}
void putNumbers(std::string& out, const std::vector<double>& v) {
  const std::uint64_t n = v.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
}
struct Cursor {
  const std::string& bytes;
  std::size_t at = 0;
  std::uint64_t count() {
    std::uint64_t n = 0;
    if (at + sizeof n > bytes.size()) throw Error("xylib: a malformed reply from the reading process");
    std::memcpy(&n, bytes.data() + at, sizeof n);
    at += sizeof n;
    return n;
  }
  std::string text() {
    const std::uint64_t n = count();
    if (n > bytes.size() - at) throw Error("xylib: a malformed reply from the reading process");
    std::string t = bytes.substr(at, n);
    at += n;
    return t;
  }
  std::vector<double> numbers() {
    const std::uint64_t n = count();
    if (n > (bytes.size() - at) / sizeof(double)) throw Error("xylib: a malformed reply from the reading process");
    std::vector<double> v(n);
    std::memcpy(v.data(), bytes.data() + at, n * sizeof(double));
    at += n * sizeof(double);
    return v;
  }
};

std::string serialise(const Parsed& p) {
  std::string out;
  putText(out, p.format);
  putText(out, p.description);
  putText(out, p.error);
  putText(out, std::to_string(p.blocks.size()));
  for (const Block& b : p.blocks) {
    putNumbers(out, b.x);
    putNumbers(out, b.y);
  }
  for (const Meta* meta : {&p.set_meta, &p.block_meta}) {
    putText(out, std::to_string(meta->size()));
    for (const auto& [key, value] : *meta) {
      putText(out, key);
      putText(out, value);
    }
  }
  return out;
}

Parsed deserialise(const std::string& bytes) {
  Cursor c{bytes};
  Parsed p;
  p.format = c.text();
  p.description = c.text();
  p.error = c.text();
  const std::size_t blocks = std::stoul(c.text());
  for (std::size_t i = 0; i < blocks; ++i) {
    Block b;
    b.x = c.numbers();
    b.y = c.numbers();
    p.blocks.push_back(std::move(b));
  }
  for (Meta* meta : {&p.set_meta, &p.block_meta}) {
    const std::size_t n = std::stoul(c.text());
    for (std::size_t i = 0; i < n; ++i) {
      std::string key = c.text();
      meta->emplace_back(std::move(key), c.text());
    }
  }
  return p;
}

Meta metaOf(const xylib::MetaData& m) {
  Meta out;
  for (std::size_t i = 0; i < m.size(); ++i) out.emplace_back(m.get_key(i), m.get(m.get_key(i)));
  return out;
}

// xylib's reading of the file (in the child process: xylib can crash on damaged files).
Parsed parse(const std::filesystem::path& path) {
  Parsed p;
  std::string head(64 * 1024, '\0');
  {
    std::ifstream in(path, std::ios::binary);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
  }
  const xylib::FormatInfo* info = recognise(head);
  if (!info) {
    p.error = "not a file xylib recognises as a powder pattern";
    return p;
  }
  p.format = info->name;
  p.description = info->desc;
  // The data set is owned here from the start: xylib's load_file() leaks it when the file
  // turns out to be damaged (found by fuzzing).
  std::unique_ptr<xylib::DataSet> data(info->ctor());
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot be opened");
    data->load_data(in, path.c_str());
  } catch (const std::exception& e) {
    p.error = std::string("xylib (") + info->name + "): " + e.what();
    return p;
  } catch (...) {
    p.error = std::string("xylib (") + info->name + ") could not read it";
    return p;
  }
  if (data->get_block_count() < 1) p.error = "holds no data block";
  for (int index = 0; index < data->get_block_count() && p.error.empty(); ++index) {
    const xylib::Block& b = *data->get_block(index);
    const int n = b.get_point_count();
    if (b.get_column_count() < 2 || n < 2) {
      p.error = "block " + std::to_string(index + 1) + " holds fewer than 2 points of x and y";
      break;
    }
    Block out;
    for (int i = 0; i < n; ++i) {
      out.x.push_back(b.get_column(1).get_value(i));
      out.y.push_back(b.get_column(2).get_value(i));
    }
    p.blocks.push_back(std::move(out));
  }
  p.set_meta = metaOf(data->meta);
  if (data->get_block_count() > 0) p.block_meta = metaOf(data->get_block(0)->meta);
  return p;
}

bool sameGrid(const Block& a, const Block& b) {
  if (a.x.size() != b.x.size()) return false;
  const double step = std::abs(a.x.back() - a.x.front()) / static_cast<double>(a.x.size());
  for (std::size_t i = 0; i < a.x.size(); ++i)
    if (std::abs(a.x[i] - b.x[i]) > 1e-6 * std::max(step, 1e-12)) return false;
  return true;
}
}  // namespace

std::string XylibReader::description() const {
  std::string text = "vendor powder files through xylib " + std::string(xylib_get_version()) + ":";
  for (const Kind& kind : kKinds) text += std::string(" ") + kind.label + ",";
  text.pop_back();
  return text;
}

std::vector<std::string> XylibReader::extensions() const {
  return {".raw", ".uxd", ".dat", ".udf", ".rd", ".sd", ".cpi", ".cif", ".xdd", ".dbw", ".rit", ".neu"};
}

int XylibReader::confidence(const FileProbe& probe) const {
  if (probe.is_directory || probe.head.empty()) return 0;
  const xylib::FormatInfo* info = recognise(probe.head);
  if (!info) return 0;
  // xylib's checks look for each format's own signature: above the generic column readers.
  return info->binary ? 90 : 85;
}

ReadResult XylibReader::readImpl(const std::filesystem::path& path, const ReadOptions& options) const {
  (void)options;  // a wavelength from the user is applied by FormatReader::read
  const std::string file = path.string();
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  Parsed parsed;
  try {
    // xylib has crashed (a double free in its UXD reader) and leaked on damaged files: it
    // reads in a child process, with 10 s and 256 MB + 16 bytes per byte of file at most.
    parsed = deserialise(runInChild([&] { return serialise(parse(path)); },
                                    std::chrono::seconds(10) + std::chrono::seconds(ec ? 0 : size >> 24),
                                    (256ULL << 20) + 16ULL * (ec ? 0 : size)));
  } catch (const ChildFailure& failure) {
    throw FormatError(file, 0, "", std::string("damaged: xylib ") + failure.what());
  }
  if (!parsed.error.empty()) throw FormatError(file, 0, "", parsed.error);
  const std::vector<Block>& blocks = parsed.blocks;
  ReadResult result;
  std::vector<const std::vector<double>*> patterns;
  std::vector<double> x = blocks.front().x, joined;
  const bool one_grid =
      std::all_of(blocks.begin(), blocks.end(), [&](const Block& b) { return sameGrid(blocks.front(), b); });
  if (one_grid) {
    for (const Block& b : blocks) patterns.push_back(&b.y);
  } else {
    // Ranges of one scan: joined when each starts after the previous ends.
    bool ordered = true;
    for (std::size_t b = 1; b < blocks.size(); ++b) ordered = ordered && blocks[b].x.front() > blocks[b - 1].x.back();
    if (ordered) {
      x.clear();
      for (const Block& b : blocks) {
        x.insert(x.end(), b.x.begin(), b.x.end());
        joined.insert(joined.end(), b.y.begin(), b.y.end());
      }
      patterns.push_back(&joined);
      result.warnings.push_back(std::to_string(blocks.size()) +
                                " ranges of one scan joined into one pattern (with gaps between them)");
    } else {
      patterns.push_back(&blocks.front().y);
      result.warnings.push_back("blocks 2.." + std::to_string(blocks.size()) +
                                " are on other grids and overlap the first: only block 1 was read");
    }
  }
  std::vector<std::size_t> lines(x.size(), 0);
  result.library = libraryFromColumns(file, x, lines, patterns, nullptr, AxisSpec{AxisKind::TwoTheta, AxisUnit::Degree},
                                      result.warnings);
  std::string source;
  if (const auto w = statedWavelength(parsed.block_meta, parsed.set_meta, source)) {
    result.library.axis.wavelength_angstrom = *w;
    result.library.metadata["wavelength_source"] = source;
    if (source.rfind("anode", 0) == 0) result.warnings.push_back("wavelength from the " + source);
  }
  result.library.metadata["format"] = "xylib " + parsed.format + " (" + parsed.description + ")";
  for (const auto& [key, value] : parsed.set_meta) result.library.metadata["xylib: " + key] = value;
  return result;
}

}  // namespace phasewise::plugins
