#include "openaml/auth/checksum.h"

#include <array>

namespace openaml::auth {
namespace {

bool EqualsLower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromHeader(std::string_view header_name) {
  if (EqualsLower(header_name, "x-amz-checksum-crc32")) return ChecksumAlgorithm::kCrc32;
  if (EqualsLower(header_name, "x-amz-checksum-crc32c")) return ChecksumAlgorithm::kCrc32c;
  if (EqualsLower(header_name, "x-amz-checksum-crc64nvme")) return ChecksumAlgorithm::kCrc64Nvme;
  if (EqualsLower(header_name, "x-amz-checksum-sha1")) return ChecksumAlgorithm::kSha1;
  if (EqualsLower(header_name, "x-amz-checksum-sha256")) return ChecksumAlgorithm::kSha256;
  return std::nullopt;
}

uint64_t Crc64Nvme(uint64_t crc, std::string_view data) {
  // Reflected polynomial 0x9A6C9329AC4BC9B5, init and final XOR all ones (CRC-64/NVME).
  static const auto kTable = [] {
    std::array<uint64_t, 256> table{};
    for (uint64_t i = 0; i < 256; ++i) {
      uint64_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x9A6C9329AC4BC9B5ull : c >> 1;
      table[i] = c;
    }
    return table;
  }();
  crc = ~crc;
  for (unsigned char byte : data) crc = kTable[(crc ^ byte) & 0xff] ^ (crc >> 8);
  return ~crc;
}

BodyChecksum::BodyChecksum(ChecksumAlgorithm algorithm) : algorithm_(algorithm) {
  if (algorithm == ChecksumAlgorithm::kSha1) {
    digest_ = std::make_unique<crypto::StreamingDigest>(crypto::StreamingDigest::Algorithm::kSha1);
  } else if (algorithm == ChecksumAlgorithm::kSha256) {
    digest_ = std::make_unique<crypto::StreamingDigest>(crypto::StreamingDigest::Algorithm::kSha256);
  }
}

void BodyChecksum::Update(std::string_view data) {
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
      crc_ = crypto::Crc32(static_cast<uint32_t>(crc_), data);
      break;
    case ChecksumAlgorithm::kCrc32c:
      crc_ = crypto::Crc32c(static_cast<uint32_t>(crc_), data);
      break;
    case ChecksumAlgorithm::kCrc64Nvme:
      crc_ = Crc64Nvme(crc_, data);
      break;
    case ChecksumAlgorithm::kSha1:
    case ChecksumAlgorithm::kSha256:
      digest_->Update(data);
      break;
  }
}

std::string BodyChecksum::FinishBase64() {
  std::string raw;
  if (digest_) {
    raw = digest_->Finish();
  } else {
    int bytes = algorithm_ == ChecksumAlgorithm::kCrc64Nvme ? 8 : 4;
    for (int i = bytes - 1; i >= 0; --i) raw += static_cast<char>((crc_ >> (8 * i)) & 0xff);
  }
  return crypto::Base64Encode(raw);
}

}  // namespace openaml::auth
