// How an S3 key becomes a path below its bucket directory, safely and reversibly.
//
// A key is split on '/' into segments (empty segments kept: "a//b" has three, "dir/" ends with an empty one).
// Every segment but the last is a directory, the last is the object file. Each becomes one file name: a tag
// letter then the percent-encoded segment:
//   d<enc>  directory        o<enc>  object
//   D<hex>  directory, hashed   O<hex>  object, hashed (when 1 + encoded size > 255 bytes: SHA-256 of the segment)
// The tag makes "", "." and ".." harmless names ("d", "d.", "d..") and keeps an object "a" apart from the
// directory of "a/b". A hashed directory keeps its segment in a ".name" file; a hashed object's key is in its
// metadata. Names starting with '.' are never produced by encoding and are free for markers (".bucket").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"

namespace openaml::storage::internal {

enum class EntryKind { kDirectory, kObject };

/// The longest object key S3 accepts, in bytes.
inline constexpr size_t kMaxKeyBytes = 1024;
/// The longest file name most Linux filesystems accept.
inline constexpr size_t kMaxFileNameBytes = 255;
/// The file that names a hashed directory's segment.
inline constexpr char kHashedDirNameFile[] = ".name";

/// Split `key` on '/', keeping empty segments ("a//b/" gives "a", "", "b", "").
std::vector<std::string_view> SplitKey(std::string_view key);

/// The on-disk name of `segment` (which holds no '/').
std::string EncodeSegment(std::string_view segment, EntryKind kind);

/// A directory entry read back: its kind and, unless hashed, its segment.
struct DecodedName {
  EntryKind kind = EntryKind::kObject;
  bool hashed = false;
  std::string segment;  // empty when hashed: read it from ".name" or the object's metadata
};

/// Decode an entry name; nullopt for names the store did not produce (markers, strays), which walks skip.
std::optional<DecodedName> DecodeName(std::string_view name);

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace openaml::storage::internal
