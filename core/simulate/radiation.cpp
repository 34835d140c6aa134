#include "simulate/radiation.h"

#include <algorithm>
#include <array>

#include "util/error.h"
#include "util/text.h"

namespace phasewise::core {
namespace {
struct Anode {
  const char* symbol;
  double kalpha1;
  double kalpha2;
};
// K-alpha1 / K-alpha2 wavelengths in Angstrom (Hoelzer et al. 1997 for Cu; Bearden 1967 tables
// for the others, as used by common powder software).
constexpr std::array<Anode, 6> kAnodes = {{{"Cu", 1.540562, 1.544390},
                                           {"Mo", 0.709300, 0.713590},
                                           {"Co", 1.788965, 1.792850},
                                           {"Cr", 2.289700, 2.293606},
                                           {"Fe", 1.936042, 1.939980},
                                           {"Ag", 0.559407, 0.563798}}};
}  // namespace

double Radiation::shortestWavelength() const {
  double shortest = lines.front().wavelength;
  for (const EmissionLine& l : lines) shortest = std::min(shortest, l.wavelength);
  return shortest;
}

Radiation Radiation::monochromatic(double wavelength_angstrom) {
  if (!(wavelength_angstrom > 0.01 && wavelength_angstrom < 10.0))
    throw Error("wavelength " + formatNumber(wavelength_angstrom) + " A is outside 0.01-10 A");
  return {formatNumber(wavelength_angstrom) + " A", {{"lambda", wavelength_angstrom, 1.0}}};
}

Radiation Radiation::parse(const std::string& text, double kalpha2_ratio) {
  double number = 0;
  if (parseNumber(text, number)) return monochromatic(number);
  const std::string key = lowercase(trim(text));
  for (const Anode& anode : kAnodes) {
    const std::string symbol = lowercase(anode.symbol);
    const double ratio = kalpha2_ratio >= 0 ? kalpha2_ratio : 0.5;
    if (key == symbol || key == symbol + "ka" || key == symbol + "kalpha")
      return {std::string(anode.symbol) + " K-alpha1/2",
              {{"K-alpha1", anode.kalpha1, 1.0}, {"K-alpha2", anode.kalpha2, ratio}}};
    if (key == symbol + "ka1" || key == symbol + "kalpha1")
      return {std::string(anode.symbol) + " K-alpha1", {{"K-alpha1", anode.kalpha1, 1.0}}};
    if (key == symbol + "ka2" || key == symbol + "kalpha2")
      return {std::string(anode.symbol) + " K-alpha2", {{"K-alpha2", anode.kalpha2, 1.0}}};
  }
  throw Error("unknown radiation '" + text + "': give a wavelength in Angstrom or one of " + knownAnodes());
}

std::string knownAnodes() {
  std::string text;
  for (const Anode& a : kAnodes)
    text += (text.empty() ? "" : ", ") + std::string(a.symbol) + " (" + formatNumber(a.kalpha1) + "/" +
            formatNumber(a.kalpha2) + " A)";
  return text + "; add Ka1 for K-alpha1 only (e.g. CuKa1)";
}

}  // namespace phasewise::core
