#include "util/elements.h"

#include <array>

#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr std::array<std::string_view, 118> kSymbols = {
    "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si", "P",  "S",  "Cl",
    "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se",
    "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb",
    "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er",
    "Tm", "Yb", "Lu", "Hf", "Ta", "W",  "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At",
    "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No",
    "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};
}  // namespace

bool isElementSymbol(std::string_view symbol) {
  for (std::string_view s : kSymbols)
    if (s == symbol) return true;
  return false;
}

std::vector<std::string> parseElementSymbols(std::string_view text) {
  std::vector<std::string> symbols;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find_first_of(", \t;", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view token = text.substr(start, end - start);
    if (!token.empty()) {
      if (!isElementSymbol(token)) throw Error("'" + std::string(token) + "' is not an element symbol (e.g. Ni, Zn)");
      symbols.emplace_back(token);
    }
    start = end + 1;
  }
  return symbols;
}

std::vector<std::string> elementsInName(std::string_view name) {
  std::vector<std::string> found;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find_first_of("-_ ", start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view token = name.substr(start, end - start);
    if (isElementSymbol(token)) found.emplace_back(token);
    start = end + 1;
  }
  return found;
}

}  // namespace phasewise::core
