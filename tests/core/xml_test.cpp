#include "io/xml.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace phasewise::core {
namespace {

TEST(XmlTest, ParsesElementsAttributesAndEntities) {
  const XmlElement root = parseXml(
      "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c -->\n<a:root xmlns:a=\"u\">\n"
      "  <item unit='deg' note=\"1 &lt; 2\">5.5</item>\n  <empty/>\n  <t><![CDATA[x<y]]> &amp; z</t>\n</a:root>\n",
      "f.xml");
  EXPECT_EQ(root.name, "root");
  ASSERT_NE(root.child("item"), nullptr);
  EXPECT_EQ(root.child("item")->attribute("unit"), "deg");
  EXPECT_EQ(root.child("item")->attribute("note"), "1 < 2");
  EXPECT_EQ(root.child("item")->text, "5.5");
  EXPECT_EQ(root.child("item")->line, 4U);
  EXPECT_NE(root.child("empty"), nullptr);
  EXPECT_EQ(root.child("t")->text, "x<y & z");
}

TEST(XmlTest, ReportsTheLineOfAMismatchedTag) {
  try {
    (void)parseXml("<a>\n<b>\n</c>\n</a>", "bad.xml");
    FAIL();
  } catch (const FormatError& e) {
    EXPECT_EQ(e.line(), 3U);
    EXPECT_NE(std::string(e.what()).find("</c> closes <b>"), std::string::npos) << e.what();
  }
}

TEST(XmlTest, RejectsTruncatedAndHostileInput) {
  EXPECT_THROW((void)parseXml("<a><b>text", "t.xml"), FormatError);
  EXPECT_THROW((void)parseXml("<a x=1/>", "t.xml"), FormatError);
  EXPECT_THROW((void)parseXml("<a>&bogus;</a>", "t.xml"), FormatError);
  EXPECT_THROW((void)parseXml("<!DOCTYPE a [<!ENTITY e \"boom\">]><a>&e;</a>", "t.xml"), FormatError);
  EXPECT_THROW((void)parseXml("", "t.xml"), FormatError);
  EXPECT_THROW((void)parseXml("<a/><b/>", "t.xml"), FormatError);
  std::string deep;
  for (int i = 0; i < 10000; ++i) deep += "<a>";
  EXPECT_THROW((void)parseXml(deep, "deep.xml"), FormatError);
}

}  // namespace
}  // namespace phasewise::core
