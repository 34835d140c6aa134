// NeXus / pyFAI HDF5: files built here with the HDF5 library the way pyFAI and NeXus writers
// lay them out (1-D integrated pattern, a scan stack, a map, the older signal=1 convention),
// read through the registry, converted to Phasewise HDF5 and back; and twelve damaged or
// incomplete files, each refused with a message that names the file.

#include "format_hdf5/nexus_format.h"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iterator>

#include "format_hdf5/phase_library_file.h"
#include "format_hdf5/phasewise_contents.h"
#include "format_hdf5/project_file.h"
#include "io/registry.h"
#include "sample_files.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
namespace fs = std::filesystem;

// A NeXus file under construction: groups with NX_class, datasets with units, attributes.
class NexusFile {
 public:
  explicit NexusFile(const fs::path& path)
      : id_(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)), path_(path) {}
  ~NexusFile() { H5Fclose(id_); }
  NexusFile(const NexusFile&) = delete;
  NexusFile& operator=(const NexusFile&) = delete;

  NexusFile& group(const std::string& path, const std::string& nx_class) {
    const hid_t g = H5Gcreate2(id_, path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    attribute(g, "NX_class", nx_class);
    H5Gclose(g);
    return *this;
  }
  NexusFile& data(const std::string& path, const std::vector<double>& values, const std::vector<hsize_t>& dims,
                  const std::string& units = "", hid_t file_type = H5T_IEEE_F32LE) {
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t d = H5Dcreate2(id_, path.c_str(), file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
    if (!units.empty()) attribute(d, "units", units);
    H5Dclose(d);
    H5Sclose(space);
    return *this;
  }
  // A string attribute on the object at `path` ("/" for the root).
  NexusFile& attribute(const std::string& path, const std::string& name, const std::string& value) {
    const hid_t o = H5Oopen(id_, path.c_str(), H5P_DEFAULT);
    attribute(o, name, value);
    H5Oclose(o);
    return *this;
  }
  // A list of strings (the new-style NXdata `axes`), variable length as h5py writes them.
  NexusFile& attributes(const std::string& path, const std::string& name, const std::vector<std::string>& values) {
    const hid_t o = H5Oopen(id_, path.c_str(), H5P_DEFAULT);
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    const hsize_t n = values.size();
    const hid_t space = H5Screate_simple(1, &n, nullptr);
    const hid_t a = H5Acreate2(o, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<const char*> pointers;
    for (const auto& v : values) pointers.push_back(v.c_str());
    H5Awrite(a, type, pointers.data());
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
    H5Oclose(o);
    return *this;
  }
  NexusFile& integerAttribute(const std::string& path, const std::string& name, int value) {
    const hid_t o = H5Oopen(id_, path.c_str(), H5P_DEFAULT);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(o, name.c_str(), H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_INT, &value);
    H5Aclose(a);
    H5Sclose(space);
    H5Oclose(o);
    return *this;
  }

 private:
  static void attribute(hid_t object, const std::string& name, const std::string& value) {
    const hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, H5T_VARIABLE);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(object, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT);
    const char* text = value.c_str();
    H5Awrite(a, type, &text);
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
  }
  hid_t id_;
  fs::path path_;
};

std::vector<double> ramp(std::size_t n, double from, double step) {
  std::vector<double> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = from + step * static_cast<double>(i);
  return v;
}
std::vector<double> peaks(std::size_t samples, std::size_t points) {
  std::vector<double> v(samples * points);
  for (std::size_t s = 0; s < samples; ++s)
    for (std::size_t j = 0; j < points; ++j)
      v[s * points + j] = 10 + 100 * std::exp(-0.5 * std::pow((double(j) - 10.0 - double(s)) / 2.0, 2));
  return v;
}

// pyFAI's layout: entry/integrate/results (NXdata), wavelength in metres in the monochromator.
fs::path writePyFaiPattern(const fs::path& dir, const std::string& name = "pyfai.h5") {
  NexusFile f(dir / name);
  f.group("entry", "NXentry")
      .group("entry/integrate", "NXprocess")
      .group("entry/integrate/results", "NXdata")
      .group("entry/instrument", "NXinstrument")
      .group("entry/instrument/monochromator", "NXmonochromator")
      .data("entry/instrument/monochromator/wavelength", {1.0e-10}, {1}, "m")
      .data("entry/integrate/results/q_nm^-1", ramp(40, 10, 0.5), {40}, "1/nm")
      .data("entry/integrate/results/intensity", peaks(1, 40), {40})
      .attribute("/", "default", "entry")
      .attribute("entry", "default", "integrate/results")
      .attribute("entry/integrate/results", "signal", "intensity")
      .attribute("entry/integrate/results", "axes", "q_nm^-1");
  return dir / name;
}

const core::FormatRegistry& registry() { return makeRegistry(); }

TEST(NexusTest, PyFaiIntegratedPatternWithItsWavelength) {
  const fs::path file = writePyFaiPattern(freshTempDir());
  EXPECT_EQ(registry().readerFor(file).id(), "nexus") << "the registry tells NeXus from Phasewise HDF5 by content";
  const core::ReadResult r = registry().read(file);
  const core::Library& lib = r.library;
  ASSERT_EQ(lib.samples, 1U);
  ASSERT_EQ(lib.points(), 40U);
  EXPECT_EQ(lib.axis.spec.kind, core::AxisKind::Q);
  EXPECT_EQ(lib.axis.spec.unit, core::AxisUnit::InverseNanometre);
  ASSERT_TRUE(lib.axis.wavelength_angstrom);
  EXPECT_NEAR(*lib.axis.wavelength_angstrom, 1.0, 1e-6);  // stored as float32
  EXPECT_DOUBLE_EQ(lib.axis.values[3], 11.5);
  EXPECT_NEAR(lib.intensities[10], 110.0, 1e-3);
  EXPECT_TRUE(r.warnings.empty());
  // Phasewise's own files stay with their own reader.
  EXPECT_EQ(registry().readerFor(writeHdf5(freshTempDir())).id(), "phasewise-h5");
}

TEST(NexusTest, ScanStackWithDescendingTwoThetaIntegerCountsAndPositions) {
  const fs::path file = freshTempDir() / "scan.nxs";
  {
    NexusFile f(file);
    f.group("scan", "NXentry")
        .group("scan/data", "NXdata")
        .group("scan/beam", "NXbeam")
        .data("scan/beam/incident_wavelength", {1.5406}, {1}, "angstrom")
        .data("scan/data/tth", ramp(30, 60, -1), {30}, "degrees")
        .data("scan/data/x", {0.0, 2.5, 5.0}, {3}, "mm")
        .data("scan/data/counts", peaks(3, 30), {3, 30}, "", H5T_STD_I32LE)
        .attribute("scan/data", "signal", "counts")
        .attributes("scan/data", "axes", {"x", "tth"});
  }
  const core::ReadResult r = registry().read(file);
  const core::Library& lib = r.library;
  ASSERT_EQ(lib.samples, 3U);
  EXPECT_EQ(lib.axis.spec.kind, core::AxisKind::TwoTheta);
  EXPECT_DOUBLE_EQ(lib.axis.values.front(), 31.0) << "a descending axis is turned round";
  EXPECT_DOUBLE_EQ(lib.axis.values.back(), 60.0);
  EXPECT_NEAR(*lib.axis.wavelength_angstrom, 1.5406, 1e-6);
  // Sample 1's peak sits at point 11 of the file, i.e. 30 - 1 - 11 = 18 once reversed.
  const float* p = lib.pattern(1);
  EXPECT_EQ(std::max_element(p, p + 30) - p, 18);
  EXPECT_EQ(p[18], std::round(peaks(3, 30)[30 + 11])) << "integer counts read exactly";
  EXPECT_EQ(lib.sample_metadata.at("x"), (std::vector<std::string>{"0", "2.5", "5"}));
}

TEST(NexusTest, MapsAndTheOlderSignalConvention) {
  const auto dir = freshTempDir();
  {
    NexusFile f(dir / "map.h5");
    f.group("entry", "NXentry")
        .group("entry/map", "NXdata")
        .data("entry/map/y", {0.0, 1.0}, {2}, "mm")
        .data("entry/map/x", {0.0, 1.0, 2.0}, {3}, "mm")
        .data("entry/map/q", ramp(20, 1, 0.1), {20}, "1/angstrom")
        .data("entry/map/data", peaks(6, 20), {2, 3, 20})
        .attribute("entry/map", "signal", "data")
        .attributes("entry/map", "axes", {"y", "x", "q"});
  }
  const core::Library map = registry().read(dir / "map.h5").library;
  ASSERT_EQ(map.samples, 6U);
  EXPECT_EQ(map.axis.spec.unit, core::AxisUnit::InverseAngstrom);
  EXPECT_EQ(map.sample_metadata.at("y"), (std::vector<std::string>{"0", "0", "0", "1", "1", "1"}));
  EXPECT_EQ(map.sample_metadata.at("x"), (std::vector<std::string>{"0", "1", "2", "0", "1", "2"}));
  {
    NexusFile f(dir / "old.nxs");
    f.group("entry", "NXentry")
        .group("entry/data", "NXdata")
        .data("entry/data/tth", ramp(25, 0.2, 0.01), {25}, "rad")
        .data("entry/data/y", peaks(1, 25), {25})
        .integerAttribute("entry/data/y", "signal", 1)
        .attribute("entry/data/y", "axes", "tth");
  }
  const core::ReadResult old = registry().read(dir / "old.nxs");
  EXPECT_NEAR(old.library.axis.values.front(), 0.2 * 180 / M_PI, 1e-6) << "radians become degrees";
  EXPECT_FALSE(old.library.axis.wavelength_angstrom) << "no wavelength is invented";
  ASSERT_GE(old.warnings.size(), 1U);
  EXPECT_NE(old.warnings.front().find("no wavelength"), std::string::npos);
}

TEST(NexusTest, ConvertsToPhasewiseHdf5WithAxisWavelengthAndCounts) {
  const auto dir = freshTempDir();
  const core::Library nexus = registry().read(writePyFaiPattern(dir)).library;
  registry().writer("phasewise-h5").write(nexus, dir / "converted.h5");
  const core::Library back = registry().read(dir / "converted.h5").library;
  EXPECT_EQ(back.axis.values, nexus.axis.values);
  EXPECT_EQ(back.axis.wavelength_angstrom, nexus.axis.wavelength_angstrom);
  EXPECT_EQ(back.intensities, nexus.intensities);
}

TEST(NexusTest, DamagedOrIncompleteFilesAreRefusedNamingTheFile) {
  const auto dir = freshTempDir();
  using Build = std::function<void(NexusFile&)>;
  const auto base = [](NexusFile& f) {
    f.group("entry", "NXentry").group("entry/data", "NXdata").data("entry/data/q", ramp(10, 10, 1), {10}, "1/nm");
  };
  // entry/data: one pattern `i` over the axis `axis` (values, units), named as signal and axes.
  const auto pattern = [](NexusFile& f, const std::string& axis, const std::vector<double>& values,
                          const std::string& units, const std::vector<double>& i) {
    f.group("entry", "NXentry")
        .group("entry/data", "NXdata")
        .data("entry/data/" + axis, values, {values.size()}, units)
        .data("entry/data/i", i, {i.size()})
        .attribute("entry/data", "signal", "i")
        .attribute("entry/data", "axes", axis);
  };
  const auto good_q = ramp(10, 10, 1);
  const auto good_i = peaks(1, 10);
  std::vector<double> shuffled = good_q, with_nan = good_i;
  std::swap(shuffled[3], shuffled[6]);
  with_nan[4] = std::nan("");
  const auto with_wavelength = [&](double value, const std::string& units) {
    return [&, value, units](NexusFile& f) {
      pattern(f, "q", good_q, "1/nm", good_i);
      f.group("entry/mono", "NXmonochromator").data("entry/mono/wavelength", {value}, {1}, units);
    };
  };
  const std::vector<std::pair<std::string, Build>> cases = {
      {"no NXentry", [](NexusFile& f) { f.group("stuff", "NXcollection"); }},
      {"no NXdata", [](NexusFile& f) { f.group("entry", "NXentry"); }},
      {"no signal",
       [&](NexusFile& f) {
         base(f);
         f.data("entry/data/i", good_i, {10});
       }},
      {"signal names nothing",
       [&](NexusFile& f) {
         base(f);
         f.attribute("entry/data", "signal", "missing").attribute("entry/data", "axes", "q");
       }},
      // Read into one string's buffer, a list of strings overflowed it (every HDF5 reader).
      {"signal as a list",
       [&](NexusFile& f) {
         base(f);
         f.data("entry/data/i", good_i, {10})
             .attributes("entry/data", "signal", {"i", "q"})
             .attribute("entry/data", "axes", "q");
       }},
      {"4-D data",
       [&](NexusFile& f) {
         base(f);
         f.data("entry/data/i", std::vector<double>(80, 1.0), {2, 2, 2, 10})
             .attribute("entry/data", "signal", "i")
             .attribute("entry/data", "axes", "q");
       }},
      {"axis without units", [&](NexusFile& f) { pattern(f, "position", good_q, "", good_i); }},
      {"energy axis", [&](NexusFile& f) { pattern(f, "e", good_q, "keV", good_i); }},
      {"axis too short", [&](NexusFile& f) { pattern(f, "q", ramp(9, 10, 1), "1/nm", good_i); }},
      {"axis not monotonic", [&](NexusFile& f) { pattern(f, "q", shuffled, "1/nm", good_i); }},
      {"NaN intensity", [&](NexusFile& f) { pattern(f, "q", good_q, "1/nm", with_nan); }},
      {"negative wavelength", with_wavelength(-1.0, "angstrom")},
      {"wavelength in furlongs", with_wavelength(1.0, "furlong")},
  };
  for (const auto& [name, build] : cases) {
    SCOPED_TRACE(name);
    const fs::path file = dir / "bad.nxs";
    {
      NexusFile f(file);
      build(f);
    }
    try {
      (void)plugins::NexusReader().read(file);
      ADD_FAILURE() << "read without complaint";
    } catch (const core::Error& e) {
      EXPECT_NE(std::string(e.what()).find("bad.nxs"), std::string::npos) << e.what();
    }
  }
  // Truncated: the first half of a good file.
  const fs::path good = writePyFaiPattern(dir, "good.nxs");
  std::ifstream in(good, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::ofstream(dir / "cut.nxs", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  EXPECT_THROW((void)plugins::NexusReader().read(dir / "cut.nxs"), core::Error);
}

// Seeds for the nexus fuzz target (scripts/fuzz.sh sets PHASEWISE_FUZZ_SEED_DIR): the layouts
// above, each checked to read.
// "Is this .h5 ours, and what does it hold?" is decided by content: a NeXus file named like a
// project is not one, a Phasewise file named .dat is one.
TEST(PhasewiseContentsTest, DecidedByContentNotByName) {
  const fs::path dir = freshTempDir();
  EXPECT_FALSE(plugins::phasewiseContents(writePyFaiPattern(dir, "project.h5")).phasewise());
  const core::Library library = registry().read(writePyFaiPattern(dir)).library;
  plugins::writeProject({library, std::nullopt, std::nullopt, std::nullopt}, dir / "library.dat");
  const auto contents = plugins::phasewiseContents(dir / "library.dat");
  EXPECT_TRUE(contents.project());
  EXPECT_FALSE(contents.phases || contents.decomposition || contents.refinement);
  core::PhaseLibrary phases;
  phases.phases.push_back({});
  phases.phases.back().name = "made-up";
  phases.phases.back().sticks = {{20.0, 100.0, std::nullopt}};
  plugins::writePhaseLibraryFile(phases, dir / "phases.h5");
  const auto phase_file = plugins::phasewiseContents(dir / "phases.h5");
  EXPECT_TRUE(phase_file.phases);
  EXPECT_FALSE(phase_file.project());
  writeText(dir / "text.h5", "not HDF5\n");
  EXPECT_FALSE(plugins::phasewiseContents(dir / "text.h5").phasewise());
  EXPECT_FALSE(plugins::phasewiseContents(dir / "absent.h5").phasewise());
  EXPECT_FALSE(plugins::phasewiseContents(dir).phasewise());
  // Damaged (truncated): holds nothing; the reader chosen next says why.
  const auto bytes = fs::file_size(dir / "library.dat");
  fs::copy_file(dir / "library.dat", dir / "cut.h5");
  fs::resize_file(dir / "cut.h5", bytes / 2);
  EXPECT_FALSE(plugins::phasewiseContents(dir / "cut.h5").phasewise());
}

TEST(FuzzSeedsTest, WritesNexusSeeds) {
  const char* env = std::getenv("PHASEWISE_FUZZ_SEED_DIR");
  const fs::path root = (env && *env ? fs::path(env) : freshTempDir() / "seeds") / "nexus";
  fs::create_directories(root);
  const fs::path pyfai = writePyFaiPattern(root, "pyfai.nxs");
  EXPECT_EQ(plugins::NexusReader().read(pyfai).library.samples, 1U);
  {
    NexusFile f(root / "stack.nxs");
    f.group("scan", "NXentry")
        .group("scan/data", "NXdata")
        .data("scan/data/tth", ramp(16, 40, -1), {16}, "deg")
        .data("scan/data/counts", peaks(2, 16), {2, 16}, "", H5T_STD_I32LE)
        .attribute("scan/data", "signal", "counts")
        .attributes("scan/data", "axes", {".", "tth"});
  }
  EXPECT_EQ(plugins::NexusReader().read(root / "stack.nxs").library.samples, 2U);
}

}  // namespace
}  // namespace phasewise::test
