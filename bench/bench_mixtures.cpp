#include "bench_mixtures.h"

#include <filesystem>

#include "bench_support.h"

namespace phasewise::cli {

Mixture parseMixture(const std::string& file) {
  Mixture mix;
  const std::string stem = std::filesystem::path(file).stem().string();
  const auto split = stem.find("--");
  mix.scan = split == std::string::npos ? "" : stem.substr(split + 2);
  std::string rest = stem.substr(0, split);
  double total = 0;
  while (!rest.empty()) {
    const auto dash = rest.find('-');
    const std::string part = rest.substr(0, dash);
    rest = dash == std::string::npos ? "" : rest.substr(dash + 1);
    const auto under = part.rfind('_');
    std::string value = part.substr(under + 1);
    for (char& c : value)
      if (c == 'p') c = '.';
    const double w = std::stod(value);
    mix.weight[part.substr(0, under)] = w;
    total += w;
  }
  for (auto& [f, w] : mix.weight) w /= total;
  return mix;
}

const std::map<std::string, std::string> kPrecursorPolymorph = {{"TiO2", "Anatase"}};

std::string precursorOf(const std::string& card_file) {
  const std::string formula = formulaOf(card_file);
  const auto polymorph = kPrecursorPolymorph.find(formula);
  if (polymorph != kPrecursorPolymorph.end() && card_file.find(polymorph->second) == std::string::npos) return "";
  return formula;
}

}  // namespace phasewise::cli
