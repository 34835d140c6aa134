#include "sample_files.h"

#include <cmath>
#include <fstream>

#include "builtin_formats.h"
#include "example/synthetic_library.h"
#include "io/npy.h"
#include "io/registry.h"
#include "test_support.h"

namespace phasewise::test {
namespace {
double peak(double x, double centre) { return 10.0 + 1000.0 * std::exp(-0.5 * std::pow((x - centre) / 0.2, 2)); }
}  // namespace

const core::FormatRegistry& makeRegistry() {
  static const core::FormatRegistry* registry = [] {
    auto* r = new core::FormatRegistry();  // lives for the whole test run
    plugins::registerBuiltinFormats(*r);
    return r;
  }();
  return *registry;
}

std::filesystem::path writeXy(const std::filesystem::path& dir, const std::string& name) {
  std::string text = "# test pattern\n# wavelength: 1.5406 A\n# 2theta intensity\n";
  for (int i = 0; i <= 200; ++i) {
    const double x = 20.0 + 0.1 * i;
    text += std::to_string(x) + " " + std::to_string(peak(x, 30.0)) + "\n";
  }
  writeText(dir / name, text);
  return dir / name;
}

std::filesystem::path writeXye(const std::filesystem::path& dir) {
  std::string text = "! 2theta counts esd\n";
  for (int i = 0; i <= 100; ++i) {
    const double x = 20.0 + 0.2 * i;
    text += std::to_string(x) + "\t" + std::to_string(peak(x, 30.0)) + "\t" + std::to_string(std::sqrt(peak(x, 30.0))) +
            "\n";
  }
  writeText(dir / "p.xye", text);
  return dir / "p.xye";
}

std::filesystem::path writeCsv(const std::filesystem::path& dir) {
  std::string text = "Q (nm^-1),sample A,sample B\n";
  for (int i = 0; i <= 100; ++i) {
    const double q = 15.0 + 0.5 * i;
    text += std::to_string(q) + "," + std::to_string(peak(q, 30.0)) + "," + std::to_string(peak(q, 40.0)) + "\n";
  }
  writeText(dir / "p.csv", text);
  return dir / "p.csv";
}

std::filesystem::path writeChi(const std::filesystem::path& dir) {
  std::string text = "integrated.tif: Integrated\n2-Theta Angle (Degrees)\nIntensity\n       101\n";
  for (int i = 0; i <= 100; ++i) {
    const double x = 5.0 + 0.1 * i;
    text += "  " + std::to_string(x) + "  " + std::to_string(peak(x, 10.0)) + "\n";
  }
  writeText(dir / "p.chi", text);
  return dir / "p.chi";
}

std::string xrdmlText(int version, std::size_t points) {
  std::string data;
  for (std::size_t i = 0; i < points; ++i)
    data += (i ? " " : "") + std::to_string(static_cast<int>(peak(10.0 + 0.02 * static_cast<double>(i), 20.0)));
  const std::string tag = version == 1 ? "intensities" : "counts";
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<xrdMeasurements xmlns=\"http://www.xrdml.com/XRDMeasurement/" +
         std::string(version == 1 ? "1.0" : "2.0") +
         "\">\n"
         "  <sample type=\"To be analyzed\"><id>test-sample</id></sample>\n"
         "  <xrdMeasurement measurementType=\"Scan\">\n"
         "    <usedWavelength intended=\"K-Alpha 1\">\n"
         "      <kAlpha1 unit=\"Angstrom\">1.5405980</kAlpha1>\n"
         "      <kAlpha2 unit=\"Angstrom\">1.5444260</kAlpha2>\n"
         "      <ratioKAlpha2KAlpha1>0.5000</ratioKAlpha2KAlpha1>\n"
         "    </usedWavelength>\n"
         "    <scan appendNumber=\"0\" mode=\"Continuous\" scanAxis=\"Gonio\">\n"
         "      <dataPoints>\n"
         "        <positions axis=\"2Theta\" unit=\"deg\">\n"
         "          <startPosition>10.00</startPosition>\n"
         "          <endPosition>" +
         std::to_string(10.0 + 0.02 * static_cast<double>(points - 1)) +
         "</endPosition>\n"
         "        </positions>\n"
         "        <commonCountingTime unit=\"seconds\">1.0</commonCountingTime>\n"
         "        <" +
         tag + " unit=\"counts\">" + data + "</" + tag +
         ">\n"
         "      </dataPoints>\n"
         "    </scan>\n"
         "  </xrdMeasurement>\n"
         "</xrdMeasurements>\n";
}

std::filesystem::path writeXrdml(const std::filesystem::path& dir, int version, const std::string& name) {
  writeText(dir / name, xrdmlText(version, 1501));
  return dir / name;
}

std::filesystem::path writeInstance(const std::filesystem::path& dir) {
  std::string text =
      "// Metadata\nM=2\nElements=Fe,Ni\nN=3\nComposition=CFe,CNi\nDeposition=X,Y\n\n"
      "X=1.0,2.0,3.0\nY=4.0,5.0,6.0\nsample_no=11,12,13\n// Composition data\n"
      "CFe=1.0,0.5,0.0\nCNi=0.0,0.5,1.0\n\n//Integrated counts data\nQ=10,11,12,13,14\n";
  text += "I1=0.1,0.2,0.3,0.4,0.5\nI2=1,2,3,4,5\nI3=5,4,3,2,1\n";
  writeText(dir / "inst.txt", text);
  return dir / "inst.txt";
}

std::filesystem::path writeNpyFolder(const std::filesystem::path& dir) {
  const auto folder = dir / "Fe-Ni-Co";
  std::filesystem::create_directories(folder);
  using core::writeNpy;
  writeNpy(folder / "XRD.npy", {1, "<f4", false}, {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  writeNpy(folder / "Q.npy", {1, "<f8", false}, {4}, {10, 20, 30, 40});
  writeNpy(folder / "composition.npy", {1, "<f8", false}, {2, 3}, {0.2, 0.3, 0.5, 1.0, 0.0, 0.0});
  writeNpy(folder / "edges.npy", {1, "<f8", false}, {2, 2}, {0, 1, 1, 0});
  writeNpy(folder / "degree_of_freedom.npy", {1, "<f8", false}, {2}, {3, 1});
  writeNpy(folder / "bases_name.npy", {1, "<U8", false}, {3}, {}, {"FeO", "NiO", "CoO"});
  writeNpy(folder / "sample_indicator.npy", {1, "<f8", false}, {2, 3}, {1, 1, 1, 1, 0, 0});
  return folder;
}

std::filesystem::path writePatternFolder(const std::filesystem::path& dir) {
  const auto folder = dir / "spread";
  std::filesystem::create_directories(folder);
  writeXy(folder, "a.xy");
  writeXrdml(folder, 2, "b.xrdml");  // a different 2-theta grid: forces interpolation
  writeText(folder / "composition.csv", "file,Fe,Ni,x,y\na.xy,0.25,0.75,1.5,2.5\nb.xrdml,0.6,0.4,3.5,4.5\n");
  return folder;
}

std::filesystem::path writeHdf5(const std::filesystem::path& dir) {
  const core::FormatRegistry& registry = makeRegistry();
  core::SyntheticLibrarySpec spec;
  spec.grid_divisions = 4;
  spec.points = 100;
  registry.writer("phasewise-h5").write(core::makeSyntheticLibrary(spec).library, dir / "lib.h5");
  return dir / "lib.h5";
}

}  // namespace phasewise::test
