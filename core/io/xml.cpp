#include "io/xml.h"

#include <algorithm>
#include <cctype>

#include "util/error.h"

namespace phasewise::core {
namespace {
constexpr std::size_t kMaxDepth = 256;

class XmlParser {
 public:
  XmlParser(std::string_view text, const std::string& file) : s_(text), file_(file) {}

  XmlElement document() {
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 byte order mark
    skipMisc();
    if (pos_ >= s_.size() || s_[pos_] != '<') fail("expected the root element");
    XmlElement root = element(0);
    skipMisc();
    if (pos_ < s_.size()) fail("unexpected content after the root element");
    return root;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) { throw FormatError(file_, currentLine(), "XML", problem); }
  // Lines are counted incrementally: the parser only moves forward.
  std::size_t currentLine() {
    const std::size_t until = std::min(pos_, s_.size());
    for (; counted_ < until; ++counted_) line_ += s_[counted_] == '\n';
    return line_;
  }
  bool startsWith(std::string_view prefix) const { return s_.substr(pos_, prefix.size()) == prefix; }
  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void skipPast(std::string_view terminator, const char* what) {
    const std::size_t end = s_.find(terminator, pos_);
    if (end == std::string_view::npos) fail(std::string("unterminated ") + what);
    pos_ = end + terminator.size();
  }
  // Comments, processing instructions and a DOCTYPE between elements.
  void skipMisc() {
    for (;;) {
      skipSpace();
      if (startsWith("<?"))
        skipPast("?>", "processing instruction");
      else if (startsWith("<!--"))
        skipPast("-->", "comment");
      else if (startsWith("<!DOCTYPE")) {
        if (s_.find('[', pos_) < s_.find('>', pos_)) fail("DTDs with internal subsets are not accepted");
        skipPast(">", "DOCTYPE");
      } else
        return;
    }
  }
  static bool nameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == ':' ||
           static_cast<unsigned char>(c) >= 0x80;
  }
  std::string name() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && nameChar(s_[pos_])) ++pos_;
    if (pos_ == start) fail("expected a name");
    return std::string(s_.substr(start, pos_ - start));
  }
  static std::string localName(const std::string& qualified) {
    const std::size_t colon = qualified.find(':');
    return colon == std::string::npos ? qualified : qualified.substr(colon + 1);
  }
  void appendDecoded(std::string& out, std::string_view raw) {
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out += raw[i];
        continue;
      }
      const std::size_t semi = raw.find(';', i);
      if (semi == std::string_view::npos || semi - i > 12) fail("'&' that does not start an entity");
      const std::string_view entity = raw.substr(i + 1, semi - i - 1);
      if (entity == "lt")
        out += '<';
      else if (entity == "gt")
        out += '>';
      else if (entity == "amp")
        out += '&';
      else if (entity == "quot")
        out += '"';
      else if (entity == "apos")
        out += '\'';
      else if (!entity.empty() && entity[0] == '#') {
        unsigned long code = 0;
        const bool hex = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X');
        const std::string digits(entity.substr(hex ? 2 : 1));
        if (digits.empty() ||
            digits.find_first_not_of(hex ? "0123456789abcdefABCDEF" : "0123456789") != std::string::npos)
          fail("bad character reference &" + std::string(entity) + ";");
        code = std::stoul(digits, nullptr, hex ? 16 : 10);
        if (code > 0x10FFFF) fail("character reference out of range");
        if (code < 0x80)
          out += static_cast<char>(code);
        else
          out += '?';  // numbers and names in instrument files are ASCII
      } else {
        fail("unknown entity &" + std::string(entity) + ";");
      }
      i = semi;
    }
  }
  XmlElement element(std::size_t depth) {
    if (depth > kMaxDepth) fail("elements nested deeper than " + std::to_string(kMaxDepth));
    XmlElement e;
    e.line = currentLine();
    ++pos_;  // '<'
    const std::string qualified = name();
    e.name = localName(qualified);
    for (;;) {
      skipSpace();
      if (pos_ >= s_.size()) fail("file ends inside the tag <" + qualified + ">");
      if (startsWith("/>")) {
        pos_ += 2;
        return e;
      }
      if (s_[pos_] == '>') {
        ++pos_;
        break;
      }
      const std::string key = localName(name());
      skipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '=') fail("attribute '" + key + "' has no value");
      ++pos_;
      skipSpace();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) fail("attribute '" + key + "' is not quoted");
      const char quote = s_[pos_++];
      const std::size_t end = s_.find(quote, pos_);
      if (end == std::string_view::npos) fail("unterminated value of attribute '" + key + "'");
      std::string value;
      appendDecoded(value, s_.substr(pos_, end - pos_));
      e.attributes[key] = std::move(value);
      pos_ = end + 1;
    }
    for (;;) {
      const std::size_t lt = s_.find('<', pos_);
      if (lt == std::string_view::npos) fail("file ends before </" + qualified + ">");
      appendDecoded(e.text, s_.substr(pos_, lt - pos_));
      pos_ = lt;
      if (startsWith("</")) {
        pos_ += 2;
        const std::string closing = name();
        if (closing != qualified) fail("</" + closing + "> closes <" + qualified + ">");
        skipSpace();
        if (pos_ >= s_.size() || s_[pos_] != '>') fail("malformed closing tag </" + closing);
        ++pos_;
        return e;
      }
      if (startsWith("<!--")) {
        skipPast("-->", "comment");
      } else if (startsWith("<![CDATA[")) {
        pos_ += 9;
        const std::size_t end = s_.find("]]>", pos_);
        if (end == std::string_view::npos) fail("unterminated CDATA section");
        e.text.append(s_.substr(pos_, end - pos_));
        pos_ = end + 3;
      } else if (startsWith("<?")) {
        skipPast("?>", "processing instruction");
      } else {
        e.children.push_back(element(depth + 1));
      }
    }
  }

  std::string_view s_;
  const std::string& file_;
  std::size_t pos_ = 0;
  std::size_t counted_ = 0;
  std::size_t line_ = 1;
};
}  // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const XmlElement& c : children)
    if (c.name == child_name) return &c;
  return nullptr;
}

std::vector<const XmlElement*> XmlElement::childrenNamed(std::string_view child_name) const {
  std::vector<const XmlElement*> found;
  for (const XmlElement& c : children)
    if (c.name == child_name) found.push_back(&c);
  return found;
}

std::string XmlElement::attribute(std::string_view key, std::string_view fallback) const {
  const auto it = attributes.find(std::string(key));
  return it == attributes.end() ? std::string(fallback) : it->second;
}

XmlElement parseXml(std::string_view text, const std::string& file) { return XmlParser(text, file).document(); }

}  // namespace phasewise::core
