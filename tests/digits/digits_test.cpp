// The digits demonstration: fonts, typeset rendering, the handwritten-digits reader, PNG
// figures, and the shared refiner on 2-D images (a classifier trained in seconds).

#include <gtest/gtest.h>
#include <stb_image.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

#include "digits/canvas.h"
#include "digits/digits_experiment.h"
#include "digits/font.h"
#include "digits/handwritten_digits.h"
#include "digits/typeset_digits.h"
#include "learn/image_classifier.h"
#include "learn/refiner.h"
#include "test_support.h"
#include "util/error.h"

namespace phasewise::test {
namespace {
using namespace core;

std::vector<Font> someFonts(std::size_t most) {
  std::vector<Font> fonts;
  for (const FontFace& face : findDigitFonts()) {
    if (fonts.size() == most) break;
    fonts.emplace_back(face.file);
  }
  return fonts;
}

#define REQUIRE_FONTS()                                                                                  \
  do {                                                                                                   \
    if (findDigitFonts().empty()) GTEST_SKIP() << "no DejaVu/Liberation/FreeFont fonts on this machine"; \
  } while (false)

std::string digitLine(int pixel, int label) {
  std::string line;
  for (int i = 0; i < 64; ++i) line += std::to_string(i % 8 == 3 ? pixel : 0) + ",";
  return line + std::to_string(label) + "\n";
}

void writeGzip(const std::filesystem::path& file, const std::string& text) {
  gzFile out = gzopen(file.string().c_str(), "wb");
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(gzwrite(out, text.data(), static_cast<unsigned>(text.size())), static_cast<int>(text.size()));
  gzclose(out);
}

TEST(FontTest, FindsDebianFacesAndRendersEveryDigit) {
  REQUIRE_FONTS();
  const auto faces = findDigitFonts();
  const Font font(faces.front().file);
  for (char32_t c = U'0'; c <= U'9'; ++c) {
    const GlyphBitmap g = font.glyph(c, 128);
    EXPECT_GT(g.height, 80) << static_cast<int>(c);  // digits are about cap height
    EXPECT_GT(g.width, 20);
    // Cropped to the ink: the first and last rows hold some.
    EXPECT_TRUE(std::any_of(g.coverage.begin(), g.coverage.begin() + g.width, [](auto v) { return v > 0; }));
  }
  EXPECT_GT(font.textWidth("label 7", 13), font.textWidth("7", 13));
}

TEST(FontTest, RefusesFilesThatAreNotFonts) {
  const auto dir = freshTempDir();
  writeText(dir / "not-a-font.ttf", "this is text, not a TrueType font, and long enough");
  EXPECT_THROW(Font(dir / "not-a-font.ttf"), FormatError);
  EXPECT_THROW(Font(dir / "missing.ttf"), FormatError);
  EXPECT_TRUE(findDigitFonts({dir}).empty());
  EXPECT_EQ(findDigitFonts({dir}, true).size(), 1U);  // every .ttf when asked (loading it then fails cleanly)
}

TEST(TypesetDigitsTest, BlockCountingIsTheOptdigitsPreprocessing) {
  std::vector<std::uint8_t> bitmap(32 * 32, 0);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) bitmap[static_cast<std::size_t>(y) * 32 + x] = 1;  // block (0, 0) full
  bitmap[static_cast<std::size_t>(31) * 32 + 31] = 1;                              // one pixel of block (7, 7)
  const std::vector<float> image = blockCount8(bitmap);
  EXPECT_FLOAT_EQ(image[0], 1.0F);
  EXPECT_FLOAT_EQ(image[63], 1.0F / 16);
  EXPECT_FLOAT_EQ(std::accumulate(image.begin(), image.end(), 0.0F), 17.0F / 16);
  EXPECT_THROW((void)blockCount8(std::vector<std::uint8_t>(10)), Error);
}

TEST(TypesetDigitsTest, RendersLabelledJitteredDigitsInOptdigitsRange) {
  REQUIRE_FONTS();
  const std::vector<Font> fonts = someFonts(2);
  const LabelledImages set = renderTypesetDigits(fonts, 3, TypesetJitter{}, 5);
  ASSERT_EQ(set.count(), fonts.size() * 30);
  EXPECT_EQ(set.height, 8);
  EXPECT_EQ(set.labels[0], 0);
  EXPECT_EQ(set.labels[29], 9);
  for (float v : set.pixels) {
    EXPECT_GE(v, 0.0F);
    EXPECT_LE(v, 1.0F);
    EXPECT_FLOAT_EQ(v * 16, std::round(v * 16));  // ink counts, as in optdigits
  }
  for (std::size_t i = 0; i < set.count(); ++i) {
    const float ink = std::accumulate(set.image(i), set.image(i) + 64, 0.0F);
    EXPECT_GT(ink, 3.0F) << "image " << i << " is almost empty";
  }
  // Jittered copies differ; the same seed gives the same images.
  EXPECT_FALSE(std::equal(set.image(0), set.image(0) + 64, set.image(1)));
  EXPECT_EQ(renderTypesetDigits(fonts, 3, TypesetJitter{}, 5).pixels, set.pixels);
  const LabelledImages plain = renderTypesetDigits(fonts, 2, TypesetJitter::none(), 5);
  EXPECT_TRUE(std::equal(plain.image(0), plain.image(0) + 64, plain.image(1)));
}

TEST(HandwrittenDigitsTest, ReadsPlainAndGzipFiles) {
  const auto dir = freshTempDir();
  const std::string text = digitLine(16, 1) + digitLine(8, 7) + "\n";
  writeText(dir / "digits.csv", text);
  writeGzip(dir / "digits.csv.gz", text);
  for (const char* name : {"digits.csv", "digits.csv.gz"}) {
    const LabelledImages set = readOptdigits(dir / name);
    ASSERT_EQ(set.count(), 2U) << name;
    EXPECT_EQ(set.labels[1], 7);
    EXPECT_FLOAT_EQ(set.image(0)[3], 1.0F);
    EXPECT_FLOAT_EQ(set.image(1)[11], 0.5F);
    EXPECT_FLOAT_EQ(set.image(1)[0], 0.0F);
  }
}

TEST(HandwrittenDigitsTest, NamesTheLineAndFieldOfBadInput) {
  const auto dir = freshTempDir();
  struct Case {
    std::string text, expected;
  };
  std::string short_line = digitLine(3, 2);
  short_line.erase(0, 2);  // 64 values
  const std::vector<Case> cases = {
      {digitLine(3, 2) + digitLine(17, 2), ".csv:2: pixel 4"},  // pixel above 16, on line 2
      {digitLine(3, 10), "label"},                              // not a digit
      {digitLine(3, 2) + short_line, "64 values"},
      {"0,0,x" + digitLine(3, 2).substr(3), "'x' is not an integer"},
      {digitLine(3, 2) + "1," + digitLine(3, 2), "more than 65"},
      {"\n\n", "holds no images"},
  };
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto file = dir / ("bad" + std::to_string(i) + ".csv");
    writeText(file, cases[i].text);
    try {
      (void)readOptdigits(file);
      ADD_FAILURE() << "case " << i << " was accepted";
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find(cases[i].expected), std::string::npos) << e.what();
    }
  }
  // A gzip file cut short is reported, not read as fewer digits.
  std::string many;
  for (int i = 0; i < 200; ++i) many += digitLine(i % 17, i % 10);
  writeGzip(dir / "whole.gz", many);
  std::ifstream in(dir / "whole.gz", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  writeText(dir / "cut.gz", bytes.substr(0, bytes.size() / 2));
  EXPECT_THROW((void)readOptdigits(dir / "cut.gz"), FormatError);
  EXPECT_THROW((void)readOptdigits(dir / "missing.csv.gz"), FormatError);
}

TEST(CanvasTest, WritesAPngThatReadsBack) {
  const auto dir = freshTempDir();
  Canvas canvas(40, 30);
  const float values[4] = {0.0F, 1.0F, 0.5F, -1.0F};
  canvas.image(2, 2, values, 2, 2, 5, [](float v) { return v < 0 ? changeColour(v) : inkColour(v); });
  canvas.savePng(dir / "figure.png");
  int w = 0, h = 0, channels = 0;
  unsigned char* pixels = stbi_load((dir / "figure.png").string().c_str(), &w, &h, &channels, 3);
  ASSERT_NE(pixels, nullptr);
  EXPECT_EQ(w, 40);
  EXPECT_EQ(h, 30);
  auto at = [&](int x, int y, int c) { return pixels[(y * w + x) * 3 + c]; };
  EXPECT_EQ(at(3, 3, 0), 255);  // value 0: paper
  EXPECT_EQ(at(8, 3, 0), 0);    // value 1: ink
  EXPECT_EQ(at(8, 8, 2), 255);  // removed ink: blue
  EXPECT_EQ(at(8, 8, 0), 0);
  EXPECT_EQ(at(30, 20, 1), 255);  // background
  stbi_image_free(pixels);
  EXPECT_THROW(Canvas(0, 10), Error);
}

const ImageClassifier& typesetClassifier() {
  static const ImageClassifier classifier = [] {
    const std::vector<Font> fonts = someFonts(4);
    ImageClassifierSettings s;
    s.epochs = 4;
    s.channels = 8;
    s.threads = 2;
    std::vector<std::string> names;
    for (int d = 0; d < 10; ++d) names.push_back(std::to_string(d));
    return ImageClassifier::train(renderTypesetDigits(fonts, 40, TypesetJitter{}, 1),
                                  renderTypesetDigits(fonts, 8, TypesetJitter{}, 2), names, s);
  }();
  return classifier;
}

TEST(ImageRefinementTest, ClassifierLearnsTypesetDigits) {
  REQUIRE_FONTS();
  const ImageClassifier& c = typesetClassifier();
  EXPECT_EQ(c.inputShape(), (std::vector<std::int64_t>{1, 8, 8}));
  EXPECT_EQ(c.classCount(), 10U);
  const LabelledImages test = renderTypesetDigits(someFonts(4), 5, TypesetJitter{}, 99);
  const auto predictions = c.predict(test.pixels, 1);
  int right = 0;
  for (std::size_t i = 0; i < test.count(); ++i) right += predictions[i].top[0] == test.labels[i];
  EXPECT_GT(right, static_cast<int>(test.count() * 8 / 10));
}

TEST(ImageRefinementTest, TargetedRefinementReachesEachTargetWithSparseEdits) {
  REQUIRE_FONTS();
  const ImageClassifier& c = typesetClassifier();
  const LabelledImages twos = renderTypesetDigits(someFonts(4), 2, TypesetJitter{}, 7);
  std::vector<float> inputs;
  std::vector<int> targets;
  for (std::size_t i = 0; i < twos.count(); ++i)
    if (twos.labels[i] == 2 || twos.labels[i] == 5) {
      inputs.insert(inputs.end(), twos.image(i), twos.image(i) + 64);
      targets.push_back(twos.labels[i] == 2 ? 7 : 6);
    }
  RefinementSettings s;
  s.loss = EvaluationLoss::Targeted;
  s.lambda = 3;
  s.steps = 100;
  s.learning_rate = 0.02;
  s.ceiling = 1.0;
  s.sparse_changes = true;
  const auto refined = refine(c, inputs, s, nullptr, targets);
  ASSERT_EQ(refined.size(), targets.size());
  int reached = 0;
  for (std::size_t i = 0; i < refined.size(); ++i) {
    reached += refined[i].after.top[0] == targets[i];
    int unchanged = 0;
    for (std::size_t p = 0; p < 64; ++p) {
      EXPECT_GE(refined[i].pattern[p], 0.0F);
      EXPECT_LE(refined[i].pattern[p], 1.0F);  // the ceiling holds
      unchanged += refined[i].pattern[p] == inputs[i * 64 + p];
    }
    EXPECT_GE(unchanged, 32) << "the proximal L1 step leaves most pixels exactly as they were";
  }
  EXPECT_GE(reached, static_cast<int>(refined.size()) * 3 / 4);
  // Targets must be classes, one per candidate.
  EXPECT_THROW((void)refine(c, inputs, s, nullptr, std::vector<int>(targets.size(), 10)), Error);
  EXPECT_THROW((void)refine(c, inputs, s, nullptr, std::vector<int>(1, 3)), Error);
}

TEST(ImageRefinementTest, AmortisedAndEntropyRefinementWorkOnImages) {
  REQUIRE_FONTS();
  const ImageClassifier& c = typesetClassifier();
  const LabelledImages set = renderTypesetDigits(someFonts(2), 2, TypesetJitter{}, 11);
  RefinementSettings s;
  s.mode = RefinementMode::Amortised;
  s.steps = 3;
  s.ceiling = 1.0;
  const auto refined = refine(c, set.pixels, s);
  ASSERT_EQ(refined.size(), set.count());
  double before = 0, after = 0;
  for (const RefinedPattern& r : refined) {
    before += r.before.entropy;
    after += r.after.entropy;
    EXPECT_LE(*std::max_element(r.pattern.begin(), r.pattern.end()), 1.0F);
  }
  EXPECT_LE(after, before + 1e-3) << "entropy refinement must not make the classifier less sure overall";
}

TEST(DigitsRealDataTest, ReadsTheUciTestSet) {
  PHASEWISE_REQUIRE_DATA("digits/digits.csv.gz");
  const LabelledImages set = readOptdigits(sharedDataDir() / "digits/digits.csv.gz");
  ASSERT_EQ(set.count(), 1797U);
  std::vector<int> counts(10, 0);
  for (int label : set.labels) ++counts[static_cast<std::size_t>(label)];
  EXPECT_EQ(counts, (std::vector<int>{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}));  // its README
}

TEST(DigitsRealDataTest, TypesetTrainedClassifierReadsHandwritingAndRefinementReachesTargets) {
  PHASEWISE_REQUIRE_DATA("digits/digits.csv.gz");
  REQUIRE_FONTS();
  DigitsSettings s;
  s.handwritten = sharedDataDir() / "digits/digits.csv.gz";
  s.limit = 300;
  s.per_face = 30;
  s.validation_per_face = 5;
  s.classifier.epochs = 6;
  s.classifier.threads = 2;
  s.lambdas = {30};
  s.steps = 60;
  s.grid_columns = 6;
  const auto out = freshTempDir();
  const DigitsReport r = runDigitsExperiment(s, out);
  EXPECT_EQ(r.handwritten_images, 300U);
  EXPECT_GT(r.handwritten_accuracy, 0.4) << "far above chance (0.1) from typeset digits alone";
  ASSERT_EQ(r.results.size(), 4U);
  for (const DigitsModeResult& m : r.results) {
    EXPECT_TRUE(std::filesystem::is_regular_file(m.figure)) << m.mode;
    EXPECT_GE(m.mean_relative_change, 0.0);
    if (m.mode == "to-label") {
      EXPECT_GT(m.success, 0.9);
      EXPECT_LT(m.mean_relative_change, 0.15) << "reaching the human label takes a small change";
    }
    if (m.mode == "2-to-7") EXPECT_GT(m.success, m.success_before);
  }
  EXPECT_TRUE(std::filesystem::is_regular_file(out / "digits-summary.tsv"));
  EXPECT_TRUE(std::filesystem::is_regular_file(out / "typeset-samples.png"));
}

}  // namespace
}  // namespace phasewise::test
