#include "openaml/learn/feature_cache.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "openaml/common/str_cat.h"

namespace openaml::learn {
namespace {
constexpr uint32_t kHeaderWords = 4;
constexpr uint32_t kWideFlag = 1, kValuesFlag = 2;

size_t IndexWords(uint32_t entries, bool wide) { return wide ? entries : (entries + 1) / 2; }
}  // namespace

Result<std::unique_ptr<FeatureCache>> FeatureCache::Make(std::string directory, size_t memory_budget_bytes,
                                                         size_t block_bytes) {
  std::unique_ptr<FeatureCache> cache(new FeatureCache());
  if (directory.empty()) {
    std::error_code ec;
    directory = std::filesystem::temp_directory_path(ec).string();
    if (ec) directory = "/tmp";
  }
  cache->directory_ = std::move(directory);
  cache->memory_budget_ = memory_budget_bytes;
  cache->block_bytes_ = std::max<size_t>(block_bytes, 64);
  return cache;
}

FeatureCache::~FeatureCache() {
  if (fd_ >= 0) ::close(fd_);
}

Status FeatureCache::Append(float label, std::span<const uint32_t> indices, std::span<const float> values) {
  labels_.push_back(label);
  for (size_t k = 0; k < indices.size(); ++k) {
    uint32_t index = indices[k];
    block_max_index_ = std::max(block_max_index_, index);
    any_value_ = any_value_ || values[k] != 1.0f;
  }
  indices_.insert(indices_.end(), indices.begin(), indices.end());
  values_.insert(values_.end(), values.begin(), values.end());
  ends_.push_back(static_cast<uint32_t>(indices_.size()));
  ++rows_;
  size_t estimate = labels_.size() * 8 + indices_.size() * (block_max_index_ > 0xFFFF ? 4 : 2) +
                    (any_value_ ? values_.size() * 4 : 0);
  if (estimate >= block_bytes_) return FlushBlock();
  return absl::OkStatus();
}

Status FeatureCache::Finish() { return labels_.empty() ? absl::OkStatus() : FlushBlock(); }

Status FeatureCache::FlushBlock() {
  const uint32_t rows = static_cast<uint32_t>(labels_.size());
  const uint32_t entries = static_cast<uint32_t>(indices_.size());
  const bool wide = block_max_index_ > 0xFFFF;
  if (entries) index_limit_ = std::max(index_limit_, block_max_index_ + 1);
  size_t words = kHeaderWords + 2 * size_t{rows} + IndexWords(entries, wide) + (any_value_ ? entries : 0);
  std::vector<uint32_t> data(words, 0);
  data[0] = rows;
  data[1] = entries;
  data[2] = (wide ? kWideFlag : 0) | (any_value_ ? kValuesFlag : 0);
  uint32_t* p = data.data() + kHeaderWords;
  if (rows_shuffled_) {
    // Rows in their shuffled order: the arrays are gathered row by row.
    RowOrder(blocks_.size(), rows, true, row_seed_, &permutation_);
    float* labels = reinterpret_cast<float*>(p);
    uint32_t* ends = p + rows;
    uint32_t* index_words = p + 2 * size_t{rows};
    uint16_t* narrow = reinterpret_cast<uint16_t*>(index_words);
    float* values = reinterpret_cast<float*>(index_words + IndexWords(entries, wide));
    uint32_t at = 0;
    for (uint32_t r = 0; r < rows; ++r) {
      const uint32_t from = permutation_[r];
      const uint32_t begin = from ? ends_[from - 1] : 0, end = ends_[from];
      labels[r] = labels_[from];
      if (wide) {
        std::memcpy(index_words + at, indices_.data() + begin, size_t{end - begin} * 4);
      } else {
        for (uint32_t k = begin; k < end; ++k) narrow[at + k - begin] = static_cast<uint16_t>(indices_[k]);
      }
      if (any_value_) std::memcpy(values + at, values_.data() + begin, size_t{end - begin} * 4);
      at += end - begin;
      ends[r] = at;
    }
  } else {
    std::memcpy(p, labels_.data(), rows * 4);
    p += rows;
    std::memcpy(p, ends_.data(), rows * 4);
    p += rows;
    if (wide) {
      std::memcpy(p, indices_.data(), size_t{entries} * 4);
    } else {
      uint16_t* narrow = reinterpret_cast<uint16_t*>(p);
      for (uint32_t k = 0; k < entries; ++k) narrow[k] = static_cast<uint16_t>(indices_[k]);
    }
    p += IndexWords(entries, wide);
    if (any_value_) std::memcpy(p, values_.data(), size_t{entries} * 4);
  }
  labels_.clear();
  ends_.clear();
  indices_.clear();
  values_.clear();
  any_value_ = false;
  block_max_index_ = 0;

  const size_t size = words * 4;
  bytes_ += size;
  Block block;
  block.words = static_cast<uint32_t>(words);
  if (fd_ < 0 && memory_used_ + size > memory_budget_) {
    // Over budget: move to a spill file, unlinked at once so it never outlives the process.
    std::string pattern = directory_ + "/openaml-feature-cache-XXXXXX";
    fd_ = ::mkstemp(pattern.data());
    if (fd_ < 0) return absl::InternalError(StrCat("cannot create a feature cache file in ", directory_, ": ", std::strerror(errno)));
    ::unlink(pattern.c_str());
    for (Block& b : blocks_) {
      b.offset = file_size_;
      size_t n = size_t{b.words} * 4;
      if (::pwrite(fd_, b.data.data(), n, static_cast<off_t>(b.offset)) != static_cast<ssize_t>(n))
        return absl::InternalError(StrCat("cannot write the feature cache: ", std::strerror(errno)));
      file_size_ += n;
      std::vector<uint32_t>().swap(b.data);
    }
    memory_used_ = 0;
  }
  if (fd_ >= 0) {
    block.offset = file_size_;
    if (::pwrite(fd_, data.data(), size, static_cast<off_t>(file_size_)) != static_cast<ssize_t>(size))
      return absl::InternalError(StrCat("cannot write the feature cache (disk full?): ", std::strerror(errno)));
    file_size_ += size;
  } else {
    block.data = std::move(data);
    memory_used_ += size;
  }
  blocks_.push_back(std::move(block));
  return absl::OkStatus();
}

std::vector<size_t> FeatureCache::BlockOrder(bool shuffle, uint64_t seed) const {
  std::vector<size_t> order(blocks_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  if (shuffle) std::shuffle(order.begin(), order.end(), rng);
  return order;
}

void FeatureCache::RowOrder(size_t block, uint32_t rows, bool shuffle, uint64_t seed, std::vector<uint32_t>* order) {
  order->resize(rows);
  for (uint32_t r = 0; r < rows; ++r) (*order)[r] = r;
  if (shuffle) {
    std::mt19937_64 block_rng(seed ^ (0x9E3779B97F4A7C15ULL * (block + 1)));
    std::shuffle(order->begin(), order->end(), block_rng);
  }
}

Status FeatureCache::ReadBlock(size_t index, std::vector<uint32_t>* buffer, CacheBlock* view) const {
  const Block& b = blocks_[index];
  const uint32_t* words = b.data.data();
  if (b.data.empty()) {
    buffer->resize(b.words);
    size_t size = size_t{b.words} * 4, done = 0;
    char* out = reinterpret_cast<char*>(buffer->data());
    while (done < size) {
      ssize_t n = ::pread(fd_, out + done, size - done, static_cast<off_t>(b.offset + done));
      if (n <= 0) return absl::InternalError(StrCat("cannot read the feature cache: ", std::strerror(errno)));
      done += static_cast<size_t>(n);
    }
    words = buffer->data();
  }
  view->rows = words[0];
  view->entries = words[1];
  const bool wide = words[2] & kWideFlag;
  const uint32_t* p = words + kHeaderWords;
  view->labels = reinterpret_cast<const float*>(p);
  p += view->rows;
  view->ends = p;
  p += view->rows;
  view->wide = wide ? p : nullptr;
  view->narrow = wide ? nullptr : reinterpret_cast<const uint16_t*>(p);
  p += IndexWords(view->entries, wide);
  view->values = (words[2] & kValuesFlag) ? reinterpret_cast<const float*>(p) : nullptr;
  return absl::OkStatus();
}

}  // namespace openaml::learn
