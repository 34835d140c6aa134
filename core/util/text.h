#pragma once
// Fast, strict text helpers shared by the text readers: number parsing that rejects partial
// matches, field splitting, and a streaming line reader that never holds a whole file.

#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace phasewise::core {

// Parses the whole of `text` (surrounding blanks allowed) as a number. Returns false on any
// leftover character. Non-finite spellings ("nan", "inf") parse; callers decide on them.
[[nodiscard]] bool parseNumber(std::string_view text, double& value);
[[nodiscard]] bool parseNumber(std::string_view text, float& value);

[[nodiscard]] std::string_view trim(std::string_view text);
[[nodiscard]] std::string lowercase(std::string_view text);

// Splits on any of `separators`; runs of white space count as one separator, so "1  2" has
// two fields while "1,,2" has three (the middle one empty).
void splitFields(std::string_view line, std::string_view separators, std::vector<std::string_view>& fields);

// Shortest text that reads back to the same value (std::to_chars round-trip guarantee).
[[nodiscard]] std::string formatNumber(double value);
[[nodiscard]] std::string formatNumber(float value);
void appendNumber(std::string& out, float value);
void appendNumber(std::string& out, double value);

// Reads a file line by line through a buffer that grows only to the longest line. Line
// endings \n, \r\n and \r are all accepted. lineNumber() is 1-based.
class LineReader {
 public:
  explicit LineReader(const std::filesystem::path& path);  // throws FormatError if unreadable
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  bool next(std::string_view& line);
  [[nodiscard]] std::size_t lineNumber() const { return line_number_; }
  [[nodiscard]] std::uintmax_t bytesRead() const { return consumed_; }
  [[nodiscard]] std::uintmax_t fileSize() const { return file_size_; }

 private:
  bool fill();
  std::FILE* file_ = nullptr;
  std::string path_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  bool eof_ = false;
  std::size_t line_number_ = 0;
  std::uintmax_t consumed_ = 0;
  std::uintmax_t file_size_ = 0;
};

// The first `max_bytes` bytes of a file (fewer if it is shorter); empty for a directory.
[[nodiscard]] std::string readHead(const std::filesystem::path& path, std::size_t max_bytes);
// The whole file; throws FormatError if it is larger than `limit` bytes or unreadable.
[[nodiscard]] std::string readWholeFile(const std::filesystem::path& path, std::uintmax_t limit);

}  // namespace phasewise::core
