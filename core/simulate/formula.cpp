#include "simulate/formula.h"

#include <gemmi/elem.hpp>

#include <cctype>
#include <cmath>

#include "util/elements.h"
#include "util/error.h"
#include "util/text.h"

namespace phasewise::core {
namespace {
class FormulaParser {
 public:
  explicit FormulaParser(const std::string& text) : s_(text) {}

  std::map<std::string, double> parse() {
    std::map<std::string, double> amounts = group(0);
    if (pos_ != s_.size()) fail("unexpected ')'");
    if (amounts.empty()) fail("no elements");
    return amounts;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error("cannot read formula '" + s_ + "' at character " + std::to_string(pos_ + 1) + ": " + what);
  }
  void skipBlanks() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\'' || s_[pos_] == '"')) ++pos_;
  }
  double number() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '.')) ++pos_;
    if (pos_ == start) return 1.0;
    double v = 0;
    if (!parseNumber(s_.substr(start, pos_ - start), v) || !(v > 0)) fail("bad count");
    return v;
  }
  std::map<std::string, double> group(int depth) {
    if (depth > 16) fail("brackets nested too deep");
    std::map<std::string, double> amounts;
    for (;;) {
      skipBlanks();
      if (pos_ >= s_.size() || s_[pos_] == ')' || s_[pos_] == ']') return amounts;
      if (s_[pos_] == '(' || s_[pos_] == '[') {
        ++pos_;
        const auto inner = group(depth + 1);
        if (pos_ >= s_.size() || (s_[pos_] != ')' && s_[pos_] != ']')) fail("unclosed bracket");
        ++pos_;
        const double n = number();
        for (const auto& [el, amount] : inner) amounts[el] += amount * n;
        continue;
      }
      if (!std::isupper(static_cast<unsigned char>(s_[pos_]))) fail("expected an element symbol");
      std::string symbol(1, s_[pos_++]);
      if (pos_ < s_.size() && std::islower(static_cast<unsigned char>(s_[pos_]))) {
        const std::string two = symbol + s_[pos_];
        if (isElementSymbol(two)) {
          symbol = two;
          ++pos_;
        }
      }
      if (!isElementSymbol(symbol)) fail("'" + symbol + "' is not an element");
      amounts[symbol] += number();
    }
  }

  std::string s_;
  std::size_t pos_ = 0;
};
}  // namespace

std::map<std::string, double> parseFormula(const std::string& formula) { return FormulaParser(formula).parse(); }

std::map<std::string, double> atomicFractions(const std::map<std::string, double>& amounts) {
  double total = 0;
  for (const auto& [el, n] : amounts) total += n;
  std::map<std::string, double> out;
  for (const auto& [el, n] : amounts) out[el] = total > 0 ? n / total : 0.0;
  return out;
}

std::string formulaText(const std::map<std::string, double>& amounts) {
  std::string text;
  for (const auto& [el, n] : amounts) {
    text += (text.empty() ? "" : " ") + el;
    if (std::abs(n - 1.0) > 1e-9)
      text += std::abs(n - std::round(n)) < 1e-9 ? std::to_string(std::lround(n)) : formatNumber(n);
  }
  return text;
}

double formulaMass(const std::map<std::string, double>& amounts) {
  double mass = 0;
  for (const auto& [element, count] : amounts) mass += count * gemmi::Element(element.c_str()).weight();
  return mass;
}

}  // namespace phasewise::core
