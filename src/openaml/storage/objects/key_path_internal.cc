#include "openaml/storage/objects/key_path_internal.h"

#include <cstdint>

#include "openaml/common/crypto.h"

namespace openaml::storage::internal {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

// Bytes written as %XX: the escape itself, '/', NUL and other control characters, DEL and the backslash
// (harmless on Linux, but confusing to anyone reading the tree). Other bytes, UTF-8 included, stay readable.
bool NeedsEscape(unsigned char byte) { return byte == '%' || byte == '/' || byte == '\\' || byte < 0x20 || byte == 0x7f; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // encoding writes upper case only: anything else is not ours
}

}  // namespace

std::vector<std::string_view> SplitKey(std::string_view key) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (true) {
    size_t slash = key.find('/', start);
    if (slash == std::string_view::npos) {
      segments.push_back(key.substr(start));
      return segments;
    }
    segments.push_back(key.substr(start, slash - start));
    start = slash + 1;
  }
}

std::string EncodeSegment(std::string_view segment, EntryKind kind) {
  std::string name(1, kind == EntryKind::kDirectory ? 'd' : 'o');
  name.reserve(segment.size() + 1);
  for (char c : segment) {
    auto byte = static_cast<unsigned char>(c);
    if (NeedsEscape(byte)) {
      name.push_back('%');
      name.push_back(kHexDigits[byte >> 4]);
      name.push_back(kHexDigits[byte & 0xf]);
    } else {
      name.push_back(c);
    }
  }
  if (name.size() <= kMaxFileNameBytes) return name;
  return (kind == EntryKind::kDirectory ? "D" : "O") + crypto::Sha256Hex(segment);
}

std::optional<DecodedName> DecodeName(std::string_view name) {
  if (name.empty()) return std::nullopt;
  DecodedName decoded;
  switch (name[0]) {
    case 'd':
    case 'D':
      decoded.kind = EntryKind::kDirectory;
      break;
    case 'o':
    case 'O':
      decoded.kind = EntryKind::kObject;
      break;
    default:
      return std::nullopt;
  }
  if (name[0] == 'D' || name[0] == 'O') {
    if (name.size() != 65) return std::nullopt;
    decoded.hashed = true;
    return decoded;
  }
  for (size_t i = 1; i < name.size(); ++i) {
    if (name[i] != '%') {
      if (NeedsEscape(static_cast<unsigned char>(name[i]))) return std::nullopt;  // not canonical: not ours
      decoded.segment.push_back(name[i]);
      continue;
    }
    if (i + 2 >= name.size()) return std::nullopt;  // truncated escape
    int high = HexValue(name[i + 1]);
    int low = HexValue(name[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    decoded.segment.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return decoded;
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t code_point;
    if ((byte & 0xe0) == 0xc0) {
      length = 2;
      code_point = byte & 0x1f;
    } else if ((byte & 0xf0) == 0xe0) {
      length = 3;
      code_point = byte & 0x0f;
    } else if ((byte & 0xf8) == 0xf0) {
      length = 4;
      code_point = byte & 0x07;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3f);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinForLength[length]) return false;                 // overlong form
    if (code_point >= 0xd800 && code_point <= 0xdfff) return false;       // UTF-16 surrogate
    if (code_point > 0x10ffff) return false;
    i += length;
  }
  return true;
}

}  // namespace openaml::storage::internal
