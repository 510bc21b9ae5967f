#include "openaml/common/str_cat.h"
#include "openaml/storage/objects/object_store.h"
#include "openaml/storage/objects/text_internal.h"


namespace openaml::storage {


namespace {
constexpr size_t kMaxS3UrlBytes = 2048;  // spec §3.2: S3Url is at most 2048 characters
constexpr std::string_view kScheme = "s3://";
}  // namespace

Result<std::pair<std::string, std::string>> ParseS3Url(std::string_view url) {
  // spec §3.2: S3Url matches s3://([^/]+)(/.*)? and is at most 2048 characters long.
  if (url.size() > kMaxS3UrlBytes) {
    return absl::InvalidArgumentError(
        StrCat("S3 URL is ", url.size(), " characters long; the limit is ", kMaxS3UrlBytes));
  }
  if (!url.starts_with(kScheme)) {
    return absl::InvalidArgumentError(StrCat("'", url.substr(0, 100), "' is not an S3 URL (s3://bucket/key)"));
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  if (bucket.empty()) {
    return absl::InvalidArgumentError(StrCat("S3 URL '", url.substr(0, 100), "' names no bucket"));
  }
  std::string_view key = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  return std::make_pair(std::string(bucket), std::string(key));
}

Result<std::vector<DataFile>> ListDataFiles(ObjectStore& store, std::string_view s3_url) {
  OPENAML_ASSIGN_OR_RETURN(auto location, ParseS3Url(s3_url));
  auto [bucket, key] = std::move(location);
  auto make_file = [&store, bucket = bucket](const ObjectInfo& info) {
    DataFile file;
    file.uri = StrCat("s3://", bucket, "/", info.key);
    file.size_bytes = info.size;
    file.open = [&store, bucket, key = info.key]() { return store.GetObject(bucket, key, std::nullopt, nullptr); };
    return file;
  };
  std::vector<DataFile> files;
  if (!key.empty() && !key.ends_with("/")) {
    // One object.
    OPENAML_ASSIGN_OR_RETURN(ObjectInfo info, store.HeadObject(bucket, key));
    files.push_back(make_file(info));
    return files;
  }
  // spec §4.2: a prefix ending in "/" is every object under it, in key order, ignoring zero-byte folder markers.
  ListObjectsRequest request;
  request.prefix = key;
  while (true) {
    OPENAML_ASSIGN_OR_RETURN(ListObjectsResult page, store.ListObjects(bucket, request));
    for (const ObjectInfo& info : page.objects) {
      if (info.size > 0) files.push_back(make_file(info));
    }
    if (!page.truncated || page.next_start_after.empty()) break;
    request.start_after = page.next_start_after;
  }
  if (files.empty()) {
    return absl::NotFoundError(StrCat("NoSuchKey: no data files under ", s3_url));
  }
  return files;
}

Result<std::unique_ptr<ByteSink>> OpenObjectSink(ObjectStore& store, std::string_view s3_url) {
  OPENAML_ASSIGN_OR_RETURN(auto location, ParseS3Url(s3_url));
  if (location.second.empty() || location.second.ends_with("/")) {
    return absl::InvalidArgumentError(StrCat("S3 URL '", s3_url.substr(0, 100), "' names no object"));
  }
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> writer,
                           store.PutObject(location.first, location.second, PutOptions{}));
  return std::unique_ptr<ByteSink>(std::move(writer));
}

}  // namespace openaml::storage
