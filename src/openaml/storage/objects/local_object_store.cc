#include "openaml/common/str_cat.h"
#include "openaml/storage/objects/local_object_store.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "nlohmann/json.hpp"
#include "openaml/common/crypto.h"
#include "openaml/common/logging.h"
#include "openaml/storage/objects/fs_internal.h"
#include "openaml/storage/objects/key_path_internal.h"
#include "openaml/storage/objects/object_file_internal.h"
#include "openaml/storage/objects/text_internal.h"

namespace openaml::storage {


using internal::DecodeName;
using internal::EncodeSegment;
using internal::EntryKind;
using internal::ErrnoStatus;
using internal::ListDirNames;
using internal::OpenDirAt;
using internal::OpenFileAt;
using internal::RandomHex;
using internal::ReadObjectInfo;
using internal::SplitKey;
using internal::StagedFile;
using internal::SyncFd;
using internal::UniqueFd;

namespace {

constexpr char kBucketMarker[] = ".bucket";
constexpr char kUploadMeta[] = "upload.json";
constexpr int kMaxPartNumber = 10000;
constexpr size_t kUploadIdHexChars = 32;
constexpr size_t kCopyChunk = 256 << 10;

Status NoSuchBucket(std::string_view bucket) {
  return absl::NotFoundError(StrCat("NoSuchBucket: the bucket '", bucket, "' does not exist"));
}

Status NoSuchKey(std::string_view bucket, std::string_view key) {
  return absl::NotFoundError(StrCat("NoSuchKey: no object '", key, "' in bucket '", bucket, "'"));
}

Status NoSuchUpload(std::string_view upload_id) {
  return absl::NotFoundError(
      StrCat("NoSuchUpload: no multipart upload '", upload_id.substr(0, 64), "' for this bucket and key"));
}

std::string PartFileName(int part_number) {
  char name[16];
  std::snprintf(name, sizeof(name), "part-%05d", part_number);
  return name;
}

/// "\"abc\"" and "ABC" both become "abc": clients send ETags quoted and in either case.
std::string NormalizeEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  std::string out(etag);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HexToRaw(std::string_view hex, std::string* raw) {
  if (hex.size() % 2 != 0) return false;
  raw->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int value = 0;
    for (size_t k = 0; k < 2; ++k) {
      char c = hex[i + k];
      int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
      if (digit < 0) return false;
      value = value * 16 + digit;
    }
    raw->push_back(static_cast<char>(value));
  }
  return true;
}

/// The state kept with a multipart upload.
struct UploadMeta {
  std::string bucket;
  std::string key;
  PutOptions options;
};

std::string EncodeUploadMeta(const UploadMeta& meta) {
  nlohmann::json json = {{"bucket", meta.bucket},
                         {"key", meta.key},
                         {"content_type", meta.options.content_type},
                         {"user_metadata", meta.options.user_metadata},
                         {"initiated_ms", internal::NowMs()}};
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<UploadMeta> DecodeUploadMeta(const std::string& text) {
  UploadMeta meta;
  try {
    nlohmann::json json = nlohmann::json::parse(text);
    meta.bucket = json.at("bucket").get<std::string>();
    meta.key = json.at("key").get<std::string>();
    meta.options.content_type = json.at("content_type").get<std::string>();
    meta.options.user_metadata = json.at("user_metadata").get<std::map<std::string, std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(StrCat("multipart upload state unreadable: ", e.what()));
  }
  return meta;
}

/// Reads [position, end) of an open object file. The descriptor keeps the data readable even if the object is
/// replaced or deleted meanwhile.
class FileRangeSource final : public ByteSource {
 public:
  FileRangeSource(UniqueFd fd, uint64_t begin, uint64_t end) : fd_(std::move(fd)), position_(begin), end_(end) {
    ::posix_fadvise(fd_.get(), static_cast<off_t>(begin), static_cast<off_t>(end - begin), POSIX_FADV_SEQUENTIAL);
  }

  Result<size_t> Read(char* buffer, size_t size) override {
    if (position_ >= end_ || size == 0) return size_t{0};
    size_t want = static_cast<size_t>(std::min<uint64_t>(size, end_ - position_));
    while (true) {
      ssize_t n = ::pread(fd_.get(), buffer, want, static_cast<off_t>(position_));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus("read object", errno);
      }
      if (n == 0) return absl::DataLossError("object file ended before its recorded size");
      position_ += static_cast<uint64_t>(n);
      return static_cast<size_t>(n);
    }
  }

 private:
  UniqueFd fd_;
  uint64_t position_;
  uint64_t end_;
};

bool StartsWith(std::string_view text, std::string_view prefix) { return text.starts_with(prefix); }

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Validation

Status ValidateBucketName(std::string_view bucket) {
  auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        StrCat("InvalidBucketName: '", bucket.substr(0, 80), "' is not a valid bucket name: ", why));
  };
  if (bucket.size() < 3 || bucket.size() > 63) return invalid("it must be 3 to 63 characters long");
  for (char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
      return invalid("only lower-case letters, digits, '.' and '-' are allowed");
    }
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(bucket.front()) || !alnum(bucket.back())) return invalid("it must start and end with a letter or digit");
  if (bucket.find("..") != std::string_view::npos || bucket.find(".-") != std::string_view::npos || bucket.find("-.") != std::string_view::npos) {
    return invalid("'..', '.-' and '-.' are not allowed");
  }
  if (bucket.starts_with("xn--") || bucket.starts_with("sthree-") ||
      bucket.ends_with("-s3alias") || bucket.ends_with("--ol-s3")) {
    return invalid("the prefix or suffix is reserved by S3");
  }
  // An IPv4 address (four dot-separated numbers) is not a bucket name.
  std::vector<std::string_view> labels = internal::Split(bucket, '.');
  if (labels.size() == 4 && std::all_of(labels.begin(), labels.end(), [](std::string_view label) {
        return !label.empty() && label.size() <= 3 &&
               std::all_of(label.begin(), label.end(), [](char c) { return c >= '0' && c <= '9'; });
      })) {
    return invalid("it must not be formatted as an IP address");
  }
  return absl::OkStatus();
}

Status ValidateObjectKey(std::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("InvalidKey: the object key is empty");
  if (key.size() > internal::kMaxKeyBytes) {
    return absl::InvalidArgumentError(StrCat("KeyTooLongError: the object key is ", key.size(),
                                                   " bytes; the limit is ", internal::kMaxKeyBytes));
  }
  if (!internal::IsValidUtf8(key)) return absl::InvalidArgumentError("InvalidKey: the object key is not valid UTF-8");
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------------------------
// Impl: descriptors of the three top directories and the namespace lock.

struct LocalObjectStore::Impl {
  LocalObjectStoreOptions options;
  UniqueFd objects_dir;
  UniqueFd uploads_dir;
  UniqueFd tmp_dir;
  /// Serialises every change to names under objects/ and uploads/ (mkdir, rename into place, unlink, rmdir) so
  /// that a commit never races the removal of the empty directory it is committing into. Held for
  /// microseconds: data is written and fsynced before it is taken.
  std::mutex namespace_mutex;

  Status SyncDir(int fd) { return options.sync ? SyncFd(fd, "directory") : absl::OkStatus(); }

  Result<UniqueFd> OpenBucket(std::string_view bucket) {
    OPENAML_RETURN_IF_ERROR(ValidateBucketName(bucket));
    auto fd = OpenDirAt(objects_dir.get(), std::string(bucket));
    if (!fd.ok() && absl::IsNotFound(fd.status())) return NoSuchBucket(bucket);
    return fd;
  }

  /// Open the directories of all but the last segment, creating missing ones when `create` (the caller then
  /// holds namespace_mutex). NotFound when one is missing and `create` is false.
  Result<std::vector<UniqueFd>> OpenKeyDirs(int bucket_fd, const std::vector<std::string_view>& segments,
                                            bool create) {
    std::vector<UniqueFd> chain;
    chain.reserve(segments.size());
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
      int parent = chain.empty() ? bucket_fd : chain.back().get();
      std::string name = EncodeSegment(segments[i], EntryKind::kDirectory);
      auto fd = OpenDirAt(parent, name);
      if (!fd.ok() && absl::IsNotFound(fd.status()) && create) {
        OPENAML_RETURN_IF_ERROR(MakeDir(parent, name, segments[i]));
        fd = OpenDirAt(parent, name);
      }
      if (!fd.ok()) return fd.status();
      chain.push_back(std::move(fd).value());
    }
    return chain;
  }

  /// Create the directory `name` for `segment` in `parent`. A hashed one is built in tmp/ with its ".name" file
  /// and renamed into place, so it never exists without its name.
  Status MakeDir(int parent, const std::string& name, std::string_view segment) {
    if (name[0] == 'd') {
      if (::mkdirat(parent, name.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoStatus("create directory", errno);
      return SyncDir(parent);
    }
    std::string staged = "dir-" + RandomHex(12);
    if (::mkdirat(tmp_dir.get(), staged.c_str(), 0755) != 0) return ErrnoStatus("create directory", errno);
    auto cleanup = [&] { internal::RemoveTreeAt(tmp_dir.get(), staged).IgnoreError(); };
    auto staged_fd = OpenDirAt(tmp_dir.get(), staged);
    Status status = staged_fd.status();
    if (status.ok()) status = internal::WriteNewFileAt(staged_fd->get(), internal::kHashedDirNameFile, segment,
                                                       options.sync);
    if (status.ok()) status = SyncDir(staged_fd->get());
    if (status.ok() && ::renameat(tmp_dir.get(), staged.c_str(), parent, name.c_str()) != 0 && errno != EEXIST &&
        errno != ENOTEMPTY) {
      status = ErrnoStatus("create directory", errno);
    }
    cleanup();  // after a successful rename the staged name is gone and this does nothing
    OPENAML_RETURN_IF_ERROR(status);
    return SyncDir(parent);
  }

  /// Rename the sealed `staged` file into place as `key` of `bucket`.
  Status CommitStaged(StagedFile& staged, std::string_view bucket, std::string_view key) {
    std::vector<std::string_view> segments = SplitKey(key);
    UniqueFd parent;
    {
      std::lock_guard<std::mutex> lock(namespace_mutex);
      OPENAML_ASSIGN_OR_RETURN(UniqueFd bucket_fd, OpenBucket(bucket));
      OPENAML_ASSIGN_OR_RETURN(std::vector<UniqueFd> chain, OpenKeyDirs(bucket_fd.get(), segments, true));
      parent = chain.empty() ? std::move(bucket_fd) : std::move(chain.back());
      OPENAML_RETURN_IF_ERROR(staged.RenameInto(parent.get(), EncodeSegment(segments.back(), EntryKind::kObject)));
    }
    return SyncDir(parent.get());
  }

  Result<UniqueFd> OpenObject(std::string_view bucket, std::string_view key) {
    OPENAML_ASSIGN_OR_RETURN(UniqueFd bucket_fd, OpenBucket(bucket));
    OPENAML_RETURN_IF_ERROR(ValidateObjectKey(key));
    std::vector<std::string_view> segments = SplitKey(key);
    auto chain = OpenKeyDirs(bucket_fd.get(), segments, false);
    if (!chain.ok()) return absl::IsNotFound(chain.status()) ? NoSuchKey(bucket, key) : chain.status();
    int parent = chain->empty() ? bucket_fd.get() : chain->back().get();
    auto fd = OpenFileAt(parent, EncodeSegment(segments.back(), EntryKind::kObject));
    if (!fd.ok() && absl::IsNotFound(fd.status())) return NoSuchKey(bucket, key);
    return fd;
  }

  /// True when the directory holds at least one object, at any depth.
  Result<bool> DirHasObject(int dir_fd) {
    OPENAML_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirNames(dir_fd));
    for (const std::string& name : names) {
      auto decoded = DecodeName(name);
      if (decoded && decoded->kind == EntryKind::kObject) return true;
    }
    for (const std::string& name : names) {
      auto decoded = DecodeName(name);
      if (!decoded || decoded->kind != EntryKind::kDirectory) continue;
      auto child = OpenDirAt(dir_fd, name);
      if (!child.ok()) continue;  // removed meanwhile
      OPENAML_ASSIGN_OR_RETURN(bool found, DirHasObject(child->get()));
      if (found) return true;
    }
    return false;
  }

  /// Move `name` (under `parent`) into tmp/ atomically (under namespace_mutex), then delete it there.
  Status RemoveAside(int parent, const std::string& name, std::string_view what) {
    std::string aside = "del-" + RandomHex(12);
    {
      std::lock_guard<std::mutex> lock(namespace_mutex);
      if (::renameat(parent, name.c_str(), tmp_dir.get(), aside.c_str()) != 0) {
        return ErrnoStatus(StrCat("remove ", what), errno);
      }
    }
    OPENAML_RETURN_IF_ERROR(SyncDir(parent));
    return internal::RemoveTreeAt(tmp_dir.get(), aside);
  }

  /// Open a multipart upload's directory and check it belongs to `bucket` / `key`.
  Result<std::pair<UniqueFd, UploadMeta>> OpenUpload(std::string_view bucket, std::string_view key,
                                                     std::string_view upload_id) {
    if (upload_id.size() != kUploadIdHexChars ||
        !std::all_of(upload_id.begin(), upload_id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
      return NoSuchUpload(upload_id);
    }
    auto dir = OpenDirAt(uploads_dir.get(), std::string(upload_id));
    if (!dir.ok()) return absl::IsNotFound(dir.status()) ? NoSuchUpload(upload_id) : dir.status();
    auto text = internal::ReadSmallFileAt(dir->get(), kUploadMeta, internal::kMaxMetadataBytes);
    if (!text.ok()) return absl::IsNotFound(text.status()) ? NoSuchUpload(upload_id) : text.status();
    OPENAML_ASSIGN_OR_RETURN(UploadMeta meta, DecodeUploadMeta(*text));
    if (meta.bucket != bucket || meta.key != key) return NoSuchUpload(upload_id);
    return std::make_pair(std::move(dir).value(), std::move(meta));
  }

  Status CommitPart(StagedFile& staged, std::string_view upload_id, int part_number) {
    UniqueFd dir;
    {
      std::lock_guard<std::mutex> lock(namespace_mutex);
      auto opened = OpenDirAt(uploads_dir.get(), std::string(upload_id));
      if (!opened.ok()) return absl::IsNotFound(opened.status()) ? NoSuchUpload(upload_id) : opened.status();
      dir = std::move(opened).value();
      OPENAML_RETURN_IF_ERROR(staged.RenameInto(dir.get(), PartFileName(part_number)));
    }
    return SyncDir(dir.get());
  }
};

// ---------------------------------------------------------------------------------------------------------------
// Writers

namespace {

/// Streams a new object (or a multipart part) into a staging file; commit renames it into place.
class LocalObjectWriter final : public ObjectWriter {
 public:
  LocalObjectWriter(LocalObjectStore::Impl* impl, std::unique_ptr<StagedFile> staged, std::string bucket,
                    std::string key, PutOptions options, std::string upload_id, int part_number)
      : impl_(impl),
        staged_(std::move(staged)),
        bucket_(std::move(bucket)),
        key_(std::move(key)),
        options_(std::move(options)),
        upload_id_(std::move(upload_id)),
        part_number_(part_number) {}

  Status Write(std::string_view data) override {
    if (staged_ == nullptr) return absl::FailedPreconditionError("write to an object writer already committed");
    Status status = staged_->Append(data);
    if (!status.ok()) staged_.reset();  // the staging file is unusable: discard it now
    return status;
  }

  Result<ObjectInfo> CommitObject() override {
    if (staged_ == nullptr) return absl::FailedPreconditionError("object writer already committed or failed");
    std::unique_ptr<StagedFile> staged = std::move(staged_);  // whatever happens, this writer is done
    ObjectInfo info;
    info.key = key_;
    info.size = staged->size();
    info.etag = crypto::HexEncode(staged->FinishMd5());
    info.last_modified_ms = internal::NowMs();
    info.content_type = options_.content_type;
    info.user_metadata = options_.user_metadata;
    if (options_.expected_md5_hex && NormalizeEtag(*options_.expected_md5_hex) != info.etag) {
      return absl::InvalidArgumentError(StrCat("BadDigest: the Content-MD5 you specified (",
                                                     *options_.expected_md5_hex,
                                                     ") did not match what was received (", info.etag, ")"));
    }
    OPENAML_RETURN_IF_ERROR(staged->Seal(info, impl_->options.sync));
    if (upload_id_.empty()) {
      OPENAML_RETURN_IF_ERROR(impl_->CommitStaged(*staged, bucket_, key_));
    } else {
      OPENAML_RETURN_IF_ERROR(impl_->CommitPart(*staged, upload_id_, part_number_));
    }
    return info;
  }

 private:
  LocalObjectStore::Impl* impl_;
  std::unique_ptr<StagedFile> staged_;  // null once committed or failed
  std::string bucket_;
  std::string key_;
  PutOptions options_;
  std::string upload_id_;  // empty for a whole object
  int part_number_;
};

/// Walks a bucket in key order and fills one page of ListObjects (see ListObjects in the header).
class ListWalker {
 public:
  ListWalker(LocalObjectStore::Impl* impl, const ListObjectsRequest& request)
      : impl_(impl), request_(request) {}

  /// Walk the directory `dir_fd` whose keys all start with `base` ("" or ending in '/').
  Status Walk(int dir_fd, const std::string& base) {
    OPENAML_ASSIGN_OR_RETURN(std::vector<Child> children, ReadChildren(dir_fd, base));
    const std::string& prefix = request_.prefix;
    for (const Child& child : children) {
      if (done_) return absl::OkStatus();
      const std::string& full = child.full;  // the key, or the key prefix of a directory (ends in '/')
      bool in_prefix = StartsWith(full, prefix);
      if (child.kind == EntryKind::kObject) {
        if (!in_prefix) {
          if (full > prefix) return absl::OkStatus();  // past every key with the prefix
          continue;
        }
        OPENAML_RETURN_IF_ERROR(VisitKey(dir_fd, child));
        continue;
      }
      if (!in_prefix && !StartsWith(prefix, full)) {
        if (full > prefix) return absl::OkStatus();
        continue;
      }
      // Every key below is at or before start_after: skip the whole subtree.
      if (request_.start_after > full && !StartsWith(request_.start_after, full)) continue;
      auto child_fd = OpenDirAt(dir_fd, child.name);
      if (!child_fd.ok()) continue;  // removed meanwhile
      if (in_prefix && !request_.delimiter.empty()) {
        size_t pos = full.find(request_.delimiter, prefix.size());
        if (pos != std::string::npos) {
          // Every key below rolls up into one common prefix: emit it without descending.
          std::string group = full.substr(0, pos + request_.delimiter.size());
          if (group <= request_.start_after || group == last_group_) continue;
          OPENAML_ASSIGN_OR_RETURN(bool has_object, impl_->DirHasObject(child_fd->get()));
          if (has_object) EmitGroup(group);
          continue;
        }
      }
      OPENAML_RETURN_IF_ERROR(Walk(child_fd->get(), full));
    }
    return absl::OkStatus();
  }

  ListObjectsResult TakeResult() { return std::move(result_); }

 private:
  struct Child {
    std::string full;
    std::string name;
    EntryKind kind;
  };

  Result<std::vector<Child>> ReadChildren(int dir_fd, const std::string& base) {
    OPENAML_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirNames(dir_fd));
    std::vector<Child> children;
    children.reserve(names.size());
    for (std::string& name : names) {
      auto decoded = DecodeName(name);
      if (!decoded) continue;  // markers and strays
      std::string segment = std::move(decoded->segment);
      if (decoded->hashed) {
        auto recovered = RecoverHashedSegment(dir_fd, name, decoded->kind);
        if (!recovered.ok()) {
          spdlog::warn("objects: skipping unreadable entry name={} error={}", name, recovered.status().ToString());
          continue;
        }
        segment = std::move(recovered).value();
      }
      Child child{StrCat(base, segment, decoded->kind == EntryKind::kDirectory ? "/" : ""), std::move(name),
                  decoded->kind};
      children.push_back(std::move(child));
    }
    std::sort(children.begin(), children.end(), [](const Child& a, const Child& b) { return a.full < b.full; });
    return children;
  }

  Result<std::string> RecoverHashedSegment(int dir_fd, const std::string& name, EntryKind kind) {
    if (kind == EntryKind::kDirectory) {
      OPENAML_ASSIGN_OR_RETURN(UniqueFd child, OpenDirAt(dir_fd, name));
      return internal::ReadSmallFileAt(child.get(), internal::kHashedDirNameFile, internal::kMaxKeyBytes);
    }
    OPENAML_ASSIGN_OR_RETURN(UniqueFd file, OpenFileAt(dir_fd, name));
    OPENAML_ASSIGN_OR_RETURN(ObjectInfo info, ReadObjectInfo(file.get()));
    size_t slash = info.key.rfind('/');
    return slash == std::string::npos ? info.key : info.key.substr(slash + 1);
  }

  Status VisitKey(int dir_fd, const Child& child) {
    const std::string& key = child.full;
    if (!request_.delimiter.empty()) {
      size_t pos = key.find(request_.delimiter, request_.prefix.size());
      if (pos != std::string::npos) {
        std::string group = key.substr(0, pos + request_.delimiter.size());
        if (group > request_.start_after && group != last_group_) EmitGroup(group);
        return absl::OkStatus();
      }
    }
    if (key <= request_.start_after) return absl::OkStatus();
    auto file = OpenFileAt(dir_fd, child.name);
    if (!file.ok()) return absl::OkStatus();  // deleted meanwhile
    auto info = ReadObjectInfo(file->get());
    if (!info.ok()) {
      spdlog::warn("objects: skipping unreadable object key={} error={}", key, info.status().ToString());
      return absl::OkStatus();
    }
    if (!Room()) return absl::OkStatus();
    info->key = key;
    result_.objects.push_back(std::move(info).value());
    result_.next_start_after = key;
    ++emitted_;
    return absl::OkStatus();
  }

  void EmitGroup(const std::string& group) {
    last_group_ = group;
    if (!Room()) return;
    result_.common_prefixes.push_back(group);
    result_.next_start_after = group;
    ++emitted_;
  }

  /// True when the page has room for one more entry; otherwise marks the page truncated and the walk done.
  bool Room() {
    if (emitted_ < request_.max_keys) return true;
    result_.truncated = true;
    done_ = true;
    return false;
  }

  LocalObjectStore::Impl* impl_;
  const ListObjectsRequest& request_;
  ListObjectsResult result_;
  int emitted_ = 0;
  bool done_ = false;
  std::string last_group_;  // the common prefix emitted last: keys rolling up into it are skipped
};

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// LocalObjectStore

LocalObjectStore::LocalObjectStore(std::string root, const LocalObjectStoreOptions& options)
    : root_(std::move(root)), impl_(std::make_unique<Impl>()) {
  impl_->options = options;
}

LocalObjectStore::~LocalObjectStore() = default;

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Make(const std::string& root,
                                                                const LocalObjectStoreOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(root, error);
  if (error) return absl::InternalError(StrCat("create data directory ", root, ": ", error.message()));
  std::unique_ptr<LocalObjectStore> store(new LocalObjectStore(root, options));
  Impl& impl = *store->impl_;
  OPENAML_ASSIGN_OR_RETURN(impl.objects_dir, internal::OpenOrCreateDir(root + "/objects"));
  OPENAML_ASSIGN_OR_RETURN(impl.uploads_dir, internal::OpenOrCreateDir(root + "/uploads"));
  OPENAML_ASSIGN_OR_RETURN(impl.tmp_dir, internal::OpenOrCreateDir(root + "/tmp"));
  // Whatever is in tmp/ was being written or deleted when an earlier process stopped: none of it is visible.
  OPENAML_ASSIGN_OR_RETURN(std::vector<std::string> leftovers, ListDirNames(impl.tmp_dir.get()));
  for (const std::string& name : leftovers) {
    OPENAML_RETURN_IF_ERROR(WithContext(internal::RemoveTreeAt(impl.tmp_dir.get(), name), "clean staging area"));
  }
  if (!leftovers.empty()) spdlog::info("objects: removed {} staging leftovers in {}/tmp", leftovers.size(), root);
  return store;
}

Result<std::vector<BucketInfo>> LocalObjectStore::ListBuckets() {
  OPENAML_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirNames(impl_->objects_dir.get()));
  std::vector<BucketInfo> buckets;
  for (const std::string& name : names) {
    if (!ValidateBucketName(name).ok()) continue;
    auto dir = OpenDirAt(impl_->objects_dir.get(), name);
    if (!dir.ok()) continue;
    auto text = internal::ReadSmallFileAt(dir->get(), kBucketMarker, 4096);
    if (!text.ok()) continue;
    BucketInfo info{name, 0};
    try {
      info.created_at_ms = nlohmann::json::parse(*text).at("created_ms").get<int64_t>();
    } catch (const nlohmann::json::exception&) {
      // A damaged marker leaves the bucket usable; its creation time reads as 0.
    }
    buckets.push_back(std::move(info));
  }
  std::sort(buckets.begin(), buckets.end(), [](const BucketInfo& a, const BucketInfo& b) { return a.name < b.name; });
  return buckets;
}

Status LocalObjectStore::CreateBucket(std::string_view bucket) {
  OPENAML_RETURN_IF_ERROR(ValidateBucketName(bucket));
  std::string name(bucket);
  auto already = [&] {
    return absl::AlreadyExistsError(StrCat("BucketAlreadyOwnedByYou: the bucket '", bucket, "' exists"));
  };
  // Build the bucket directory with its marker in tmp/, then rename it into place: it appears whole.
  std::string staged = "bkt-" + RandomHex(12);
  if (::mkdirat(impl_->tmp_dir.get(), staged.c_str(), 0755) != 0) return ErrnoStatus("create bucket", errno);
  Status status;
  {
    auto staged_fd = OpenDirAt(impl_->tmp_dir.get(), staged);
    status = staged_fd.status();
    nlohmann::json marker = {{"created_ms", internal::NowMs()}};
    if (status.ok()) {
      status = internal::WriteNewFileAt(staged_fd->get(), kBucketMarker, marker.dump(), impl_->options.sync);
    }
    if (status.ok()) status = impl_->SyncDir(staged_fd->get());
  }
  if (status.ok()) {
    std::lock_guard<std::mutex> lock(impl_->namespace_mutex);
    struct stat st;
    if (::fstatat(impl_->objects_dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
      status = already();
    } else if (::renameat(impl_->tmp_dir.get(), staged.c_str(), impl_->objects_dir.get(), name.c_str()) != 0) {
      status = (errno == EEXIST || errno == ENOTEMPTY) ? already() : ErrnoStatus("create bucket", errno);
    }
  }
  internal::RemoveTreeAt(impl_->tmp_dir.get(), staged).IgnoreError();  // nothing left after a successful rename
  OPENAML_RETURN_IF_ERROR(status);
  return impl_->SyncDir(impl_->objects_dir.get());
}

Status LocalObjectStore::HeadBucket(std::string_view bucket) { return impl_->OpenBucket(bucket).status(); }

Status LocalObjectStore::DeleteBucket(std::string_view bucket) {
  std::string aside = "del-" + RandomHex(12);
  {
    std::lock_guard<std::mutex> lock(impl_->namespace_mutex);
    OPENAML_ASSIGN_OR_RETURN(UniqueFd bucket_fd, impl_->OpenBucket(bucket));
    OPENAML_ASSIGN_OR_RETURN(bool has_object, impl_->DirHasObject(bucket_fd.get()));
    if (has_object) {
      return absl::FailedPreconditionError(
          StrCat("BucketNotEmpty: the bucket '", bucket, "' you tried to delete is not empty"));
    }
    if (::renameat(impl_->objects_dir.get(), std::string(bucket).c_str(), impl_->tmp_dir.get(), aside.c_str()) != 0) {
      return ErrnoStatus("delete bucket", errno);
    }
  }
  OPENAML_RETURN_IF_ERROR(impl_->SyncDir(impl_->objects_dir.get()));
  return internal::RemoveTreeAt(impl_->tmp_dir.get(), aside);
}

Result<std::unique_ptr<ObjectWriter>> LocalObjectStore::PutObject(std::string_view bucket, std::string_view key,
                                                                  const PutOptions& options) {
  OPENAML_RETURN_IF_ERROR(impl_->OpenBucket(bucket).status());
  OPENAML_RETURN_IF_ERROR(ValidateObjectKey(key));
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<StagedFile> staged, StagedFile::Create(impl_->tmp_dir.get()));
  return std::unique_ptr<ObjectWriter>(std::make_unique<LocalObjectWriter>(
      impl_.get(), std::move(staged), std::string(bucket), std::string(key), options, std::string(), 0));
}

Result<std::unique_ptr<ByteSource>> LocalObjectStore::GetObject(std::string_view bucket, std::string_view key,
                                                                std::optional<ByteRange> range, ObjectInfo* info) {
  OPENAML_ASSIGN_OR_RETURN(UniqueFd fd, impl_->OpenObject(bucket, key));
  OPENAML_ASSIGN_OR_RETURN(ObjectInfo stored, ReadObjectInfo(fd.get()));
  stored.key = std::string(key);
  uint64_t begin = 0;
  uint64_t end = stored.size;
  if (range) {
    auto invalid_range = [&] {
      return absl::InvalidArgumentError(
          StrCat("InvalidRange: the requested range is not satisfiable (object size ", stored.size, ")"));
    };
    if (range->suffix_length) {
      if (*range->suffix_length == 0 || stored.size == 0) return invalid_range();
      begin = stored.size - std::min(stored.size, *range->suffix_length);
    } else {
      if (range->first >= stored.size) return invalid_range();
      if (range->last && *range->last < range->first) return invalid_range();
      begin = range->first;
      if (range->last) end = std::min(stored.size, *range->last + 1);
    }
  }
  if (info != nullptr) *info = stored;
  return std::unique_ptr<ByteSource>(std::make_unique<FileRangeSource>(std::move(fd), begin, end));
}

Result<ObjectInfo> LocalObjectStore::HeadObject(std::string_view bucket, std::string_view key) {
  OPENAML_ASSIGN_OR_RETURN(UniqueFd fd, impl_->OpenObject(bucket, key));
  OPENAML_ASSIGN_OR_RETURN(ObjectInfo info, ReadObjectInfo(fd.get()));
  info.key = std::string(key);
  return info;
}

Status LocalObjectStore::DeleteObject(std::string_view bucket, std::string_view key) {
  OPENAML_RETURN_IF_ERROR(ValidateObjectKey(key));
  std::vector<std::string_view> segments = SplitKey(key);
  UniqueFd parent_to_sync;
  {
    std::lock_guard<std::mutex> lock(impl_->namespace_mutex);
    OPENAML_ASSIGN_OR_RETURN(UniqueFd bucket_fd, impl_->OpenBucket(bucket));
    auto chain = impl_->OpenKeyDirs(bucket_fd.get(), segments, false);
    if (!chain.ok()) return absl::IsNotFound(chain.status()) ? absl::OkStatus() : chain.status();
    int parent = chain->empty() ? bucket_fd.get() : chain->back().get();
    std::string leaf = EncodeSegment(segments.back(), EntryKind::kObject);
    if (::unlinkat(parent, leaf.c_str(), 0) != 0) {
      return errno == ENOENT ? absl::OkStatus() : ErrnoStatus("delete object", errno);
    }
    // Remove directories the deletion left empty, deepest first, so listings and DeleteBucket stay cheap.
    for (size_t i = chain->size(); i-- > 0;) {
      int dir_parent = i == 0 ? bucket_fd.get() : (*chain)[i - 1].get();
      std::string name = EncodeSegment(segments[i], EntryKind::kDirectory);
      if (name[0] == 'D') {
        auto names = ListDirNames((*chain)[i].get());
        if (!names.ok() || names->size() != 1 || (*names)[0] != internal::kHashedDirNameFile) break;
        ::unlinkat((*chain)[i].get(), internal::kHashedDirNameFile, 0);
      }
      if (::unlinkat(dir_parent, name.c_str(), AT_REMOVEDIR) != 0) break;  // not empty: stop here
    }
    parent_to_sync = chain->empty() ? std::move(bucket_fd) : std::move(chain->back());
  }
  return impl_->SyncDir(parent_to_sync.get());
}

Result<ObjectInfo> LocalObjectStore::CopyObject(std::string_view src_bucket, std::string_view src_key,
                                                std::string_view dst_bucket, std::string_view dst_key,
                                                const std::optional<PutOptions>& replace_metadata) {
  OPENAML_ASSIGN_OR_RETURN(UniqueFd src, impl_->OpenObject(src_bucket, src_key));
  OPENAML_RETURN_IF_ERROR(impl_->OpenBucket(dst_bucket).status());
  OPENAML_RETURN_IF_ERROR(ValidateObjectKey(dst_key));
  OPENAML_ASSIGN_OR_RETURN(ObjectInfo source, ReadObjectInfo(src.get()));
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<StagedFile> staged, StagedFile::Create(impl_->tmp_dir.get()));
  ObjectInfo info;
  info.key = std::string(dst_key);
  info.size = source.size;
  if (source.etag.find('-') == std::string::npos) {
    // A plain MD5 ETag stays valid for the same bytes: let the kernel copy them.
    OPENAML_RETURN_IF_ERROR(staged->AppendUnhashed(src.get(), 0, source.size));
    info.etag = source.etag;
  } else {
    // A multipart source: S3 gives the copy the MD5 of its bytes.
    std::string chunk(kCopyChunk, '\0');
    for (uint64_t offset = 0; offset < source.size;) {
      size_t want = static_cast<size_t>(std::min<uint64_t>(chunk.size(), source.size - offset));
      OPENAML_ASSIGN_OR_RETURN(size_t got, internal::PreadFull(src.get(), chunk.data(), want, offset));
      if (got != want) return absl::DataLossError("copy: source object shorter than its metadata says");
      OPENAML_RETURN_IF_ERROR(staged->Append(std::string_view(chunk.data(), got)));
      offset += got;
    }
    info.etag = crypto::HexEncode(staged->FinishMd5());
  }
  info.last_modified_ms = internal::NowMs();
  info.content_type = replace_metadata ? replace_metadata->content_type : source.content_type;
  info.user_metadata = replace_metadata ? replace_metadata->user_metadata : source.user_metadata;
  OPENAML_RETURN_IF_ERROR(staged->Seal(info, impl_->options.sync));
  OPENAML_RETURN_IF_ERROR(impl_->CommitStaged(*staged, dst_bucket, dst_key));
  return info;
}

Result<ListObjectsResult> LocalObjectStore::ListObjects(std::string_view bucket, const ListObjectsRequest& request) {
  OPENAML_ASSIGN_OR_RETURN(UniqueFd bucket_fd, impl_->OpenBucket(bucket));
  if (request.max_keys <= 0) return ListObjectsResult{};
  // Start at the deepest directory that holds every key with the prefix ("a/b/c" -> directory "a/b/").
  std::vector<std::string_view> segments = SplitKey(request.prefix);
  std::string base;
  UniqueFd start = std::move(bucket_fd);
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    auto child = OpenDirAt(start.get(), EncodeSegment(segments[i], EntryKind::kDirectory));
    if (!child.ok()) {
      if (absl::IsNotFound(child.status())) return ListObjectsResult{};
      return child.status();
    }
    start = std::move(child).value();
    base.append(segments[i]).push_back('/');
  }
  ListWalker walker(impl_.get(), request);
  OPENAML_RETURN_IF_ERROR(walker.Walk(start.get(), base));
  return walker.TakeResult();
}

Result<std::string> LocalObjectStore::CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                                            const PutOptions& options) {
  OPENAML_RETURN_IF_ERROR(impl_->OpenBucket(bucket).status());
  OPENAML_RETURN_IF_ERROR(ValidateObjectKey(key));
  std::string upload_id = RandomHex(kUploadIdHexChars / 2);
  std::string staged = "upl-" + upload_id;
  if (::mkdirat(impl_->tmp_dir.get(), staged.c_str(), 0755) != 0) return ErrnoStatus("create upload", errno);
  Status status;
  {
    auto staged_fd = OpenDirAt(impl_->tmp_dir.get(), staged);
    status = staged_fd.status();
    if (status.ok()) {
      status = internal::WriteNewFileAt(staged_fd->get(), kUploadMeta,
                                        EncodeUploadMeta({std::string(bucket), std::string(key), options}),
                                        impl_->options.sync);
    }
    if (status.ok()) status = impl_->SyncDir(staged_fd->get());
  }
  if (status.ok() &&
      ::renameat(impl_->tmp_dir.get(), staged.c_str(), impl_->uploads_dir.get(), upload_id.c_str()) != 0) {
    status = ErrnoStatus("create upload", errno);
  }
  internal::RemoveTreeAt(impl_->tmp_dir.get(), staged).IgnoreError();
  OPENAML_RETURN_IF_ERROR(status);
  OPENAML_RETURN_IF_ERROR(impl_->SyncDir(impl_->uploads_dir.get()));
  return upload_id;
}

Result<std::unique_ptr<ObjectWriter>> LocalObjectStore::UploadPart(std::string_view bucket, std::string_view key,
                                                                   std::string_view upload_id, int part_number) {
  if (part_number < 1 || part_number > kMaxPartNumber) {
    return absl::InvalidArgumentError(
        StrCat("InvalidArgument: part number must be an integer between 1 and ", kMaxPartNumber));
  }
  OPENAML_RETURN_IF_ERROR(impl_->OpenUpload(bucket, key, upload_id).status());
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<StagedFile> staged, StagedFile::Create(impl_->tmp_dir.get()));
  return std::unique_ptr<ObjectWriter>(std::make_unique<LocalObjectWriter>(impl_.get(), std::move(staged),
                                                                           std::string(bucket), std::string(key),
                                                                           PutOptions{}, std::string(upload_id),
                                                                           part_number));
}

Result<ObjectInfo> LocalObjectStore::CompleteMultipartUpload(std::string_view bucket, std::string_view key,
                                                             std::string_view upload_id,
                                                             const std::vector<MultipartPart>& parts) {
  OPENAML_RETURN_IF_ERROR(impl_->OpenBucket(bucket).status());
  OPENAML_ASSIGN_OR_RETURN(auto upload, impl_->OpenUpload(bucket, key, upload_id));
  auto& [upload_dir, meta] = upload;
  if (parts.empty()) {
    return absl::InvalidArgumentError("MalformedXML: the multipart upload must list at least one part");
  }
  // Check every part before copying a byte (S3's order: part order, existence and ETag, then sizes).
  std::vector<UniqueFd> part_files;
  std::vector<uint64_t> sizes;
  std::string part_md5s;
  for (size_t i = 0; i < parts.size(); ++i) {
    const MultipartPart& part = parts[i];
    if (i > 0 && part.part_number <= parts[i - 1].part_number) {
      return absl::InvalidArgumentError("InvalidPartOrder: the list of parts was not in ascending order");
    }
    auto invalid_part = [&](std::string_view why) {
      return absl::InvalidArgumentError(StrCat("InvalidPart: part ", part.part_number, " ", why));
    };
    if (part.part_number < 1 || part.part_number > kMaxPartNumber) return invalid_part("is out of range");
    auto file = OpenFileAt(upload_dir.get(), PartFileName(part.part_number));
    if (!file.ok()) {
      if (absl::IsNotFound(file.status())) return invalid_part("was not uploaded");
      return file.status();
    }
    OPENAML_ASSIGN_OR_RETURN(ObjectInfo stored, ReadObjectInfo(file->get()));
    if (NormalizeEtag(part.etag) != stored.etag) return invalid_part("has a different ETag");
    std::string raw;
    if (!HexToRaw(stored.etag, &raw)) return absl::DataLossError("stored part ETag is not hex");
    part_md5s += raw;
    sizes.push_back(stored.size);
    part_files.push_back(std::move(file).value());
  }
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (sizes[i] < impl_->options.min_part_size) {
      return absl::InvalidArgumentError(StrCat("EntityTooSmall: part ", parts[i].part_number, " is ", sizes[i],
                                                     " bytes; every part but the last must be at least ",
                                                     impl_->options.min_part_size));
    }
  }
  // Concatenate the parts into one staging file (the kernel copies) and commit it like any object.
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<StagedFile> staged, StagedFile::Create(impl_->tmp_dir.get()));
  for (size_t i = 0; i < part_files.size(); ++i) {
    OPENAML_RETURN_IF_ERROR(staged->AppendUnhashed(part_files[i].get(), 0, sizes[i]));
  }
  ObjectInfo info;
  info.key = std::string(key);
  info.size = staged->size();
  info.etag = StrCat(crypto::HexEncode(crypto::Md5(part_md5s)), "-", parts.size());
  info.last_modified_ms = internal::NowMs();
  info.content_type = meta.options.content_type;
  info.user_metadata = meta.options.user_metadata;
  OPENAML_RETURN_IF_ERROR(staged->Seal(info, impl_->options.sync));
  OPENAML_RETURN_IF_ERROR(impl_->CommitStaged(*staged, bucket, key));
  // The object is in place; dropping the upload may race a concurrent Complete or Abort, which is fine.
  Status removed = impl_->RemoveAside(impl_->uploads_dir.get(), std::string(upload_id), "multipart upload");
  if (!removed.ok() && !absl::IsNotFound(removed)) {
    spdlog::warn("objects: completed upload not removed upload_id={} error={}", upload_id, removed.ToString());
  }
  return info;
}

Status LocalObjectStore::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                              std::string_view upload_id) {
  OPENAML_RETURN_IF_ERROR(impl_->OpenBucket(bucket).status());
  OPENAML_RETURN_IF_ERROR(impl_->OpenUpload(bucket, key, upload_id).status());
  Status status = impl_->RemoveAside(impl_->uploads_dir.get(), std::string(upload_id), "multipart upload");
  if (absl::IsNotFound(status)) return NoSuchUpload(upload_id);  // aborted or completed meanwhile
  return status;
}

Result<std::vector<MultipartPart>> LocalObjectStore::ListParts(std::string_view bucket, std::string_view key,
                                                               std::string_view upload_id) {
  OPENAML_RETURN_IF_ERROR(impl_->OpenBucket(bucket).status());
  OPENAML_ASSIGN_OR_RETURN(auto upload, impl_->OpenUpload(bucket, key, upload_id));
  OPENAML_ASSIGN_OR_RETURN(std::vector<std::string> names, ListDirNames(upload.first.get()));
  std::vector<MultipartPart> parts;
  for (const std::string& name : names) {
    int number = 0;
    if (!name.starts_with("part-") || !internal::ParseInt(std::string_view(name).substr(5), &number)) continue;
    auto file = OpenFileAt(upload.first.get(), name);
    if (!file.ok()) continue;  // replaced meanwhile
    OPENAML_ASSIGN_OR_RETURN(ObjectInfo info, ReadObjectInfo(file->get()));
    parts.push_back({number, info.etag, info.size});
  }
  std::sort(parts.begin(), parts.end(),
            [](const MultipartPart& a, const MultipartPart& b) { return a.part_number < b.part_number; });
  return parts;
}

}  // namespace openaml::storage
