#include "openaml/http/s3_routing.h"

#include <charconv>
#include <ctime>

#include "openaml/auth/sigv4.h"
#include "openaml/http/aws_errors.h"

namespace openaml::http {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Host without ":port" (and without brackets for IPv6 literals).
std::string_view HostName(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    size_t end = host.find(']');
    return end == std::string_view::npos ? host : host.substr(0, end + 1);
  }
  size_t colon = host.rfind(':');
  return colon == std::string_view::npos ? host : host.substr(0, colon);
}

bool ParseUint(std::string_view text, uint64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<S3Target> ParseS3Target(std::string_view host, std::string_view raw_path,
                               const std::vector<std::string>& base_hosts) {
  S3Target target;
  std::string path;
  if (!auth::PercentDecode(raw_path, &path)) {
    return S3Status(absl::StatusCode::kInvalidArgument, "InvalidURI", "Couldn't parse the specified URI.");
  }
  if (path.empty() || path[0] != '/') path.insert(path.begin(), '/');
  std::string host_name = Lower(HostName(host));
  for (const std::string& base : base_hosts) {
    if (base.empty() || host_name.size() <= base.size() + 1) continue;
    if (host_name.ends_with(base) && host_name[host_name.size() - base.size() - 1] == '.') {
      target.bucket = host_name.substr(0, host_name.size() - base.size() - 1);
      target.key = path.substr(1);
      target.virtual_hosted = true;
      break;
    }
  }
  if (!target.virtual_hosted) {
    size_t slash = path.find('/', 1);
    if (slash == std::string::npos) {
      target.bucket = path.substr(1);
    } else {
      target.bucket = path.substr(1, slash - 1);
      target.key = path.substr(slash + 1);
    }
  }
  if (target.key.size() > kMaxKeyBytes) {
    return S3Status(absl::StatusCode::kInvalidArgument, "KeyTooLongError", "Your key is too long");
  }
  return target;
}

Result<QueryParams> ParseQuery(std::string_view raw_query) {
  QueryParams params;
  size_t start = 0;
  while (start <= raw_query.size()) {
    size_t end = raw_query.find('&', start);
    if (end == std::string_view::npos) end = raw_query.size();
    std::string_view part = raw_query.substr(start, end - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string name, value;
      if (!auth::PercentDecode(part.substr(0, eq), &name) ||
          !auth::PercentDecode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1), &value)) {
        return S3Status(absl::StatusCode::kInvalidArgument, "InvalidURI", "Couldn't parse the specified URI.");
      }
      params.emplace(std::move(name), std::move(value));
    }
    start = end + 1;
  }
  return params;
}

Result<std::optional<storage::ByteRange>> ResolveRange(std::string_view header, uint64_t size) {
  constexpr std::string_view kPrefix = "bytes=";
  if (header.empty() || !header.starts_with(kPrefix)) return std::optional<storage::ByteRange>();
  std::string_view spec = header.substr(kPrefix.size());
  if (spec.find(',') != std::string_view::npos) return std::optional<storage::ByteRange>();  // several: ignored
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::optional<storage::ByteRange>();
  std::string_view first_text = spec.substr(0, dash), last_text = spec.substr(dash + 1);
  uint64_t first = 0, last = 0;
  auto unsatisfiable = S3Status(absl::StatusCode::kOutOfRange, "InvalidRange",
                                "The requested range is not satisfiable");
  if (first_text.empty()) {  // suffix: the last N bytes
    uint64_t suffix = 0;
    if (!ParseUint(last_text, &suffix)) return std::optional<storage::ByteRange>();
    if (suffix == 0 || size == 0) return unsatisfiable;
    storage::ByteRange range;
    range.first = suffix >= size ? 0 : size - suffix;
    range.last = size - 1;
    return std::optional<storage::ByteRange>(range);
  }
  if (!ParseUint(first_text, &first)) return std::optional<storage::ByteRange>();
  if (!last_text.empty() && (!ParseUint(last_text, &last) || last < first)) {
    return std::optional<storage::ByteRange>();  // syntactically invalid: ignored, as RFC 9110 says
  }
  if (first >= size) return unsatisfiable;
  storage::ByteRange range;
  range.first = first;
  range.last = last_text.empty() || last >= size ? size - 1 : last;
  return std::optional<storage::ByteRange>(range);
}

std::string HttpDate(int64_t epoch_ms) {
  std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof(buffer), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buffer;
}

std::string IsoDate(int64_t epoch_ms) {
  std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &tm);
  char millis[8];
  std::snprintf(millis, sizeof(millis), ".%03dZ", static_cast<int>(((epoch_ms % 1000) + 1000) % 1000));
  return std::string(buffer) + millis;
}

std::string UrlEncodeKey(std::string_view key) { return auth::UriEncode(key, /*encode_slash=*/false); }

}  // namespace openaml::http
