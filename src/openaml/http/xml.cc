#include "openaml/http/xml.h"

#include <cstdint>

namespace openaml::http {
namespace {

Status Malformed(std::string_view why) {
  return absl::InvalidArgumentError(std::string("MalformedXML: The XML you provided was not well-formed or did not "
                                                "validate against our published schema (") +
                                    std::string(why) + ")");
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == ':' || static_cast<unsigned char>(c) >= 0x80;
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    *out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    *out += static_cast<char>(0xC0 | (code_point >> 6));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    *out += static_cast<char>(0xE0 | (code_point >> 12));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (code_point >> 18));
    *out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

class Parser {
 public:
  Parser(std::string_view input, const XmlLimits& limits) : in_(input), limits_(limits) {}

  Result<XmlNode> Document() {
    SkipMisc();
    if (Starts("<?xml")) {
      size_t end = in_.find("?>", pos_);
      if (end == std::string_view::npos) return Malformed("unterminated declaration");
      pos_ = end + 2;
    }
    SkipMisc();
    if (Starts("<!")) return Malformed("DTDs are not accepted");
    if (!Starts("<")) return Malformed("no root element");
    XmlNode root;
    OPENAML_RETURN_IF_ERROR(Element(&root, 1));
    SkipMisc();
    if (pos_ != in_.size()) return Malformed("content after the root element");
    return root;
  }

 private:
  bool Starts(std::string_view text) const { return in_.substr(pos_, text.size()) == text; }

  void SkipSpace() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\r' || in_[pos_] == '\n')) {
      ++pos_;
    }
  }

  // Whitespace and comments between markup.
  void SkipMisc() {
    while (true) {
      SkipSpace();
      if (!Starts("<!--")) return;
      size_t end = in_.find("-->", pos_ + 4);
      pos_ = end == std::string_view::npos ? in_.size() : end + 3;
    }
  }

  Result<std::string> Name() {
    size_t start = pos_;
    while (pos_ < in_.size() && IsNameChar(in_[pos_])) ++pos_;
    if (pos_ == start) return Malformed("expected a name");
    std::string_view name = in_.substr(start, pos_ - start);
    size_t colon = name.rfind(':');
    if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
    return std::string(name);
  }

  Status Text(std::string_view raw, std::string* out) {
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        *out += raw[i];
        continue;
      }
      size_t semicolon = raw.find(';', i);
      if (semicolon == std::string_view::npos || semicolon - i > 12) return Malformed("bad entity reference");
      std::string_view entity = raw.substr(i + 1, semicolon - i - 1);
      if (entity == "amp") *out += '&';
      else if (entity == "lt") *out += '<';
      else if (entity == "gt") *out += '>';
      else if (entity == "quot") *out += '"';
      else if (entity == "apos") *out += '\'';
      else if (entity.size() >= 2 && entity[0] == '#') {
        uint32_t value = 0;
        bool hex = entity[1] == 'x' || entity[1] == 'X';
        std::string_view digits = entity.substr(hex ? 2 : 1);
        if (digits.empty()) return Malformed("bad character reference");
        for (char c : digits) {
          int d = (c >= '0' && c <= '9') ? c - '0'
                  : hex && (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : hex && (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                  : -1;
          if (d < 0) return Malformed("bad character reference");
          value = value * (hex ? 16 : 10) + static_cast<uint32_t>(d);
          if (value > 0x10FFFF) return Malformed("character reference out of range");
        }
        if (value == 0 || (value >= 0xD800 && value <= 0xDFFF)) return Malformed("invalid character reference");
        AppendUtf8(value, out);
      } else {
        return Malformed("unknown entity");
      }
      i = semicolon;
    }
    return absl::OkStatus();
  }

  Status Element(XmlNode* node, size_t depth) {
    if (depth > limits_.max_depth) return Malformed("nested too deeply");
    if (++nodes_ > limits_.max_nodes) return Malformed("too many elements");
    ++pos_;  // '<'
    OPENAML_ASSIGN_OR_RETURN(node->name, Name());
    // Attributes: skipped, but their quoting must be well-formed.
    while (true) {
      SkipSpace();
      if (pos_ >= in_.size()) return Malformed("unterminated start tag");
      if (Starts("/>")) {
        pos_ += 2;
        return absl::OkStatus();
      }
      if (in_[pos_] == '>') {
        ++pos_;
        break;
      }
      OPENAML_ASSIGN_OR_RETURN(std::string attribute, Name());
      SkipSpace();
      if (pos_ >= in_.size() || in_[pos_] != '=') return Malformed("attribute without value");
      ++pos_;
      SkipSpace();
      if (pos_ >= in_.size() || (in_[pos_] != '"' && in_[pos_] != '\'')) return Malformed("unquoted attribute");
      size_t end = in_.find(in_[pos_], pos_ + 1);
      if (end == std::string_view::npos) return Malformed("unterminated attribute");
      pos_ = end + 1;
    }
    // Content.
    while (true) {
      if (pos_ >= in_.size()) return Malformed("unterminated element <" + node->name + ">");
      if (Starts("</")) {
        pos_ += 2;
        OPENAML_ASSIGN_OR_RETURN(std::string closing, Name());
        SkipSpace();
        if (closing != node->name || pos_ >= in_.size() || in_[pos_] != '>') return Malformed("mismatched end tag");
        ++pos_;
        return absl::OkStatus();
      }
      if (Starts("<!--")) {
        size_t end = in_.find("-->", pos_ + 4);
        if (end == std::string_view::npos) return Malformed("unterminated comment");
        pos_ = end + 3;
        continue;
      }
      if (Starts("<![CDATA[")) {
        size_t end = in_.find("]]>", pos_ + 9);
        if (end == std::string_view::npos) return Malformed("unterminated CDATA");
        node->text.append(in_.substr(pos_ + 9, end - pos_ - 9));
        pos_ = end + 3;
        continue;
      }
      if (Starts("<!") || Starts("<?")) return Malformed("unexpected markup");
      if (in_[pos_] == '<') {
        node->children.emplace_back();
        OPENAML_RETURN_IF_ERROR(Element(&node->children.back(), depth + 1));
        continue;
      }
      size_t end = in_.find('<', pos_);
      if (end == std::string_view::npos) end = in_.size();
      OPENAML_RETURN_IF_ERROR(Text(in_.substr(pos_, end - pos_), &node->text));
      pos_ = end;
    }
  }

  std::string_view in_;
  const XmlLimits& limits_;
  size_t pos_ = 0;
  size_t nodes_ = 0;
};

}  // namespace

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\r': out += "&#13;"; break;
      default:
        // Control characters other than tab and newline cannot appear in XML 1.0 even escaped: S3 asks clients
        // to use encoding-type=url for such keys; we substitute a character reference-free placeholder.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += "\xEF\xBF\xBD";  // U+FFFD
        } else {
          out += c;
        }
    }
  }
  return out;
}

XmlWriter::XmlWriter(std::string_view root) {
  out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<";
  out_.append(root);
  out_ += " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  open_.emplace_back(root);
}

XmlWriter& XmlWriter::Open(std::string_view name) {
  out_ += '<';
  out_.append(name);
  out_ += '>';
  open_.emplace_back(name);
  return *this;
}

XmlWriter& XmlWriter::Close() {
  if (open_.empty()) return *this;
  out_ += "</" + open_.back() + ">";
  open_.pop_back();
  return *this;
}

XmlWriter& XmlWriter::Element(std::string_view name, std::string_view text) {
  out_ += '<';
  out_.append(name);
  out_ += '>';
  out_ += XmlEscape(text);
  out_ += "</";
  out_.append(name);
  out_ += '>';
  return *this;
}

std::string XmlWriter::Finish() {
  while (!open_.empty()) Close();
  return std::move(out_);
}

const XmlNode* XmlNode::Child(std::string_view child_name) const {
  for (const XmlNode& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

Result<XmlNode> ParseXml(std::string_view document, const XmlLimits& limits) {
  return Parser(document, limits).Document();
}

}  // namespace openaml::http
