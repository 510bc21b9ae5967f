#include "openaml/auth/aws_chunked.h"

#include <algorithm>

#include "openaml/common/str_cat.h"

namespace openaml::auth {
namespace {

Status Framing(std::string_view message) {
  return absl::InvalidArgumentError(Concat({"IncompleteBody: aws-chunked body: ", message}));
}
Status BadSignature(std::string_view what) {
  return absl::PermissionDeniedError(
      Concat({"SignatureDoesNotMatch: the ", what, " signature we calculated does not match the one you provided"}));
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

Result<AwsChunkedDecoder::Options> AwsChunkedDecoder::OptionsFor(std::string_view payload_hash,
                                                                 const AuthContext& auth) {
  Options options;
  if (payload_hash == kStreamingSignedPayload) {
    options.signed_chunks = true;
  } else if (payload_hash == kStreamingSignedPayloadTrailer) {
    options.signed_chunks = true;
    options.has_trailer = true;
  } else if (payload_hash == kStreamingUnsignedPayloadTrailer) {
    options.has_trailer = true;
  } else {
    return absl::InvalidArgumentError(Concat({"InvalidArgument: not a streaming payload: ", payload_hash}));
  }
  options.auth = auth;
  return options;
}

AwsChunkedDecoder::AwsChunkedDecoder(Options options) : options_(std::move(options)) {
  previous_signature_ = options_.auth.seed_signature;
  if (auto algorithm = ChecksumAlgorithmFromHeader(Trim(options_.announced_trailer))) {
    checksum_ = std::make_unique<BodyChecksum>(*algorithm);
  }
}

Status AwsChunkedDecoder::Feed(std::string_view input, std::string* out) {
  while (!input.empty()) {
    switch (state_) {
      case State::kChunkHeader:
      case State::kChunkDataEnd:
      case State::kFinalLine:
      case State::kTrailer: {
        size_t newline = input.find('\n');
        std::string_view piece = input.substr(0, newline == std::string_view::npos ? input.size() : newline + 1);
        if (line_.size() + piece.size() > options_.max_line_bytes) return Framing("line too long");
        line_.append(piece);
        input.remove_prefix(piece.size());
        if (line_.back() != '\n') break;  // the line continues in the next Feed
        if (line_.size() < 2 || line_[line_.size() - 2] != '\r') return Framing("line not terminated by CRLF");
        std::string line = line_.substr(0, line_.size() - 2);
        line_.clear();
        if (state_ == State::kChunkHeader) {
          OPENAML_RETURN_IF_ERROR(OnChunkHeader(line));
        } else if (state_ == State::kChunkDataEnd) {
          if (!line.empty()) return Framing("chunk data longer than its declared size");
          OPENAML_RETURN_IF_ERROR(OnChunkEnd());
        } else if (state_ == State::kFinalLine) {
          if (!line.empty()) return Framing("unexpected data after the final chunk");
          state_ = State::kDone;
        } else {
          OPENAML_RETURN_IF_ERROR(OnTrailerLine(line));
        }
        break;
      }
      case State::kChunkData: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_remaining_, input.size()));
        std::string_view data = input.substr(0, n);
        out->append(data);
        if (chunk_digest_) chunk_digest_->Update(data);
        if (checksum_) checksum_->Update(data);
        decoded_bytes_ += n;
        chunk_remaining_ -= n;
        input.remove_prefix(n);
        if (chunk_remaining_ == 0) state_ = State::kChunkDataEnd;
        break;
      }
      case State::kDone:
        // Some clients end with a bare CRLF after the trailer; anything else is not part of the framing.
        for (char c : input) {
          if (c != '\r' && c != '\n') return Framing("data after the end of the body");
        }
        return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

Status AwsChunkedDecoder::OnChunkHeader(std::string_view line) {
  size_t semicolon = line.find(';');
  std::string_view size_text = Trim(line.substr(0, semicolon));
  if (size_text.empty() || size_text.size() > 15) return Framing("invalid chunk size");
  uint64_t size = 0;
  for (char c : size_text) {
    int digit = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
    if (digit < 0) return Framing("invalid chunk size");
    size = size * 16 + static_cast<uint64_t>(digit);
  }
  chunk_signature_.clear();
  if (semicolon != std::string_view::npos) {
    std::string_view extension = Trim(line.substr(semicolon + 1));
    constexpr std::string_view kKey = "chunk-signature=";
    if (extension.starts_with(kKey)) chunk_signature_ = std::string(extension.substr(kKey.size()));
  }
  if (options_.signed_chunks && chunk_signature_.empty()) return BadSignature("chunk (missing)");
  chunk_size_ = size;
  if (options_.signed_chunks) {
    chunk_digest_ = std::make_unique<crypto::StreamingDigest>(crypto::StreamingDigest::Algorithm::kSha256);
  }
  if (size == 0) {
    OPENAML_RETURN_IF_ERROR(OnChunkEnd());
    state_ = options_.has_trailer ? State::kTrailer : State::kFinalLine;
    return absl::OkStatus();
  }
  chunk_remaining_ = size;
  state_ = State::kChunkData;
  return absl::OkStatus();
}

Status AwsChunkedDecoder::OnChunkEnd() {
  if (options_.signed_chunks) {
    std::string data_hash = crypto::HexEncode(chunk_digest_->Finish());
    chunk_digest_.reset();
    std::string expected = SignatureHex(
        options_.auth.signing_key,
        ChunkStringToSign(options_.auth.amz_date, options_.auth.scope, previous_signature_, data_hash));
    if (!SignaturesEqual(expected, chunk_signature_)) return BadSignature("chunk");
    previous_signature_ = chunk_signature_;
  }
  if (chunk_size_ != 0) state_ = State::kChunkHeader;
  return absl::OkStatus();
}

Status AwsChunkedDecoder::OnTrailerLine(std::string_view line) {
  if (line.empty()) return FinishTrailer();
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Framing("malformed trailer line");
  std::string name = Lower(Trim(line.substr(0, colon)));
  std::string value(Trim(line.substr(colon + 1)));
  if (name == "x-amz-trailer-signature") {
    trailer_signature_ = std::move(value);
  } else {
    if (trailers_.size() >= 16) return Framing("too many trailer lines");
    trailers_.emplace_back(std::move(name), std::move(value));
  }
  return absl::OkStatus();
}

Status AwsChunkedDecoder::FinishTrailer() {
  if (options_.signed_chunks) {
    std::string canonical;
    for (const auto& [name, value] : trailers_) canonical += Concat({name, ":", value, "\n"});
    std::string expected =
        SignatureHex(options_.auth.signing_key,
                     TrailerStringToSign(options_.auth.amz_date, options_.auth.scope, previous_signature_,
                                         crypto::Sha256Hex(canonical)));
    if (trailer_signature_.empty() || !SignaturesEqual(expected, trailer_signature_)) {
      return BadSignature("trailer");
    }
  }
  for (const auto& [name, value] : trailers_) {
    auto algorithm = ChecksumAlgorithmFromHeader(name);
    if (!algorithm.has_value()) continue;
    if (!checksum_ || checksum_->algorithm() != *algorithm) {
      return absl::InvalidArgumentError(
          Concat({"InvalidRequest: trailing checksum ", name, " was not announced in x-amz-trailer"}));
    }
    std::string computed = checksum_->FinishBase64();
    checksum_.reset();
    if (computed != value) {
      return absl::InvalidArgumentError(
          Concat({"BadDigest: the ", name, " you specified did not match the calculated checksum"}));
    }
    trailer_checksum_ = std::make_pair(name, value);
  }
  state_ = State::kDone;
  return absl::OkStatus();
}

Status AwsChunkedDecoder::Finish() {
  if (state_ == State::kFinalLine && line_.empty()) state_ = State::kDone;  // tolerate a missing last CRLF
  if (state_ != State::kDone) return Framing("the body ended before its final chunk");
  if (options_.decoded_length.has_value() && *options_.decoded_length != decoded_bytes_) {
    return Framing("x-amz-decoded-content-length does not match the decoded body size");
  }
  return absl::OkStatus();
}

}  // namespace openaml::auth
