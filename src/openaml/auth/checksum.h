// S3 additional checksums (x-amz-checksum-crc32 | crc32c | crc64nvme | sha1 | sha256): computed over a
// streamed body and compared with the Base64 value a client sends in a header or an aws-chunked trailer.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "openaml/common/crypto.h"

namespace openaml::auth {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

/// The algorithm named by a header or trailer name such as "x-amz-checksum-crc32" (any case); nullopt for
/// other names.
std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromHeader(std::string_view header_name);

/// CRC-64/NVME (the S3 "CRC64NVME" checksum), incremental: pass the previous value (0 to start).
uint64_t Crc64Nvme(uint64_t crc, std::string_view data);

/// A running checksum over a body. Not thread-safe.
class BodyChecksum {
 public:
  explicit BodyChecksum(ChecksumAlgorithm algorithm);
  void Update(std::string_view data);
  /// The checksum as S3 sends it: Base64 of the big-endian digest. Call once, after the last Update.
  std::string FinishBase64();
  ChecksumAlgorithm algorithm() const { return algorithm_; }

 private:
  ChecksumAlgorithm algorithm_;
  uint64_t crc_ = 0;
  std::unique_ptr<crypto::StreamingDigest> digest_;  // SHA-1 / SHA-256 only
};

}  // namespace openaml::auth
