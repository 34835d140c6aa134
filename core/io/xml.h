#pragma once
// A small, strict XML reader for instrument files (XRDML). It checks well-formedness (matched
// tags, quoted attributes, known entities), strips namespace prefixes from names, and reports
// the line of the first fault. It does not validate against schemas or expand DTDs: no
// instrument file needs either, and refusing DTD entities keeps hostile files harmless.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace phasewise::core {

struct XmlElement {
  std::string name;  // local name, namespace prefix removed
  std::map<std::string, std::string> attributes;
  std::string text;  // character data directly inside this element
  std::vector<XmlElement> children;
  std::size_t line = 0;

  [[nodiscard]] const XmlElement* child(std::string_view child_name) const;
  [[nodiscard]] std::vector<const XmlElement*> childrenNamed(std::string_view child_name) const;
  [[nodiscard]] std::string attribute(std::string_view key, std::string_view fallback = {}) const;
};

// Throws FormatError(file, line, "XML", ...) on malformed input.
[[nodiscard]] XmlElement parseXml(std::string_view text, const std::string& file);

}  // namespace phasewise::core
