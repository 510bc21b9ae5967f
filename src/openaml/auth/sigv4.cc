#include "openaml/auth/sigv4.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <ctime>
#include <utility>

#include "openaml/common/crypto.h"
#include "openaml/common/str_cat.h"

namespace openaml::auth {
namespace {

// Debian's Abseil has its own string_view type, so string helpers here use std only.
std::vector<std::string_view> Split(std::string_view text, char separator, bool skip_empty) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    std::string_view part = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!part.empty() || !skip_empty) parts.push_back(part);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ToLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Remove "." and ".." segments and empty segments; keep a trailing slash (AWS test suite: get-relative,
// get-slash-dot-slash, get-slashes).
std::string NormalizePath(std::string_view path) {
  std::vector<std::string_view> segments;
  for (std::string_view segment : Split(path, '/', false)) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      continue;
    }
    segments.push_back(segment);
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out += '/';
    out += segments[i];
  }
  bool trailing = path.size() > 1 && (path.back() == '/' || path.ends_with("/.") || path.ends_with("/.."));
  if (trailing && !segments.empty()) out += '/';
  return out;
}

std::string HmacHex(std::string_view key, std::string_view data) {
  return crypto::HexEncode(crypto::HmacSha256(key, data));
}

}  // namespace

std::string UriEncode(std::string_view text, bool encode_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + text.size() / 4);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (c == '/' && !encode_slash)) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  return out;
}

bool PercentDecode(std::string_view text, std::string* out) {
  out->clear();
  out->reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      *out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return false;
    int hi = HexValue(text[i + 1]);
    int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return false;
    *out += static_cast<char>((hi << 4) | lo);
    i += 2;
  }
  return true;
}

Result<std::string> CanonicalUri(std::string_view raw_path, UriMode mode) {
  if (raw_path.empty()) return std::string("/");
  if (mode == UriMode::kS3) {
    std::string decoded;
    if (!PercentDecode(raw_path, &decoded)) return absl::InvalidArgumentError("malformed percent-escape in path");
    return UriEncode(decoded, /*encode_slash=*/false);
  }
  std::string decoded;  // only validated: the wire form itself is encoded (a second time)
  if (!PercentDecode(raw_path, &decoded)) return absl::InvalidArgumentError("malformed percent-escape in path");
  return UriEncode(NormalizePath(raw_path), /*encode_slash=*/false);
}

Result<std::string> CanonicalQueryString(std::string_view raw_query, std::string_view omit) {
  std::vector<std::pair<std::string, std::string>> params;
  for (std::string_view part : Split(raw_query, '&', true)) {
    size_t eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    std::string decoded_name, decoded_value;
    if (!PercentDecode(name, &decoded_name) || !PercentDecode(value, &decoded_value)) {
      return absl::InvalidArgumentError("malformed percent-escape in query string");
    }
    if (!omit.empty() && decoded_name == omit) continue;
    params.emplace_back(UriEncode(decoded_name, true), UriEncode(decoded_value, true));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += Concat({name, "=", value});
  }
  return out;
}

std::string CanonicalHeaderValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_blank = false;
  for (char c : value) {
    if (IsBlank(c) || c == '\r' || c == '\n') {
      pending_blank = !out.empty();
      continue;
    }
    if (pending_blank) out += ' ';
    pending_blank = false;
    out += c;
  }
  return out;
}

CanonicalHeaders CanonicalizeHeaders(const Headers& headers) {
  std::vector<std::pair<std::string, std::string>> sorted;  // stable: repeated names keep their order
  for (const Header& header : headers) {
    sorted.emplace_back(ToLower(header.name), CanonicalHeaderValue(header.value));
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i].first == sorted[i - 1].first) {
      out.block.pop_back();  // the '\n' of the previous value of the same header
      out.block += Concat({",", sorted[i].second, "\n"});
      continue;
    }
    if (!out.signed_headers.empty()) out.signed_headers += ';';
    out.signed_headers += sorted[i].first;
    out.block += Concat({sorted[i].first, ":", sorted[i].second, "\n"});
  }
  return out;
}

Result<std::string> CanonicalHeadersBlock(const Headers& headers, std::string_view signed_headers) {
  if (signed_headers.empty()) return absl::InvalidArgumentError("SignedHeaders is empty");
  std::string block;
  for (std::string_view name : Split(signed_headers, ';', false)) {
    if (name.empty()) return absl::InvalidArgumentError("SignedHeaders has an empty name");
    std::string value;
    bool found = false;
    for (const Header& header : headers) {
      if (!EqualsIgnoreCase(header.name, name)) continue;
      if (found) value += ',';
      value += CanonicalHeaderValue(header.value);
      found = true;
    }
    if (!found) return absl::InvalidArgumentError(Concat({"signed header '", name, "' is not in the request"}));
    block += Concat({ToLower(name), ":", value, "\n"});
  }
  return block;
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers_block,
                             std::string_view signed_headers, std::string_view payload_hash) {
  return Concat({method, "\n", canonical_uri, "\n", canonical_query, "\n", canonical_headers_block, "\n",
                      signed_headers, "\n", payload_hash});
}

std::string CredentialScope(std::string_view date, std::string_view region, std::string_view service) {
  return Concat({date, "/", region, "/", service, "/aws4_request"});
}

std::string StringToSign(std::string_view amz_date, std::string_view scope, std::string_view canonical_request) {
  return Concat({kAlgorithm, "\n", amz_date, "\n", scope, "\n", crypto::Sha256Hex(canonical_request)});
}

std::string DeriveSigningKey(std::string_view secret_access_key, std::string_view date, std::string_view region,
                             std::string_view service) {
  std::string key = crypto::HmacSha256(Concat({"AWS4", secret_access_key}), date);
  key = crypto::HmacSha256(key, region);
  key = crypto::HmacSha256(key, service);
  return crypto::HmacSha256(key, "aws4_request");
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return HmacHex(signing_key, string_to_sign);
}

std::string AuthorizationHeader(std::string_view access_key_id, std::string_view scope,
                                std::string_view signed_headers, std::string_view signature_hex) {
  return Concat({kAlgorithm, " Credential=", access_key_id, "/", scope, ", SignedHeaders=", signed_headers,
                      ", Signature=", signature_hex});
}

std::string ChunkStringToSign(std::string_view amz_date, std::string_view scope,
                              std::string_view previous_signature, std::string_view chunk_sha256_hex) {
  return Concat({"AWS4-HMAC-SHA256-PAYLOAD\n", amz_date, "\n", scope, "\n", previous_signature, "\n",
                      kEmptyPayloadSha256, "\n", chunk_sha256_hex});
}

std::string TrailerStringToSign(std::string_view amz_date, std::string_view scope,
                                std::string_view previous_signature, std::string_view trailer_sha256_hex) {
  return Concat({"AWS4-HMAC-SHA256-TRAILER\n", amz_date, "\n", scope, "\n", previous_signature, "\n",
                      trailer_sha256_hex});
}

std::string FormatAmzDate(Clock::time_point time) {
  std::time_t t = Clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

namespace {
Result<Clock::time_point> FromTm(std::tm tm) {
  if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return absl::InvalidArgumentError("date field out of range");
  }
  std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return absl::InvalidArgumentError("date out of range");
  return Clock::from_time_t(t);
}

bool ParseDigits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}
}  // namespace

Result<Clock::time_point> ParseAmzDate(std::string_view text) {
  std::tm tm{};
  int year = 0, month = 0;
  if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z' || !ParseDigits(text, 0, 4, &year) ||
      !ParseDigits(text, 4, 2, &month) || !ParseDigits(text, 6, 2, &tm.tm_mday) ||
      !ParseDigits(text, 9, 2, &tm.tm_hour) || !ParseDigits(text, 11, 2, &tm.tm_min) ||
      !ParseDigits(text, 13, 2, &tm.tm_sec)) {
    return absl::InvalidArgumentError(Concat({"not an ISO 8601 basic date (yyyymmddThhmmssZ): '", text, "'"}));
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  return FromTm(tm);
}

Result<Clock::time_point> ParseHttpDate(std::string_view text) {
  // "Sun, 30 Aug 2015 12:36:00 GMT"
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  int year = 0;
  if (text.size() != 29 || text[3] != ',' || text.substr(26) != "GMT" || !ParseDigits(text, 5, 2, &tm.tm_mday) ||
      !ParseDigits(text, 12, 4, &year) || !ParseDigits(text, 17, 2, &tm.tm_hour) ||
      !ParseDigits(text, 20, 2, &tm.tm_min) || !ParseDigits(text, 23, 2, &tm.tm_sec)) {
    return absl::InvalidArgumentError(Concat({"not an RFC 1123 date: '", text, "'"}));
  }
  tm.tm_mon = -1;
  for (int i = 0; i < 12; ++i) {
    if (text.substr(8, 3) == kMonths[i]) tm.tm_mon = i;
  }
  tm.tm_year = year - 1900;
  return FromTm(tm);
}

bool SignaturesEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string SigningKeyCache::Get(std::string_view access_key_id, std::string_view secret_access_key,
                                 std::string_view date, std::string_view region, std::string_view service) {
  // Per-thread front entry: a server thread sees the same caller, day and service on request after request, and
  // must not take the shared mutex for each one (real-time Predict). The key is a pure function of its inputs,
  // so the entry is valid whichever cache instance derived it.
  struct LastKey {
    std::string secret, date, region, service, key;
  };
  thread_local LastKey last;
  if (!last.key.empty() && last.secret == secret_access_key && last.date == date && last.region == region &&
      last.service == service) {
    return last.key;
  }
  std::string key = GetShared(access_key_id, secret_access_key, date, region, service);
  last = LastKey{std::string(secret_access_key), std::string(date), std::string(region), std::string(service), key};
  return key;
}

std::string SigningKeyCache::GetShared(std::string_view access_key_id, std::string_view secret_access_key,
                                       std::string_view date, std::string_view region, std::string_view service) {
  std::string cache_key = Concat({access_key_id, std::string_view("\0", 1), secret_access_key,
                                       std::string_view("\0", 1), CredentialScope(date, region, service)});
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = keys_.find(cache_key);
    if (it != keys_.end()) return it->second;
  }
  std::string key = DeriveSigningKey(secret_access_key, date, region, service);
  std::lock_guard<std::mutex> lock(mutex_);
  if (keys_.size() >= kMaxEntries) keys_.clear();
  keys_.emplace(std::move(cache_key), key);
  return key;
}

Status SignRequest(const Credentials& credentials, std::string_view method, std::string_view raw_path,
                   std::string_view raw_query, Headers* headers, const SigningOptions& options) {
  bool has_host = std::any_of(headers->begin(), headers->end(),
                              [](const Header& h) { return EqualsIgnoreCase(h.name, "host"); });
  if (!has_host) return absl::InvalidArgumentError("SignRequest: the Host header must be set before signing");
  std::string amz_date = FormatAmzDate(options.now);
  std::string date = amz_date.substr(0, 8);
  std::string payload_hash = options.payload_hash.empty() ? std::string(kEmptyPayloadSha256) : options.payload_hash;
  headers->push_back({"X-Amz-Date", amz_date});
  if (options.add_content_sha256_header) headers->push_back({"X-Amz-Content-Sha256", payload_hash});
  if (!options.session_token.empty()) headers->push_back({"X-Amz-Security-Token", options.session_token});

  OPENAML_ASSIGN_OR_RETURN(std::string canonical_uri, CanonicalUri(raw_path, options.uri_mode));
  OPENAML_ASSIGN_OR_RETURN(std::string canonical_query, CanonicalQueryString(raw_query));
  CanonicalHeaders canonical_headers = CanonicalizeHeaders(*headers);
  std::string scope = CredentialScope(date, options.region, options.service);
  std::string string_to_sign =
      StringToSign(amz_date, scope,
                   CanonicalRequest(method, canonical_uri, canonical_query, canonical_headers.block,
                                    canonical_headers.signed_headers, payload_hash));
  std::string key = DeriveSigningKey(credentials.secret_access_key, date, options.region, options.service);
  headers->push_back({"Authorization", AuthorizationHeader(credentials.access_key_id, scope,
                                                           canonical_headers.signed_headers,
                                                           SignatureHex(key, string_to_sign))});
  return absl::OkStatus();
}

Result<std::string> PresignQuery(const Credentials& credentials, std::string_view method, std::string_view raw_path,
                                 std::string_view raw_query, std::string_view host, int64_t expires_seconds,
                                 const SigningOptions& options) {
  if (expires_seconds < 1 || expires_seconds > 604800) {
    return absl::InvalidArgumentError("X-Amz-Expires must be between 1 and 604800 seconds");
  }
  std::string amz_date = FormatAmzDate(options.now);
  std::string date = amz_date.substr(0, 8);
  std::string scope = CredentialScope(date, options.region, options.service);
  std::string query(raw_query);
  auto add = [&query](std::string_view name, std::string_view value) {
    if (!query.empty()) query += '&';
    query += Concat({name, "=", UriEncode(value, true)});
  };
  add("X-Amz-Algorithm", kAlgorithm);
  add("X-Amz-Credential", Concat({credentials.access_key_id, "/", scope}));
  add("X-Amz-Date", amz_date);
  add("X-Amz-Expires", std::to_string(expires_seconds));
  if (!options.session_token.empty()) add("X-Amz-Security-Token", options.session_token);
  add("X-Amz-SignedHeaders", "host");

  OPENAML_ASSIGN_OR_RETURN(std::string canonical_uri, CanonicalUri(raw_path, options.uri_mode));
  OPENAML_ASSIGN_OR_RETURN(std::string canonical_query, CanonicalQueryString(query));
  std::string headers_block = Concat({"host:", CanonicalHeaderValue(host), "\n"});
  std::string string_to_sign = StringToSign(
      amz_date, scope, CanonicalRequest(method, canonical_uri, canonical_query, headers_block, "host", kUnsignedPayload));
  std::string key = DeriveSigningKey(credentials.secret_access_key, date, options.region, options.service);
  add("X-Amz-Signature", SignatureHex(key, string_to_sign));
  return query;
}

}  // namespace openaml::auth
