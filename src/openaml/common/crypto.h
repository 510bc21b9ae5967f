// Hashing and encoding helpers over OpenSSL, shared by SigV4 signing and verification, ETags and checksums.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace openaml::crypto {

/// Lower-case hex of `data`.
std::string HexEncode(std::string_view data);
std::string Base64Encode(std::string_view data);
/// Decode standard Base64 (with padding); empty optional-like: returns false on malformed input.
bool Base64Decode(std::string_view text, std::string* out);

/// Raw 32-byte SHA-256 / HMAC-SHA256 and 16-byte MD5 digests.
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);
std::string Md5(std::string_view data);
inline std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

/// Incremental digest for streamed bodies (MD5 for ETags, SHA-256 for payload hashes). Not thread-safe.
class StreamingDigest {
 public:
  enum class Algorithm { kMd5, kSha256, kSha1 };
  explicit StreamingDigest(Algorithm algorithm);
  ~StreamingDigest();
  StreamingDigest(const StreamingDigest&) = delete;
  StreamingDigest& operator=(const StreamingDigest&) = delete;
  void Update(std::string_view data);
  /// The raw digest; the object must not be updated afterwards.
  std::string Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// CRC-32 (IEEE, as zlib) and CRC-32C (Castagnoli), incremental: pass the previous value (0 to start).
uint32_t Crc32(uint32_t crc, std::string_view data);
uint32_t Crc32c(uint32_t crc, std::string_view data);

}  // namespace openaml::crypto
