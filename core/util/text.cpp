#include "util/text.h"

#include <cctype>
#include <charconv>
#include <cstring>

#include "util/error.h"

namespace phasewise::core {
namespace {
template <typename T>
bool parseNumberImpl(std::string_view text, T& value) {
  text = trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const char* first = text.data();
  const char* last = text.data() + text.size();
  const auto result = std::from_chars(first, last, value);
  return result.ec == std::errc() && result.ptr == last;
}

template <typename T>
void appendNumberImpl(std::string& out, T value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}
}  // namespace

bool parseNumber(std::string_view text, double& value) { return parseNumberImpl(text, value); }
bool parseNumber(std::string_view text, float& value) { return parseNumberImpl(text, value); }

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string lowercase(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void splitFields(std::string_view line, std::string_view separators, std::vector<std::string_view>& fields) {
  fields.clear();
  // With ' ' among the separators, any run of blanks (spaces, tabs) is one separator, and
  // blanks around an explicit separator belong to it. Otherwise blanks are content (trimmed).
  const bool blanks_separate = separators.find(' ') != std::string_view::npos;
  auto is_blank = [](char c) { return c == ' ' || c == '\t'; };
  auto is_explicit = [&](char c) {
    return separators.find(c) != std::string_view::npos && !(blanks_separate && is_blank(c));
  };
  const std::size_t n = line.size();
  std::size_t i = 0;
  if (blanks_separate)
    while (i < n && is_blank(line[i])) ++i;
  if (i == n) return;
  for (;;) {
    std::size_t j = i;
    while (j < n && !is_explicit(line[j]) && !(blanks_separate && is_blank(line[j]))) ++j;
    fields.push_back(trim(line.substr(i, j - i)));
    if (j == n) return;
    std::size_t k = j;
    if (blanks_separate)
      while (k < n && is_blank(line[k])) ++k;
    if (k < n && is_explicit(line[k])) {
      ++k;
      if (blanks_separate)
        while (k < n && is_blank(line[k])) ++k;
      if (k == n) {
        fields.emplace_back();  // a trailing explicit separator ends with an empty field
        return;
      }
    } else if (k == n) {
      return;  // trailing blanks
    }
    i = k;
  }
}

std::string formatNumber(double value) {
  std::string out;
  appendNumber(out, value);
  return out;
}
std::string formatNumber(float value) {
  std::string out;
  appendNumber(out, value);
  return out;
}
void appendNumber(std::string& out, float value) { appendNumberImpl(out, value); }
void appendNumber(std::string& out, double value) { appendNumberImpl(out, value); }

LineReader::LineReader(const std::filesystem::path& path) : path_(path.string()) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw FormatError(path_, 0, "", "is a folder, expected a file");
  file_ = std::fopen(path_.c_str(), "rb");
  if (!file_) throw FormatError(path_, 0, "", std::string("cannot open: ") + std::strerror(errno));
  file_size_ = std::filesystem::file_size(path, ec);
  buffer_.resize(1 << 20);
}

LineReader::~LineReader() {
  if (file_) std::fclose(file_);
}

bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  const std::size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
  if (got == 0) {
    if (std::ferror(file_)) throw FormatError(path_, line_number_ + 1, "", "read error");
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

bool LineReader::next(std::string_view& line) {
  std::size_t scan = begin_;
  for (;;) {
    const char* data = buffer_.data();
    std::size_t i = scan;
    while (i < end_ && data[i] != '\n' && data[i] != '\r') ++i;
    // A \r at the very end of the buffer may be the first half of \r\n: read more first.
    const bool pending_cr = i < end_ && data[i] == '\r' && i + 1 == end_ && !eof_;
    if (i < end_ && !pending_cr) {
      line = std::string_view(data + begin_, i - begin_);
      std::size_t after = i + 1;
      if (data[i] == '\r' && after < end_ && data[after] == '\n') ++after;
      consumed_ += after - begin_;
      begin_ = after;
      ++line_number_;
      return true;
    }
    const std::size_t offset = i - begin_;
    const bool more = fill();
    scan = begin_ + offset;
    if (!more) {
      if (pending_cr) continue;  // now at end of file: the \r ends the line
      if (begin_ == end_) return false;
      line = std::string_view(buffer_.data() + begin_, end_ - begin_);
      consumed_ += end_ - begin_;
      begin_ = end_;
      ++line_number_;
      return true;
    }
  }
}

std::string readHead(const std::filesystem::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return {};
  std::FILE* file = std::fopen(path.string().c_str(), "rb");
  if (!file) return {};
  std::string head(max_bytes, '\0');
  const std::size_t got = std::fread(head.data(), 1, max_bytes, file);
  std::fclose(file);
  head.resize(got);
  return head;
}

std::string readWholeFile(const std::filesystem::path& path, std::uintmax_t limit) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw FormatError(path.string(), 0, "", "cannot read: " + ec.message());
  if (size > limit)
    throw FormatError(path.string(), 0, "",
                      "is " + std::to_string(size) + " bytes, more than the " + std::to_string(limit) +
                          " bytes this format can hold");
  std::FILE* file = std::fopen(path.string().c_str(), "rb");
  if (!file) throw FormatError(path.string(), 0, "", std::string("cannot open: ") + std::strerror(errno));
  std::string text(size, '\0');
  const std::size_t got = std::fread(text.data(), 1, size, file);
  std::fclose(file);
  text.resize(got);
  return text;
}

}  // namespace phasewise::core
