// Serving the built web console (console/ → build/console-dist) under /console/ on openaml's port: map a
// request path to a file of the dist folder with its content type and cache policy, safely.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "openaml/common/status.h"

namespace openaml::console {

/// The URL prefix the console is served under (Vite's `base`).
inline constexpr std::string_view kConsolePrefix = "/console";

/// A file of the built console chosen for a request.
struct ConsoleAsset {
  std::filesystem::path path;   ///< absolute path of the file inside the dist folder
  std::string content_type;     ///< e.g. "text/html; charset=utf-8"
  std::string cache_control;    ///< "no-cache" for index.html, long-lived for content-hashed assets/
  std::uintmax_t size = 0;      ///< file size in bytes
};

/// Find the file serving `request_path` (the request target, e.g. "/console/assets/index-3f2a.js?v=1").
///
/// Rules: the path must be "/console" or start with "/console/"; query and fragment are ignored; the rest is
/// percent-decoded and split on '/'. An existing regular file is served; "/console", "/console/" and paths
/// whose last segment has no '.' (client-side routes) fall back to index.html; a missing file with an
/// extension is NotFound. Files under assets/ (content-hashed names from Vite) get
/// "public, max-age=31536000, immutable", everything else "no-cache".
///
/// Safety: segments "..", "." and those starting with '.', backslashes, NUL and other control bytes, and bad
/// percent-escapes are refused (InvalidArgument) before any file system access; the resolved file must also
/// lie inside the canonical dist folder (symlinks leading out are refused, NotFound).
///
/// Errors: InvalidArgument (hostile or malformed path), NotFound (outside /console, no such file, or the
/// console is not built: no index.html). Thread-safe; touches only the file system (stat, canonical).
Result<ConsoleAsset> FindConsoleAsset(std::string_view dist_dir, std::string_view request_path);

/// Read a found asset's bytes. Errors: NotFound if it vanished, Internal on a read failure.
Result<std::string> ReadConsoleAsset(const ConsoleAsset& asset);

/// Content type for a file name by extension ("application/octet-stream" when unknown).
std::string_view ContentTypeForPath(std::string_view file_name);

}  // namespace openaml::console
