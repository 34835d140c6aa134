// The malformed-input corpus: every case is generated here, read by the reader it targets
// (which must fail with a FormatError naming the file and the problem) and by every other
// reader (which must fail cleanly or return a valid library). CI also runs this binary
// under ASan+UBSan, so a crash, leak of bounds or undefined behaviour fails the build.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <functional>

#include "builtin_formats.h"
#include "format_hdf5/hdf5_handles.h"
#include "format_hdf5/phase_library_file.h"
#include "format_hdf5/project_file.h"
#include "format_instance/solution_format.h"
#include "io/npy.h"
#include "io/registry.h"
#include "sample_files.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
namespace fs = std::filesystem;
using Maker = std::function<fs::path(const fs::path&)>;

struct Malformed {
  std::string name;
  std::string reader;    // the reader this file pretends to be for
  std::string fragment;  // must appear in the error message
  Maker make;
};

Maker text(const std::string& file, const std::string& content) {
  return [=](const fs::path& dir) {
    writeText(dir / file, content);
    return dir / file;
  };
}

std::string replaced(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

const std::string kInstanceHead = "M=2\nElements=Fe,Ni\nN=2\nComposition=CFe,CNi\nCFe=1,0.5\nCNi=0,0.5\n";

Maker npyFolder(const std::function<void(const fs::path&)>& damage) {
  return [=](const fs::path& dir) {
    const fs::path folder = writeNpyFolder(dir);
    damage(folder);
    return folder;
  };
}

void rawNpy(const fs::path& path, const std::string& header_dict, const std::string& payload,
            const char* magic = "\x93NUMPY") {
  std::string header = header_dict;
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::string bytes(magic, 6);
  bytes += std::string("\x01\x00", 2);
  bytes += static_cast<char>(header.size() & 0xFF);
  bytes += static_cast<char>(header.size() >> 8);
  writeText(path, bytes + header + payload);
}

Maker patternFolder(const std::string& table) {
  return [=](const fs::path& dir) {
    const fs::path folder = dir / "spread";
    fs::create_directories(folder);
    writeXy(folder, "a.xy");
    writeText(folder / "composition.csv", table);
    return folder;
  };
}

Maker hdf5(const std::function<void(hid_t file)>& build) {
  return [=](const fs::path& dir) {
    const fs::path path = dir / "lib.h5";
    plugins::h5::silenceErrorStack();
    plugins::h5::Handle f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    build(f.id());
    return path;
  };
}

void phasewiseRoot(hid_t f, std::int64_t version = 1) {
  plugins::h5::writeStringAttribute(f, "format", "phasewise");
  plugins::h5::writeIntAttribute(f, "schema_version", version);
}

void libraryGroup(hid_t f, bool with_intensities, hsize_t intensity_columns = 3) {
  plugins::h5::Handle g(H5Gcreate2(f, "library", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  plugins::h5::writeStringAttribute(g.id(), "axis_kind", "q");
  plugins::h5::writeStringAttribute(g.id(), "axis_unit", "nm^-1");
  const double axis[3] = {1, 2, 3};
  plugins::h5::writeDataset(g.id(), "axis", H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, {3}, axis);
  if (with_intensities) {
    const std::vector<float> data(2 * intensity_columns, 1.0F);
    plugins::h5::writeDataset(g.id(), "intensities", H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, {2, intensity_columns},
                              data.data());
  }
}

std::vector<Malformed> corpus() {
  const std::string xrdml = xrdmlText(2, 50);
  return {
      // .xy / .xye / .dat
      {"XyEmpty", "xy", "is empty", text("empty.xy", "")},
      {"XyOnlyComments", "xy", "no rows of numbers", text("c.xy", "# nothing\n# here\n")},
      {"XyTextInNumberField", "xy", ":2: column 2: 'abc' is not a number", text("t.xy", "10 1\n11 abc\n")},
      {"XyWrongColumnCount", "xy", "has 4 columns, expected 2", text("w.xy", "10 1\n11 2 3 4\n")},
      {"XyOneColumn", "xy", "has 1 columns", text("one.xy", "10\n11\n12\n")},
      {"XyNaN", "xy", "not a finite number", text("n.xy", "10 1\n11 nan\n")},
      {"XyInf", "xy", "not a finite number", text("i.dat", "10 1\n11 -inf\n")},
      {"XyDuplicatedAxis", "xy", "repeats the value on line 1", text("d.xy", "10 1\n10 2\n11 3\n")},
      {"XyNonMonotonicAxis", "xy", "strictly monotonic", text("m.xy", "10 1\n12 2\n11 3\n")},
      {"XyTruncatedLastRow", "xy", "has 2 columns, expected 3", text("t.xye", "10 1 1\n11 2 1\n12 3")},
      {"XyNegativeUncertainty", "xy", "negative", text("s.xye", "10 1 -1\n11 2 1\n")},
      {"XyBinaryGarbage", "xy", "", text("g.xy", std::string("\x01\x02\0\xff\xfe 1 2\n\x7f", 10))},
      // .csv
      {"CsvHeaderOnly", "csv", "no rows of numbers", text("h.csv", "2theta,intensity\n")},
      {"CsvRaggedRow", "csv", "has 1 columns, expected 2", text("r.csv", "2theta,I\n10,1\n11\n")},
      {"CsvHeaderDataMismatch", "csv", "header row names 2 columns", text("m.csv", "2theta,I\n10,1,5\n")},
      {"CsvSigmaWithManySamples", "csv", "uncertainty column", text("s.csv", "2theta,a,b,sigma\n10,1,2,1\n11,1,2,1\n")},
      // .chi
      {"ChiCountMismatch", "chi", "declares 50 points but the file holds 3",
       text("c.chi", "t\n2-Theta Angle (Degrees)\nIntensity\n50\n1 2\n2 3\n3 4\n")},
      {"ChiBadCount", "chi", "point count", text("b.chi", "t\n2-Theta Angle (Degrees)\nIntensity\nabc\n1 2\n2 3\n")},
      // Found by the fuzzer: a count beyond any size_t was converted to one (undefined).
      {"ChiAbsurdCount", "chi", "declares 1e113 points but the file holds 2",
       text("h.chi", "t\n2-Theta Angle (Degrees)\nIntensity\n1e113\n1 2\n2 3\n")},
      {"ChiUnknownAxis", "chi", "names neither 2-theta nor Q",
       text("u.chi", "t\nRadial distance (mm)\nIntensity\n2\n1 2\n2 3\n")},
      // .xrdml
      {"XrdmlTruncated", "xrdml", "XML", text("t.xrdml", xrdml.substr(0, xrdml.size() / 2))},
      {"XrdmlWrongRoot", "xrdml", "not <xrdMeasurements>", text("r.xrdml", "<?xml version=\"1.0\"?><foo/>")},
      {"XrdmlNoCounts", "xrdml", "neither <counts>",
       text("n.xrdml", replaced(replaced(xrdml, "<counts", "<other"), "</counts>", "</other>"))},
      {"XrdmlBadNumber", "xrdml", "is not a finite number",
       text("b.xrdml", replaced(xrdml, "<counts unit=\"counts\">", "<counts unit=\"counts\">12x "))},
      {"XrdmlImplausibleWavelength", "xrdml", "implausible",
       text("w.xrdml", replaced(xrdml, "1.5405980", "154.05980"))},
      {"XrdmlEmpty", "xrdml", "is empty", text("e.xrdml", "")},
      {"XrdmlUnknownEntity", "xrdml", "unknown entity", text("x.xrdml", replaced(xrdml, "test-sample", "&nope;"))},
      {"XrdmlBrokenNesting", "xrdml", "closes", text("k.xrdml", replaced(xrdml, "</scan>", "</dataPoints>"))},
      // instance text
      {"InstanceIntensityBeforeQ", "instance", "comes before the Q= line",
       text("a.txt", kInstanceHead + "I1=1,2\nQ=1,2\nI2=1,2\n")},
      {"InstanceMissingRow", "instance", "I2: is missing", text("b.txt", kInstanceHead + "Q=1,2,3\nI1=1,2,3\n")},
      {"InstanceShortRow", "instance", "has 2 values, expected 3",
       text("c.txt", kInstanceHead + "Q=1,2,3\nI1=1,2,3\nI2=1,2\n")},
      {"InstanceBadNumber", "instance", "('x1') is not a finite number",
       text("d.txt", kInstanceHead + "Q=1,2,3\nI1=1,2,3\nI2=1,x1,3\n")},
      {"InstanceCompositionSum", "instance", "sum to",
       text("e.txt", replaced(kInstanceHead, "CNi=0,0.5", "CNi=0.5,0.9") + "Q=1,2\nI1=1,2\nI2=1,2\n")},
      {"InstanceBadN", "instance", "is not a sample count", text("f.txt", "M=1\nN=abc\nElements=Fe\nQ=1,2\n")},
      {"InstanceDuplicateKey", "instance", "appears twice", text("g.txt", kInstanceHead + "Q=1,2\nQ=1,2\n")},
      {"InstanceCompositionLength", "instance", "has 3 values, expected 2",
       text("h.txt", replaced(kInstanceHead, "CFe=1,0.5", "CFe=1,0.5,0") + "Q=1,2\nI1=1,2\nI2=1,2\n")},
      // Found by fuzzing: both positions from one row (the second read found it taken).
      {"InstanceDepositionTwice", "instance", "for both X and Y",
       text("k.txt", kInstanceHead + "Deposition=X,X\nX=1,2\nQ=1,2\nI1=1,2\nI2=1,2\n")},
      // Found by fuzzing: I1888888= in a 40-byte file sized the matrix for 1.9 million samples.
      {"InstanceSampleNumberBeyondTheFile", "instance", "bytes can hold", text("l.txt", "Q=1,2\nI1888888=1,2\n")},
      {"InstanceNoEquals", "instance", "expected key=value", text("i.txt", kInstanceHead + "Q=1,2\ngarbage line\n")},
      {"InstanceNaN", "instance", "is not a finite number", text("j.txt", kInstanceHead + "Q=1,2\nI1=1,nan\nI2=1,2\n")},
      {"InstanceDecreasingQ", "instance", "must increase strictly",
       text("k.txt", kInstanceHead + "Q=2,1\nI1=1,2\nI2=1,2\n")},
      // DRNets .npy folder
      {"NpyTruncated", "npy-folder", "truncated",
       npyFolder([](const fs::path& f) { fs::resize_file(f / "XRD.npy", fs::file_size(f / "XRD.npy") - 4); })},
      {"NpyAxisLengthMismatch", "npy-folder", "expected (4)", npyFolder([](const fs::path& f) {
         core::writeNpy(f / "Q.npy", {1, "<f8", false}, {3}, {1, 2, 3});
       })},
      {"NpyTerabyteHeader", "npy-folder", "shape and dtype need", npyFolder([](const fs::path& f) {
         rawNpy(f / "XRD.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000, 100000), }", "1234");
       })},
      {"NpyObjectDtype", "npy-folder", "object arrays", npyFolder([](const fs::path& f) {
         rawNpy(f / "XRD.npy", "{'descr': '|O', 'fortran_order': False, 'shape': (2, 4), }", std::string(64, '\0'));
       })},
      {"NpyBadMagic", "npy-folder", "not an .npy file", npyFolder([](const fs::path& f) {
         rawNpy(f / "Q.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", std::string(32, '\0'),
                "PNGPNG");
       })},
      {"NpyCompositionShape", "npy-folder", "one composition per sample", npyFolder([](const fs::path& f) {
         core::writeNpy(f / "composition.npy", {1, "<f8", false}, {3, 3}, std::vector<double>(9, 0.3));
       })},
      {"NpyUnknownDtype", "npy-folder", "unsupported dtype", npyFolder([](const fs::path& f) {
         rawNpy(f / "XRD.npy", "{'descr': '<q9', 'fortran_order': False, 'shape': (2, 4), }", std::string(72, '\0'));
       })},
      {"NpyNaNIntensity", "npy-folder", "not a finite number", npyFolder([](const fs::path& f) {
         core::writeNpy(f / "XRD.npy", {1, "<f8", false}, {2, 4}, {1, 2, NAN, 4, 5, 6, 7, 8});
       })},
      // folder of files + composition table
      {"FolderMissingFile", "folder", "'b.xy' is not a file",
       patternFolder("file,Fe,Ni\na.xy,0.5,0.5\nb.xy,0.5,0.5\n")},
      {"FolderBadNumber", "folder", "'half' is not a finite number", patternFolder("file,Fe,Ni\na.xy,half,0.5\n")},
      {"FolderCompositionSum", "folder", "sum to 0.7", patternFolder("file,Fe,Ni\na.xy,0.3,0.4\n")},
      {"FolderRaggedTable", "folder", "has 2 fields", patternFolder("file,Fe,Ni\na.xy,0.3\n")},
      // Phasewise HDF5
      {"Hdf5Truncated", "phasewise-h5", "",
       [](const fs::path& dir) {
         const fs::path p = writeHdf5(dir);
         fs::resize_file(p, fs::file_size(p) / 2);
         return p;
       }},
      {"Hdf5NotPhasewise", "phasewise-h5", "not a Phasewise file",
       hdf5([](hid_t f) { plugins::h5::writeIntAttribute(f, "other", 1); })},
      {"Hdf5NewerSchema", "phasewise-h5", "newer version", hdf5([](hid_t f) { phasewiseRoot(f, 99); })},
      {"Hdf5MissingGroup", "phasewise-h5", "library: group is missing", hdf5([](hid_t f) { phasewiseRoot(f); })},
      {"Hdf5MissingDataset", "phasewise-h5", "intensities: dataset is missing", hdf5([](hid_t f) {
         phasewiseRoot(f);
         libraryGroup(f, false);
       })},
      {"Hdf5WrongShape", "phasewise-h5", "the axis length", hdf5([](hid_t f) {
         phasewiseRoot(f);
         libraryGroup(f, true, 5);
       })},
      {"Hdf5GarbageWithExtension", "phasewise-h5", "not an HDF5 file", text("g.h5", "this is not HDF5 at all\n")},
  };
}

void PrintTo(const Malformed& c, std::ostream* out) { *out << c.name; }

class MalformedInputTest : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedInputTest, TargetReaderFailsWithAClearMessage) {
  core::FormatRegistry registry;
  plugins::registerBuiltinFormats(registry);
  const Malformed& c = GetParam();
  const fs::path path = c.make(freshTempDir());
  try {
    (void)registry.reader(c.reader).read(path);
    FAIL() << c.name << ": the " << c.reader << " reader accepted a malformed file";
  } catch (const core::FormatError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.filename().string()), std::string::npos)
        << "message does not name the file: " << message;
    EXPECT_NE(message.find(c.fragment), std::string::npos) << "expected '" << c.fragment << "' in: " << message;
  }
}

TEST_P(MalformedInputTest, EveryReaderFailsCleanlyOrReadsSomethingValid) {
  core::FormatRegistry registry;
  plugins::registerBuiltinFormats(registry);
  const fs::path path = GetParam().make(freshTempDir());
  for (const auto& reader : registry.readers()) {
    try {
      const core::ReadResult r = reader->read(path);
      EXPECT_NO_THROW(r.library.validate()) << reader->id();
    } catch (const core::Error&) {
      // a clean, explained refusal
    } catch (const std::exception& e) {
      ADD_FAILURE() << reader->id() << " threw a non-Phasewise exception: " << e.what();
    }
  }
  EXPECT_THROW((void)registry.read(path), core::Error);
}

INSTANTIATE_TEST_SUITE_P(Corpus, MalformedInputTest, ::testing::ValuesIn(corpus()),
                         [](const auto& info) { return info.param.name; });

TEST(MalformedCorpusTest, HoldsAtLeastThirtyCases) { EXPECT_GE(corpus().size(), 30U); }

// The libFuzzer seed corpus (scripts/fuzz.sh): valid files of every format and the malformed
// cases above, one folder per fuzz target, under $PHASEWISE_FUZZ_SEED_DIR (a temporary folder
// when unset, so that the writing itself is tested on every run).
// Found by fuzzing in CI: K=1111111111111111111111111 was converted to int (undefined
// behaviour), and a huge BName index would have sized the name list.
TEST(SolutionFileTest, HugeCountsAndIndicesAreRefusedBeforeAnythingIsSized) {
  const fs::path dir = freshTempDir();
  for (const auto& [text, key] :
       std::vector<std::pair<std::string, std::string>>{{"K=1111111111111111111111111\nQ=1,2\n", "K"},
                                                        {"K=2.5\nQ=1,2\n", "K"},
                                                        {"K=1\nQ=1,2\nBName99999999999=a\n", "BName99999999999"},
                                                        {"K=1\nQ=1,2\nB1=0,1\nC1e30=1\n", "C1e30"},
                                                        {"K=1\nQ=1,2\nB1=0,1\nC1=1\nS2.5=1\n", "S2.5"}}) {
    writeText(dir / "s.txt", text);
    try {
      (void)plugins::readSolution(dir / "s.txt");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const core::FormatError& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

TEST(FuzzSeedsTest, WritesASeedCorpusForEveryFuzzTarget) {
  const char* env = std::getenv("PHASEWISE_FUZZ_SEED_DIR");
  const fs::path root = env && *env ? fs::path(env) : freshTempDir() / "seeds";
  const fs::path work = freshTempDir() / "work";
  fs::create_directories(work);
  int count = 0;
  auto keep = [&](const std::string& target, const fs::path& file) {
    if (!fs::is_regular_file(file)) return;
    fs::create_directories(root / target);
    fs::copy_file(file, root / target / (std::to_string(++count) + file.extension().string()),
                  fs::copy_options::overwrite_existing);
  };
  keep("xy", writeXy(work));
  keep("xy", writeXye(work));
  keep("csv", writeCsv(work));
  keep("chi", writeChi(work));
  keep("xrdml", writeXrdml(work, 1));
  keep("xrdml", writeXrdml(work, 2, "p2.xrdml"));
  keep("instance", writeInstance(work));
  keep("hdf5", writeHdf5(work));
  keep("registry", writeXy(work, "r.xy"));
  for (const auto& entry : fs::directory_iterator(writeNpyFolder(work / "npy"))) keep("npy", entry.path());
  const core::Library library = makeRegistry().read(writeHdf5(work)).library;
  plugins::writeProject({library, std::nullopt, std::nullopt, std::nullopt}, work / "project.h5");
  keep("project", work / "project.h5");
  core::PhaseLibrary phases;
  core::ReferencePhase phase;
  phase.name = "Fe2O3";
  phase.formula = "Fe2O3";
  phase.sticks = {{24.1, 30.0, std::nullopt}, {33.2, 100.0, std::array<int, 3>{1, 0, 4}}};
  phases.phases.push_back(phase);
  plugins::writePhaseLibraryFile(phases, work / "phases.h5");
  keep("phase_library", work / "phases.h5");
  writeText(work / "si.cif",
            "data_Si\n_cell_length_a 5.431\n_cell_length_b 5.431\n_cell_length_c 5.431\n"
            "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
            "_symmetry_space_group_name_H-M 'F d -3 m'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n"
            "_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nSi1 Si 0 0 0\n");
  keep("cif", work / "si.cif");
  writeText(work / "sticks.tsv",
            "# phase_index\tphase_name\tQ_nm^-1\tintensity\n0\t0+Fe2O3_01\t23.3\t0.3\n0\t0+Fe2O3_01\t"
            "32.1\t1\n1\t1+NiO_02\t30.0\t1\n");
  keep("sticks", work / "sticks.tsv");
  writeText(work / "solution.txt", "K=1\nQ=10,11,12\nBName1=a\nB1=0,1,0\nC1=1\nC2=0.5\n");
  keep("solution", work / "solution.txt");
  for (const Malformed& m : corpus()) {
    const fs::path dir = work / m.name;
    fs::create_directories(dir);
    const fs::path file = m.make(dir);
    const std::string target = m.reader == "phasewise-h5" ? "hdf5" : m.reader == "npy-folder" ? "npy" : m.reader;
    if (fs::is_regular_file(file)) keep(target, file);
    if (fs::is_directory(file))
      for (const auto& entry : fs::directory_iterator(file))
        if (entry.path().extension() == ".npy") keep("npy", entry.path());
    keep("registry", file);
  }
  writeText(work / "scan.uxd",
            "_FILEVERSION=2\n_WL1=1.5406\n_ANODE='Cu'\n_DRIVE='COUPLED'\n_STEPSIZE=0.02\n_START=10\n_2THETACOUNTS\n"
            "10.00\t5\n10.02\t7\n10.04\t9\n10.06\t4\n");
  keep("xylib_text", work / "scan.uxd");
  keep("registry", work / "scan.uxd");
  // Real vendor files, when the shared data is there (copied into the build tree only).
  const fs::path vendor = sharedDataDir().empty() ? fs::path() : sharedDataDir() / "instrument-samples";
  if (!vendor.empty() && fs::is_directory(vendor))
    for (const auto& entry : fs::directory_iterator(vendor)) {
      const std::string ext = entry.path().extension().string();
      if (ext == ".raw") keep("xylib_raw", entry.path());
      if (ext == ".UXD" || ext == ".dat") keep("xylib_text", entry.path());
    }
  // The folder target's table names its two fixed pattern files (fuzz/read_fuzzer.cpp).
  writeText(work / "composition.csv", "file,Fe,Ni,x,y\na.xy,0.25,0.75,1.5,2.5\nb.xy,0.6,0.4,3.5,4.5\n");
  keep("folder", work / "composition.csv");
  writeText(work / "composition-elements.csv", "filename,Fe,Ni,Cu\nb.xy,1,0,0\na.xy,0.2,0.3,0.5\n");
  keep("folder", work / "composition-elements.csv");
  // Two handwritten digits in the UCI layout (64 pixel counts, then the label).
  std::string digits;
  for (int image = 0; image < 2; ++image) {
    for (int p = 0; p < 64; ++p) digits += std::to_string((p * 7 + image * 3) % 17) + ",";
    digits += std::to_string(image + 3) + "\n";
  }
  writeText(work / "digits.csv", digits);
  keep("digits", work / "digits.csv");
  // Without them, a RAW v1 header the fuzzer can grow from.
  writeText(work / "v1.raw", std::string("RAW ") + std::string(200, '\0'));
  keep("xylib_raw", work / "v1.raw");
  for (const char* target : {"xy", "csv", "chi", "xrdml", "instance", "hdf5", "project", "phase_library", "npy", "cif",
                             "sticks", "solution", "registry", "xylib_raw", "xylib_text", "folder", "digits"})
    EXPECT_TRUE(fs::is_directory(root / target) && !fs::is_empty(root / target)) << target;
}

}  // namespace
}  // namespace phasewise::test
