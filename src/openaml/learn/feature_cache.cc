#include "openaml/learn/feature_cache.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "openaml/common/str_cat.h"

namespace openaml::learn {
namespace {
constexpr size_t kBlockBytes = 1 << 20;
}

Result<std::unique_ptr<FeatureCache>> FeatureCache::Make(std::string directory, size_t memory_budget_bytes) {
  std::unique_ptr<FeatureCache> cache(new FeatureCache());
  if (directory.empty()) {
    std::error_code ec;
    directory = std::filesystem::temp_directory_path(ec).string();
    if (ec) directory = "/tmp";
  }
  cache->directory_ = std::move(directory);
  cache->memory_budget_ = memory_budget_bytes;
  cache->current_.reserve(kBlockBytes + 4096);
  return cache;
}

FeatureCache::~FeatureCache() {
  if (fd_ >= 0) ::close(fd_);
}

Status FeatureCache::Append(float label, std::span<const uint32_t> indices, std::span<const float> values) {
  char raw[4];
  std::memcpy(raw, &label, 4);
  current_.append(raw, 4);
  PutVarint(&current_, static_cast<uint32_t>(indices.size()));
  for (size_t k = 0; k < indices.size(); ++k) {
    bool has_value = values[k] != 1.0f;
    PutVarint(&current_, (indices[k] << 1) | (has_value ? 1 : 0));
    if (has_value) {
      std::memcpy(raw, &values[k], 4);
      current_.append(raw, 4);
    }
  }
  ++current_rows_;
  ++rows_;
  if (current_.size() >= kBlockBytes) return FlushBlock();
  return absl::OkStatus();
}

Status FeatureCache::Finish() { return current_rows_ ? FlushBlock() : absl::OkStatus(); }

Status FeatureCache::FlushBlock() {
  Block block;
  block.rows = current_rows_;
  block.size = static_cast<uint32_t>(current_.size());
  bytes_ += current_.size();
  if (fd_ < 0 && memory_used_ + current_.size() > memory_budget_) {
    // Over budget: move to a spill file, unlinked at once so it never outlives the process.
    std::string pattern = directory_ + "/openaml-feature-cache-XXXXXX";
    fd_ = ::mkstemp(pattern.data());
    if (fd_ < 0) return absl::InternalError(StrCat("cannot create a feature cache file in ", directory_, ": ", std::strerror(errno)));
    ::unlink(pattern.c_str());
    for (Block& b : blocks_) {
      b.offset = file_size_;
      if (::pwrite(fd_, b.data.data(), b.size, static_cast<off_t>(b.offset)) != static_cast<ssize_t>(b.size))
        return absl::InternalError(StrCat("cannot write the feature cache: ", std::strerror(errno)));
      file_size_ += b.size;
      std::string().swap(b.data);
    }
    memory_used_ = 0;
  }
  if (fd_ >= 0) {
    block.offset = file_size_;
    if (::pwrite(fd_, current_.data(), current_.size(), static_cast<off_t>(file_size_)) !=
        static_cast<ssize_t>(current_.size()))
      return absl::InternalError(StrCat("cannot write the feature cache (disk full?): ", std::strerror(errno)));
    file_size_ += current_.size();
  } else {
    block.data = current_;
    memory_used_ += current_.size();
  }
  blocks_.push_back(std::move(block));
  current_.clear();
  current_rows_ = 0;
  return absl::OkStatus();
}

Status FeatureCache::LoadBlock(size_t index, std::string* buffer) const {
  const Block& b = blocks_[index];
  buffer->resize(b.size);
  size_t done = 0;
  while (done < b.size) {
    ssize_t n = ::pread(fd_, buffer->data() + done, b.size - done, static_cast<off_t>(b.offset + done));
    if (n <= 0) return absl::InternalError(StrCat("cannot read the feature cache: ", std::strerror(errno)));
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

}  // namespace openaml::learn
