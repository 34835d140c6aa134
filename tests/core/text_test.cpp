#include "util/text.h"

#include "io/column_text.h"

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.h"

namespace phasewise::core {
namespace {

TEST(TextTest, ParsesWholeNumbersOnly) {
  double v = 0;
  EXPECT_TRUE(parseNumber(" 1.5e3 ", v));
  EXPECT_DOUBLE_EQ(v, 1500.0);
  EXPECT_TRUE(parseNumber("+2", v));
  EXPECT_FALSE(parseNumber("1.5x", v));
  EXPECT_FALSE(parseNumber("", v));
  EXPECT_FALSE(parseNumber("abc", v));
  EXPECT_TRUE(parseNumber("nan", v));  // parses; readers reject non-finite values themselves
  EXPECT_TRUE(std::isnan(v));
}

TEST(TextTest, SplitsOnWhiteSpaceRunsAndExplicitSeparators) {
  std::vector<std::string_view> f;
  splitFields("  1   2\t3 ", " \t,", f);
  EXPECT_EQ(f, (std::vector<std::string_view>{"1", "2", "3"}));
  splitFields("1, 2 ,3", " \t,", f);
  EXPECT_EQ(f, (std::vector<std::string_view>{"1", "2", "3"}));
  splitFields("1,,3", ",", f);
  EXPECT_EQ(f, (std::vector<std::string_view>{"1", "", "3"}));
  splitFields("1,2,", ",", f);
  EXPECT_EQ(f.size(), 3U);
  splitFields("0\tname with blanks\t2.5", "\t", f);
  EXPECT_EQ(f, (std::vector<std::string_view>{"0", "name with blanks", "2.5"}));
  splitFields("1 ; 2", " ;", f);
  EXPECT_EQ(f, (std::vector<std::string_view>{"1", "2"}));
}

TEST(TextTest, FormatsNumbersThatReadBackExactly) {
  for (float x : {0.1F, 1.0F / 3.0F, 123456.78F, 1e-30F}) {
    float back = 0;
    ASSERT_TRUE(parseNumber(formatNumber(x), back));
    EXPECT_EQ(back, x);
  }
}

TEST(TextTest, LineReaderHandlesAllLineEndingsAndLongLines) {
  const auto path = test::freshTempDir() / "lines.txt";
  const std::string long_line(3 << 20, 'x');  // longer than the initial 1 MiB buffer
  test::writeText(path, "a\r\nb\rc\n" + long_line + "\nlast");
  LineReader reader(path);
  std::string_view line;
  std::vector<std::string> lines;
  while (reader.next(line)) lines.emplace_back(line);
  ASSERT_EQ(lines.size(), 5U);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "b");
  EXPECT_EQ(lines[2], "c");
  EXPECT_EQ(lines[3].size(), long_line.size());
  EXPECT_EQ(lines[4], "last");
  EXPECT_EQ(reader.lineNumber(), 5U);
}

}  // namespace
}  // namespace phasewise::core

namespace phasewise::test {
namespace {
TEST(WavelengthFromTextTest, ReadsTheStatedWavelengthInOnePass) {
  EXPECT_DOUBLE_EQ(core::wavelengthFromText("# Wavelength: 1.5406 A").value(), 1.5406);
  EXPECT_DOUBLE_EQ(core::wavelengthFromText("lambda=.7093").value(), 0.7093);
  EXPECT_DOUBLE_EQ(core::wavelengthFromText("source Cu, wave length (Angstrom) 1.54").value(), 1.54);
  EXPECT_FALSE(core::wavelengthFromText("wavelength 42"));  // implausible
  EXPECT_FALSE(core::wavelengthFromText("no such thing 1.54"));
  // The hostile-input campaign's case: a 30,000-digit number after "lambda" overflowed the
  // stack of the regex it replaced; it must be refused quickly, without recursion.
  const std::string hostile = "# lambda " + std::string(30000, '1');
  EXPECT_FALSE(core::wavelengthFromText(hostile));
  EXPECT_FALSE(core::wavelengthFromText("# lambda" + std::string(100000, ' ') + "1.54"));
}
}  // namespace
}  // namespace phasewise::test
