#include "openaml/console/console_assets.h"

#include <array>
#include <cctype>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>
#include <vector>


namespace openaml::console {
namespace {

constexpr std::string_view kIndexFile = "index.html";
constexpr std::string_view kNoCache = "no-cache";
constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
/// Longest request path considered; anything longer is refused before decoding.
constexpr std::size_t kMaxPathLength = 2048;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Percent-decode one path segment; bad escapes and control bytes (including NUL) are errors.
Result<std::string> DecodeSegment(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) {
        return absl::InvalidArgumentError("truncated percent-escape in console path");
      }
      const int hi = HexValue(raw[i + 1]);
      const int lo = HexValue(raw[i + 2]);
      if (hi < 0 || lo < 0) return absl::InvalidArgumentError("bad percent-escape in console path");
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) return absl::InvalidArgumentError("control character in console path");
    if (c == '\\' || c == '/') return absl::InvalidArgumentError("separator inside a console path segment");
    out.push_back(c);
  }
  return out;
}

/// Split the part after /console/ into decoded, checked segments.
Result<std::vector<std::string>> SafeSegments(std::string_view rest) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view raw = rest.substr(start, end - start);
    if (!raw.empty()) {
      OPENAML_ASSIGN_OR_RETURN(std::string segment, DecodeSegment(raw));
      // "..", "." and dot-files (.env, .git) are never part of the built app.
      if (segment.empty() || segment.front() == '.') {
        return absl::InvalidArgumentError("refused console path segment '" + segment + "'");
      }
      segments.push_back(std::move(segment));
    }
    start = end + 1;
  }
  return segments;
}

bool IsRegularFile(const std::filesystem::path& path, std::uintmax_t& size) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) || ec) return false;
  size = std::filesystem::file_size(path, ec);
  return !ec;
}

/// Whether `path` (canonical) lies inside `root` (canonical).
bool IsInside(const std::filesystem::path& root, const std::filesystem::path& path) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (p == path.end() || *r != *p) return false;
  }
  return true;
}

Result<ConsoleAsset> MakeAsset(const std::filesystem::path& root, const std::filesystem::path& candidate,
                               bool immutable) {
  std::error_code ec;
  std::filesystem::path canonical = std::filesystem::canonical(candidate, ec);
  if (ec || !IsInside(root, canonical)) return absl::NotFoundError("console file not found");
  ConsoleAsset asset;
  if (!IsRegularFile(canonical, asset.size)) return absl::NotFoundError("console file not found");
  asset.content_type = std::string(ContentTypeForPath(canonical.filename().string()));
  asset.cache_control = std::string(immutable ? kImmutable : kNoCache);
  asset.path = std::move(canonical);
  return asset;
}

}  // namespace

std::string_view ContentTypeForPath(std::string_view file_name) {
  struct Entry {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr std::array<Entry, 16> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  const std::size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string extension(file_name.substr(dot));
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Entry& entry : kTypes) {
    if (entry.extension == extension) return entry.type;
  }
  return "application/octet-stream";
}

Result<ConsoleAsset> FindConsoleAsset(std::string_view dist_dir, std::string_view request_path) {
  if (request_path.size() > kMaxPathLength) return absl::InvalidArgumentError("console path too long");
  // The request target may carry a query or fragment: neither names a file.
  request_path = request_path.substr(0, request_path.find_first_of("?#"));
  if (request_path.substr(0, kConsolePrefix.size()) != kConsolePrefix) {
    return absl::NotFoundError("not a console path");
  }
  std::string_view rest = request_path.substr(kConsolePrefix.size());
  if (!rest.empty() && rest.front() != '/') return absl::NotFoundError("not a console path");  // "/consolex"
  OPENAML_ASSIGN_OR_RETURN(std::vector<std::string> segments, SafeSegments(rest));

  std::error_code ec;
  const std::filesystem::path root = std::filesystem::canonical(std::filesystem::path(dist_dir), ec);
  if (ec) return absl::NotFoundError("console not built: no folder " + std::string(dist_dir));
  const std::filesystem::path index = root / kIndexFile;
  std::uintmax_t index_size = 0;
  if (!IsRegularFile(index, index_size)) {
    return absl::NotFoundError("console not built: no " + std::string(kIndexFile) + " in " + std::string(dist_dir));
  }
  if (segments.empty()) return MakeAsset(root, index, false);

  std::filesystem::path candidate = root;
  for (const std::string& segment : segments) candidate /= segment;
  const bool immutable = segments.size() > 1 && segments.front() == "assets";
  Result<ConsoleAsset> found = MakeAsset(root, candidate, immutable);
  if (found.ok()) return found;
  // A client-side route (#-less deep link such as /console/dashboard) gets the app; a missing file does not.
  if (segments.back().find('.') == std::string::npos && segments.front() != "assets") {
    return MakeAsset(root, index, false);
  }
  return found.status();
}

Result<std::string> ReadConsoleAsset(const ConsoleAsset& asset) {
  std::ifstream in(asset.path, std::ios::binary);
  if (!in) return absl::NotFoundError("cannot open " + asset.path.string());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::InternalError("read failed: " + asset.path.string());
  return bytes;
}

}  // namespace openaml::console
