#include "io/npy.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::core {
namespace {
constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMaxHeader = 1 << 20;

struct Dtype {
  bool big_endian = false;
  char kind = 'f';
  std::size_t item_size = 8;
};

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& problem) {
  throw FormatError(file, 0, field, problem);
}

// The text after 'key': in the header dict, up to the value's end.
std::string_view dictValue(std::string_view header, std::string_view key, const std::string& file) {
  std::string quoted1 = "'" + std::string(key) + "'";
  std::string quoted2 = "\"" + std::string(key) + "\"";
  std::size_t at = header.find(quoted1);
  std::size_t len = quoted1.size();
  if (at == std::string_view::npos) {
    at = header.find(quoted2);
    len = quoted2.size();
  }
  if (at == std::string_view::npos) fail(file, "header", "has no '" + std::string(key) + "' entry");
  std::size_t colon = header.find(':', at + len);
  if (colon == std::string_view::npos) fail(file, "header", "entry '" + std::string(key) + "' has no value");
  return trim(header.substr(colon + 1));
}

Dtype parseDescr(std::string_view rest, const std::string& file) {
  if (rest.empty() || (rest.front() != '\'' && rest.front() != '"')) {
    if (!rest.empty() && rest.front() == '[') fail(file, "descr", "structured (record) dtypes are not supported");
    fail(file, "descr", "expected a quoted dtype string such as '<f4'");
  }
  const char quote = rest.front();
  const std::size_t close = rest.find(quote, 1);
  if (close == std::string_view::npos) fail(file, "descr", "unterminated dtype string");
  std::string_view d = rest.substr(1, close - 1);
  Dtype dtype;
  if (d.empty()) fail(file, "descr", "empty dtype");
  if (d.front() == '<' || d.front() == '>' || d.front() == '|' || d.front() == '=') {
    dtype.big_endian = d.front() == '>';
    d.remove_prefix(1);
  }
  if (d.empty()) fail(file, "descr", "dtype has no type letter");
  dtype.kind = d.front();
  d.remove_prefix(1);
  if (dtype.kind == 'O')
    fail(file, "descr", "object arrays (pickled Python objects) are not supported; export them as text");
  double size = 0;
  if (!parseNumber(d, size) || size < 1 || size > 1e6 || size != static_cast<double>(static_cast<std::size_t>(size)))
    fail(file, "descr", "dtype '" + std::string(rest.substr(1, close - 1)) + "' has no valid item size");
  dtype.item_size = static_cast<std::size_t>(size);
  const std::string text(rest.substr(1, close - 1));
  switch (dtype.kind) {
    case 'f':
      if (dtype.item_size != 4 && dtype.item_size != 8) fail(file, "descr", "unsupported float dtype '" + text + "'");
      break;
    case 'i':
    case 'u':
      if (dtype.item_size != 1 && dtype.item_size != 2 && dtype.item_size != 4 && dtype.item_size != 8)
        fail(file, "descr", "unsupported integer dtype '" + text + "'");
      break;
    case 'b':
      if (dtype.item_size != 1) fail(file, "descr", "unsupported bool dtype '" + text + "'");
      break;
    case 'U':
      dtype.item_size *= 4;  // UTF-32 code units
      break;
    case 'O':
      fail(file, "descr", "object arrays (pickled Python objects) are not supported; export them as text");
    default:
      fail(file, "descr", "unsupported dtype '" + text + "' (supported: f4 f8 i1-i8 u1-u8 b1 U<n>)");
  }
  return dtype;
}

std::vector<std::size_t> parseShape(std::string_view rest, const std::string& file) {
  if (rest.empty() || rest.front() != '(') fail(file, "shape", "expected a tuple such as (231, 650)");
  const std::size_t close = rest.find(')');
  if (close == std::string_view::npos) fail(file, "shape", "unterminated tuple");
  std::vector<std::size_t> shape;
  std::vector<std::string_view> parts;
  splitFields(rest.substr(1, close - 1), ",", parts);
  for (std::string_view p : parts) {
    p = trim(p);
    if (p.empty()) continue;                  // "(5,)" has a trailing comma
    if (p.back() == 'L') p.remove_suffix(1);  // Python 2 longs
    double v = 0;
    // Range first: converting a double beyond 2^64 to an integer is undefined (found by fuzzing).
    if (!parseNumber(p, v) || !(v >= 0 && v <= 9.0e18) || v != std::floor(v))
      fail(file, "shape", "'" + std::string(p) + "' is not a dimension size");
    shape.push_back(static_cast<std::size_t>(v));
  }
  if (shape.size() > 32) fail(file, "shape", "more than 32 dimensions");
  return shape;
}

template <typename T>
T load(const unsigned char* p, bool big_endian) {
  unsigned char bytes[sizeof(T)];
  std::memcpy(bytes, p, sizeof(T));
  if (big_endian)
    for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(bytes[i], bytes[sizeof(T) - 1 - i]);
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}

double decodeNumber(const unsigned char* p, const Dtype& d) {
  switch (d.kind) {
    case 'f':
      return d.item_size == 4 ? load<float>(p, d.big_endian) : load<double>(p, d.big_endian);
    case 'b':
      return p[0] != 0 ? 1.0 : 0.0;
    case 'i':
      switch (d.item_size) {
        case 1:
          return static_cast<double>(load<std::int8_t>(p, false));
        case 2:
          return static_cast<double>(load<std::int16_t>(p, d.big_endian));
        case 4:
          return static_cast<double>(load<std::int32_t>(p, d.big_endian));
        default:
          return static_cast<double>(load<std::int64_t>(p, d.big_endian));
      }
    default:
      switch (d.item_size) {
        case 1:
          return static_cast<double>(p[0]);
        case 2:
          return static_cast<double>(load<std::uint16_t>(p, d.big_endian));
        case 4:
          return static_cast<double>(load<std::uint32_t>(p, d.big_endian));
        default:
          return static_cast<double>(load<std::uint64_t>(p, d.big_endian));
      }
  }
}

void appendUtf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::vector<std::uint32_t> decodeUtf8(const std::string& s) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = c;
    std::size_t extra = 0;
    if (c >= 0xF0) {
      cp = c & 0x07U;
      extra = 3;
    } else if (c >= 0xE0) {
      cp = c & 0x0FU;
      extra = 2;
    } else if (c >= 0xC0) {
      cp = c & 0x1FU;
      extra = 1;
    }
    for (std::size_t k = 1; k <= extra && i + k < s.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3FU);
    out.push_back(cp);
    i += 1 + extra;
  }
  return out;
}

// Index in Fortran order of the element at C-order index `c`.
std::size_t fortranIndex(std::size_t c, const std::vector<std::size_t>& shape) {
  std::size_t f = 0;
  std::size_t stride = 1;
  std::vector<std::size_t> idx(shape.size());
  for (std::size_t k = shape.size(); k-- > 0;) {
    idx[k] = c % shape[k];
    c /= shape[k];
  }
  for (std::size_t k = 0; k < shape.size(); ++k) {
    f += idx[k] * stride;
    stride *= shape[k];
  }
  return f;
}
}  // namespace

std::size_t NpyArray::count() const {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

namespace {

struct NpyHeader {
  std::uint64_t bytes_before_data = 0;  // magic, version, length and the header itself
  Dtype dtype;
  bool fortran_order = false;
  std::vector<std::size_t> shape;
};

// Magic, version, header length and the header's descr, fortran_order and shape, each
// checked against the file's size before anything is allocated from it.
NpyHeader readHeader(std::ifstream& in, const std::string& file, std::uint64_t file_size) {
  char magic[8] = {};
  in.read(magic, 8);
  if (in.gcount() < 8) fail(file, "", "is too short to be an .npy file (" + std::to_string(file_size) + " bytes)");
  if (std::memcmp(magic, kMagic, 6) != 0) fail(file, "magic", "does not start with \\x93NUMPY: not an .npy file");
  const int major = static_cast<unsigned char>(magic[6]);
  if (major < 1 || major > 3)
    fail(file, "version", "format version " + std::to_string(major) + " is not supported (1-3)");
  std::uint64_t header_len = 0;
  if (major == 1) {
    unsigned char b[2] = {};
    in.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | (static_cast<unsigned>(b[1]) << 8U);
  } else {
    unsigned char b[4] = {};
    in.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | (static_cast<std::uint32_t>(b[1]) << 8U) | (static_cast<std::uint32_t>(b[2]) << 16U) |
                 (static_cast<std::uint32_t>(b[3]) << 24U);
  }
  if (!in) fail(file, "header", "file ends inside the header length");
  const std::uint64_t prefix = (major == 1 ? 10 : 12);
  if (header_len > kMaxHeader)
    fail(file, "header", "claims " + std::to_string(header_len) + " bytes of header (limit 1 MiB)");
  if (prefix + header_len > file_size)
    fail(file, "header", "claims " + std::to_string(header_len) + " bytes but the file ends first (truncated)");
  std::string header(header_len, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_len));
  if (!in) fail(file, "header", "truncated");
  NpyHeader h;
  h.bytes_before_data = prefix + header_len;
  h.dtype = parseDescr(dictValue(header, "descr", file), file);
  const std::string_view fortran = dictValue(header, "fortran_order", file);
  if (fortran.substr(0, 4) == "True")
    h.fortran_order = true;
  else if (fortran.substr(0, 5) != "False")
    fail(file, "fortran_order", "expected True or False");
  h.shape = parseShape(dictValue(header, "shape", file), file);
  return h;
}

// Elements and bytes the shape describes; they must be exactly what the file holds.
std::size_t dataBytes(const NpyHeader& h, std::uint64_t file_size, const std::string& file, std::size_t& count) {
  count = 1;
  for (std::size_t d : h.shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / d)
      fail(file, "shape", "describes more elements than any file can hold");
    count *= d;
  }
  std::size_t bytes = 0;
  if (__builtin_mul_overflow(count, h.dtype.item_size, &bytes))
    fail(file, "shape", "describes more bytes than any file can hold");
  const std::uint64_t available = file_size - h.bytes_before_data;
  if (bytes > available)
    fail(file, "data",
         "shape and dtype need " + std::to_string(bytes) + " bytes of data but the file holds " +
             std::to_string(available) + " (truncated, or the header is wrong)");
  if (bytes < available)
    fail(file, "data", "holds " + std::to_string(available - bytes) + " bytes more than its shape and dtype describe");
  return bytes;
}

// The raw items as numbers or (UTF-32) strings, in C order.
void decodeItems(const std::vector<unsigned char>& raw, const NpyHeader& h, std::size_t count, const std::string& file,
                 NpyArray& array) {
  const Dtype& dtype = h.dtype;
  const bool reorder = h.fortran_order && array.shape.size() > 1;
  if (dtype.kind != 'U') {
    array.numbers.resize(count);
    for (std::size_t c = 0; c < count; ++c) {
      const std::size_t src = reorder ? fortranIndex(c, array.shape) : c;
      array.numbers[c] = decodeNumber(raw.data() + src * dtype.item_size, dtype);
    }
    return;
  }
  array.strings.resize(count);
  const std::size_t chars = dtype.item_size / 4;
  for (std::size_t c = 0; c < count; ++c) {
    const std::size_t src = reorder ? fortranIndex(c, array.shape) : c;
    std::string s;
    for (std::size_t k = 0; k < chars; ++k) {
      const auto cp = load<std::uint32_t>(raw.data() + src * dtype.item_size + k * 4, dtype.big_endian);
      if (cp == 0) break;
      if (cp > 0x10FFFF) fail(file, "data", "string " + std::to_string(c) + " holds an invalid code point");
      appendUtf8(s, cp);
    }
    array.strings[c] = std::move(s);
  }
}

std::string headerText(const NpyWriteSpec& spec, const std::vector<std::size_t>& shape) {
  std::string shape_text = "(";
  for (std::size_t i = 0; i < shape.size(); ++i)
    shape_text += std::to_string(shape[i]) + (shape.size() == 1 ? "," : i + 1 < shape.size() ? ", " : "");
  shape_text += ")";
  std::string header = "{'descr': '" + spec.descr + "', 'fortran_order': " + (spec.fortran_order ? "True" : "False") +
                       ", 'shape': " + shape_text + ", }";
  const std::size_t prefix = spec.version == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  return header;
}

template <typename T>
void store(std::ostream& out, T value, bool big_endian) {
  unsigned char bytes[sizeof(value)];
  std::memcpy(bytes, &value, sizeof(value));
  if (big_endian)
    for (std::size_t i = 0; i < sizeof(value) / 2; ++i) std::swap(bytes[i], bytes[sizeof(value) - 1 - i]);
  out.write(reinterpret_cast<const char*>(bytes), sizeof(value));
}

// One number in the dtype's kind and size.
void storeNumber(std::ostream& out, double v, const Dtype& dtype) {
  const bool be = dtype.big_endian;
  switch (dtype.kind) {
    case 'f':
      if (dtype.item_size == 4)
        store(out, static_cast<float>(v), be);
      else
        store(out, v, be);
      break;
    case 'b':
      store(out, static_cast<std::uint8_t>(v != 0.0), be);
      break;
    case 'i':
      if (dtype.item_size == 1)
        store(out, static_cast<std::int8_t>(v), be);
      else if (dtype.item_size == 2)
        store(out, static_cast<std::int16_t>(v), be);
      else if (dtype.item_size == 4)
        store(out, static_cast<std::int32_t>(v), be);
      else
        store(out, static_cast<std::int64_t>(v), be);
      break;
    default:
      if (dtype.item_size == 1)
        store(out, static_cast<std::uint8_t>(v), be);
      else if (dtype.item_size == 2)
        store(out, static_cast<std::uint16_t>(v), be);
      else if (dtype.item_size == 4)
        store(out, static_cast<std::uint32_t>(v), be);
      else
        store(out, static_cast<std::uint64_t>(v), be);
  }
}

}  // namespace

NpyArray readNpy(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(file, "", "cannot open");
  std::error_code ec;
  const std::uint64_t file_size = std::filesystem::file_size(path, ec);
  const NpyHeader h = readHeader(in, file, file_size);
  NpyArray array;
  array.kind = h.dtype.kind;
  array.item_size = h.dtype.kind == 'U' ? h.dtype.item_size / 4 : h.dtype.item_size;
  array.shape = h.shape;
  std::size_t count = 0;
  const std::size_t bytes = dataBytes(h, file_size, file, count);
  std::vector<unsigned char> raw(bytes);
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(bytes));
  if (static_cast<std::size_t>(in.gcount()) != bytes) fail(file, "data", "truncated");
  decodeItems(raw, h, count, file, array);
  return array;
}

void writeNpy(const std::filesystem::path& path, const NpyWriteSpec& spec, const std::vector<std::size_t>& shape,
              const std::vector<double>& numbers, const std::vector<std::string>& strings) {
  const Dtype dtype = parseDescr("'" + spec.descr + "'", path.string());
  std::size_t count = 1;
  for (std::size_t d : shape) count *= d;
  if ((dtype.kind == 'U' ? strings.size() : numbers.size()) != count)
    throw Error("writeNpy: data size does not match the shape");
  const std::string header = headerText(spec, shape);
  writeStreamAtomically(
      path,
      [&](std::ostream& out) {
        out.write(kMagic, 6);
        out.put(static_cast<char>(spec.version));
        out.put(0);
        const std::uint32_t len = static_cast<std::uint32_t>(header.size());
        out.put(static_cast<char>(len & 0xFFU));
        out.put(static_cast<char>((len >> 8U) & 0xFFU));
        if (spec.version != 1) {
          out.put(static_cast<char>((len >> 16U) & 0xFFU));
          out.put(static_cast<char>((len >> 24U) & 0xFFU));
        }
        out << header;
        const bool reorder = spec.fortran_order && shape.size() > 1;
        std::vector<std::size_t> order(count);
        for (std::size_t c = 0; c < count; ++c) order[reorder ? fortranIndex(c, shape) : c] = c;
        for (std::size_t f = 0; f < count; ++f) {
          const std::size_t c = order[f];
          if (dtype.kind != 'U') {
            storeNumber(out, numbers[c], dtype);
            continue;
          }
          const auto cps = decodeUtf8(strings[c]);
          for (std::size_t k = 0; k < dtype.item_size / 4; ++k)
            store(out, static_cast<std::uint32_t>(k < cps.size() ? cps[k] : 0), dtype.big_endian);
        }
      },
      true);
}

}  // namespace phasewise::core
