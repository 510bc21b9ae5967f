// XML for the S3 wire protocol: a small writer with escaping for responses, and a small parser with limits for
// the two request bodies S3 clients send (DeleteObjects, CompleteMultipartUpload). The parser accepts the
// subset S3 documents use: an optional declaration, comments, elements, attributes (ignored), text, CDATA and
// the five predefined entities plus numeric character references. No DTDs, no external entities.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"

namespace openaml::http {

/// Escape text for XML element content and attribute values.
std::string XmlEscape(std::string_view text);

/// Build an XML document element by element. Not thread-safe.
class XmlWriter {
 public:
  /// Start the document with the XML declaration and the root element, in the S3 namespace.
  explicit XmlWriter(std::string_view root);
  /// Open a child element.
  XmlWriter& Open(std::string_view name);
  /// Close the innermost open element.
  XmlWriter& Close();
  /// <name>escaped text</name>
  XmlWriter& Element(std::string_view name, std::string_view text);
  /// Close everything still open and return the document.
  std::string Finish();

 private:
  std::string out_;
  std::vector<std::string> open_;
};

/// One parsed element: name (namespace prefix removed), concatenated text, children in order.
struct XmlNode {
  std::string name;
  std::string text;
  std::vector<XmlNode> children;

  /// The first child named `name`, or nullptr.
  const XmlNode* Child(std::string_view name) const;
};

struct XmlLimits {
  size_t max_depth = 8;
  size_t max_nodes = 50000;
  static XmlLimits Defaults() { return {}; }
};

/// Parse `document`. InvalidArgument ("MalformedXML: ...") when it is not well-formed, uses a DTD, or exceeds
/// `limits`.
Result<XmlNode> ParseXml(std::string_view document, const XmlLimits& limits = XmlLimits::Defaults());

}  // namespace openaml::http
