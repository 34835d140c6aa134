#include "arguments.h"

#include <cctype>
#include <cmath>
#include <sstream>

#include "util/elements.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::cli {

Arguments::Arguments(const std::vector<std::string>& words, const std::set<std::string>& options,
                     const std::set<std::string>& flags) {
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    // "--name" or a single-letter "-o"; "-1.5" and "-" stay positional.
    const bool long_option = w.rfind("--", 0) == 0 && w.size() > 2;
    const bool short_option = w.size() == 2 && w[0] == '-' && std::isalpha(static_cast<unsigned char>(w[1]));
    if (!long_option && !short_option) {
      positional_.push_back(w);
      continue;
    }
    std::string name = w.substr(long_option ? 2 : 1);
    std::optional<std::string> inline_value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (flags.count(name)) {
      flags_.insert(name);
    } else if (options.count(name)) {
      if (!inline_value && i + 1 >= words.size()) throw UsageError("option --" + name + " needs a value");
      values_.emplace_back(name, inline_value ? *inline_value : words[++i]);
    } else {
      throw UsageError("unknown option --" + name);
    }
  }
}

std::optional<std::string> Arguments::value(const std::string& name) const {
  for (auto it = values_.rbegin(); it != values_.rend(); ++it)
    if (it->first == name) return it->second;
  return std::nullopt;
}

double Arguments::number(const std::string& name, double fallback) const {
  const auto text = value(name);
  if (!text) return fallback;
  double v = 0;
  if (!core::parseNumber(*text, v) || !std::isfinite(v))
    throw UsageError("--" + name + " expects a finite number, got '" + *text + "'");
  return v;
}

double Arguments::number(const std::string& name, double fallback, double low, double high) const {
  const double v = number(name, fallback);
  if (!(v >= low && v <= high)) {
    std::ostringstream range;
    range << low << " to " << high;
    throw UsageError("--" + name + " expects a number from " + range.str() + ", got '" + value(name).value_or("") +
                     "'");
  }
  return v;
}

std::string Arguments::device() const {
  const std::string d = value("device").value_or("cpu");
  const bool cuda = d == "cuda" || (d.rfind("cuda:", 0) == 0 && d.size() > 5 &&
                                    d.find_first_not_of("0123456789", 5) == std::string::npos);
  if (d != "cpu" && !cuda) throw UsageError("--device expects cpu, cuda or cuda:N, got '" + d + "'");
  return d;
}

std::optional<std::vector<std::string>> Arguments::elements() const {
  const auto given = value("elements");
  if (!given) return std::nullopt;
  std::vector<std::string> symbols;
  try {
    symbols = core::parseElementSymbols(*given);
  } catch (const core::Error& e) {
    throw UsageError(std::string("--elements: ") + e.what());
  }
  if (symbols.empty()) throw UsageError("--elements needs element symbols, e.g. --elements Fe,Ni,Cu");
  return symbols;
}

int Arguments::integer(const std::string& name, int fallback, int low, int high) const {
  const double v = number(name, fallback);
  // Checked before the conversion: 1e12 or NaN must not wrap round into a plausible int.
  if (!(v >= low && v <= high) || v != std::floor(v))
    throw UsageError("--" + name + " expects a whole number from " + std::to_string(low) + " to " +
                     std::to_string(high) + ", got '" + value(name).value_or("") + "'");
  return static_cast<int>(v);
}

std::vector<double> parseNumberList(const std::string& text, const std::string& option) {
  std::vector<std::string_view> fields;
  core::splitFields(text, ",", fields);
  std::vector<double> out;
  for (std::string_view f : fields) {
    double v = 0;
    if (!core::parseNumber(f, v) || v < 0)
      throw UsageError(option + " expects non-negative numbers, got '" + std::string(f) + "'");
    out.push_back(v);
  }
  if (out.empty()) throw UsageError(option + " expects numbers separated by commas");
  return out;
}

std::pair<double, double> parseRange(const std::string& text, const std::string& option) {
  double low = 0, high = 0;
  const auto colon = text.find(':');
  if (colon == std::string::npos || !core::parseNumber(std::string_view(text).substr(0, colon), low) ||
      !core::parseNumber(std::string_view(text).substr(colon + 1), high) || !std::isfinite(low) ||
      !std::isfinite(high) || high < low)
    throw UsageError(option + " expects LOW:HIGH with LOW <= HIGH, got '" + text + "'");
  return {low, high};
}

}  // namespace phasewise::cli
