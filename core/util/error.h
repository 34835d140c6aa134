#pragma once
// Errors the core reports to its callers. Everything a user can cause (a bad file, a bad
// option) is one of these, with a message that names the place and what was expected.

#include <cstddef>
#include <stdexcept>
#include <string>

namespace phasewise::core {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A file (or a part of one) that cannot be read as the format it claims to be.
class FormatError : public Error {
 public:
  // line == 0 means "no line number applies" (binary formats, whole-file problems).
  FormatError(std::string file, std::size_t line, std::string field, std::string problem);

  [[nodiscard]] const std::string& file() const { return file_; }
  [[nodiscard]] std::size_t line() const { return line_; }
  [[nodiscard]] const std::string& field() const { return field_; }
  [[nodiscard]] const std::string& problem() const { return problem_; }

 private:
  std::string file_;
  std::size_t line_;
  std::string field_;
  std::string problem_;
};

// Thrown when a progress callback asked to stop; the operation left nothing half-done.
class CancelledError : public Error {
 public:
  CancelledError() : Error("cancelled by the user") {}
};

}  // namespace phasewise::core
