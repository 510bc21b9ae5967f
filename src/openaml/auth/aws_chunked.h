// Decoder for `Content-Encoding: aws-chunked` request bodies (S3 streaming uploads), incremental so a body of
// any size streams through a small buffer:
//
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD          hex-size;chunk-signature=SIG\r\n DATA \r\n ... 0;chunk-signature=SIG\r\n\r\n
//   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  as above, then trailer lines and x-amz-trailer-signature:SIG\r\n\r\n
//   STREAMING-UNSIGNED-PAYLOAD-TRAILER          hex-size\r\n DATA \r\n ... 0\r\n trailer lines \r\n
//
// Each chunk signature chains from the previous one (the seed is the request signature) and is verified when
// the chunk ends; trailing x-amz-checksum-* values are verified against the decoded bytes. Decoded bytes are
// handed out before their chunk's signature is checked: the caller must commit nothing unless Finish() is OK.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/auth/checksum.h"
#include "openaml/auth/sigv4_verifier.h"
#include "openaml/common/crypto.h"
#include "openaml/common/status.h"

namespace openaml::auth {

class AwsChunkedDecoder {
 public:
  struct Options {
    bool signed_chunks = false;  // STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]
    bool has_trailer = false;    // *-TRAILER
    /// The verified request (signing key, date, scope, seed signature); needed when signed_chunks.
    AuthContext auth;
    /// The x-amz-trailer header: the trailer the client announced (e.g. "x-amz-checksum-crc32"); may be empty.
    std::string announced_trailer;
    /// x-amz-decoded-content-length when sent: the decoded size must match.
    std::optional<uint64_t> decoded_length;
    size_t max_line_bytes = 4096;
  };

  /// Options for a request whose x-amz-content-sha256 is `payload_hash` (a STREAMING-* value); InvalidArgument
  /// for any other value.
  static Result<Options> OptionsFor(std::string_view payload_hash, const AuthContext& auth);

  explicit AwsChunkedDecoder(Options options);

  /// Consume the next wire bytes, appending the decoded payload to `out`. Errors (the message starts with the
  /// S3 code): SignatureDoesNotMatch (bad chunk or trailer signature), IncompleteBody / InvalidRequest
  /// (malformed framing), BadDigest (trailing checksum mismatch).
  Status Feed(std::string_view input, std::string* out);

  /// Call after the last byte: OK only if the final chunk (and trailer) arrived and verified.
  Status Finish();

  bool done() const { return state_ == State::kDone; }
  uint64_t decoded_bytes() const { return decoded_bytes_; }
  /// The verified trailing checksum (header name, Base64 value), if the client sent one.
  const std::optional<std::pair<std::string, std::string>>& trailer_checksum() const { return trailer_checksum_; }

 private:
  enum class State { kChunkHeader, kChunkData, kChunkDataEnd, kFinalLine, kTrailer, kDone };

  Status OnChunkHeader(std::string_view line);
  Status OnChunkEnd();
  Status OnTrailerLine(std::string_view line);
  Status FinishTrailer();

  Options options_;
  State state_ = State::kChunkHeader;
  std::string line_;  // partial header / trailer line
  uint64_t chunk_remaining_ = 0;
  uint64_t chunk_size_ = 0;
  std::string chunk_signature_;
  std::string previous_signature_;
  std::unique_ptr<crypto::StreamingDigest> chunk_digest_;
  std::unique_ptr<BodyChecksum> checksum_;
  std::vector<std::pair<std::string, std::string>> trailers_;
  std::string trailer_signature_;
  std::optional<std::pair<std::string, std::string>> trailer_checksum_;
  uint64_t decoded_bytes_ = 0;
};

}  // namespace openaml::auth
