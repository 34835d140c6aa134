#pragma once
// A deliberately small command-line parser: positional arguments, `--name value` options and
// `--flag` switches, with errors for unknown or missing ones.

#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace phasewise::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Arguments {
 public:
  // `options` take a value, `flags` do not; anything else starting with "--" is an error.
  Arguments(const std::vector<std::string>& words, const std::set<std::string>& options,
            const std::set<std::string>& flags);

  [[nodiscard]] const std::vector<std::string>& positional() const { return positional_; }
  [[nodiscard]] std::optional<std::string> value(const std::string& name) const;
  [[nodiscard]] double number(const std::string& name, double fallback) const;
  // A number in [low, high]; UsageError naming the option otherwise.
  [[nodiscard]] double number(const std::string& name, double fallback, double low, double high) const;
  // A whole number in [low, high]; UsageError naming the option otherwise.
  [[nodiscard]] int integer(const std::string& name, int fallback, int low, int high) const;
  // --device: cpu (default), cuda or cuda:N; UsageError otherwise.
  [[nodiscard]] std::string device() const;
  [[nodiscard]] bool flag(const std::string& name) const { return flags_.count(name) > 0; }
  // --elements "Fe,Ni,Cu" (commas or spaces): the symbols, checked; nullopt when not given;
  // UsageError for an unknown symbol or an empty list.
  [[nodiscard]] std::optional<std::vector<std::string>> elements() const;

 private:
  std::vector<std::string> positional_;
  std::vector<std::pair<std::string, std::string>> values_;
  std::set<std::string> flags_;
};

// "0.1,1,10": non-negative numbers separated by commas; UsageError naming `option` otherwise.
[[nodiscard]] std::vector<double> parseNumberList(const std::string& text, const std::string& option);

// "LOW:HIGH": two finite numbers with LOW <= HIGH; UsageError naming `option` otherwise.
[[nodiscard]] std::pair<double, double> parseRange(const std::string& text, const std::string& option);

}  // namespace phasewise::cli
