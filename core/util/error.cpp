#include "util/error.h"

namespace phasewise::core {
namespace {
std::string composeMessage(const std::string& file, std::size_t line, const std::string& field,
                           const std::string& problem) {
  std::string message = file.empty() ? std::string("<input>") : file;
  if (line > 0) message += ":" + std::to_string(line);
  message += ": ";
  if (!field.empty()) message += field + ": ";
  message += problem;
  return message;
}
}  // namespace

FormatError::FormatError(std::string file, std::size_t line, std::string field, std::string problem)
    : Error(composeMessage(file, line, field, problem)),
      file_(std::move(file)),
      line_(line),
      field_(std::move(field)),
      problem_(std::move(problem)) {}

}  // namespace phasewise::core
