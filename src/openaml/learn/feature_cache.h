// FeatureCache: the featurized training rows of pass 1 in a compact binary form, so passes 2..N never
// re-parse text (architecture.md). Rows are packed into blocks of about 1 MiB; blocks stay in memory up to
// a budget and beyond it everything goes to an unlinked temporary file (bounded memory, nothing left behind).
//
// Row encoding: float32 label (little-endian), varint feature count, then per feature varint(index << 1 |
// has_value) followed by a float32 value when has_value (value 1 is implicit).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "openaml/common/status.h"

namespace openaml::learn {

/// A decoded row; spans are valid during the visitor call only.
struct CachedRow {
  float label = 0;
  std::span<const uint32_t> indices;
  std::span<const float> values;
};

class FeatureCache {
 public:
  /// Make an empty cache; a spill file, if needed, is created in `directory` (empty: the system temp dir).
  static Result<std::unique_ptr<FeatureCache>> Make(std::string directory, size_t memory_budget_bytes);
  ~FeatureCache();

  /// Append one row (indices and values of equal length).
  Status Append(float label, std::span<const uint32_t> indices, std::span<const float> values);
  /// Flush the last block. Call once before Scan().
  Status Finish();

  uint64_t rows() const { return rows_; }
  uint64_t bytes() const { return bytes_; }
  bool spilled() const { return fd_ >= 0; }

  /// Visit every row: in stored order, or (shuffle) in a pseudo-random order fixed by `seed` — blocks
  /// permuted and rows permuted inside each block, the same order on every pass for one seed.
  template <typename Visitor>
  Status Scan(bool shuffle, uint64_t seed, Visitor&& visit);

 private:
  FeatureCache() = default;
  Status FlushBlock();
  Status LoadBlock(size_t block, std::string* buffer) const;
  static void PutVarint(std::string* out, uint32_t v) {
    while (v >= 0x80) {
      out->push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out->push_back(static_cast<char>(v));
  }
  static uint32_t GetVarint(const unsigned char*& p) {
    uint32_t v = 0;
    int shift = 0;
    while (*p & 0x80) {
      v |= static_cast<uint32_t>(*p++ & 0x7F) << shift;
      shift += 7;
    }
    v |= static_cast<uint32_t>(*p++) << shift;
    return v;
  }

  struct Block {
    uint64_t offset = 0;  // in the spill file
    uint32_t size = 0;
    uint32_t rows = 0;
    std::string data;     // when in memory
  };
  std::string directory_;
  size_t memory_budget_ = 0;
  size_t memory_used_ = 0;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  std::vector<Block> blocks_;
  std::string current_;
  uint32_t current_rows_ = 0;
  uint64_t rows_ = 0;
  uint64_t bytes_ = 0;
};

template <typename Visitor>
Status FeatureCache::Scan(bool shuffle, uint64_t seed, Visitor&& visit) {
  std::vector<size_t> order(blocks_.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(seed);
  if (shuffle) std::shuffle(order.begin(), order.end(), rng);
  std::string buffer;
  std::vector<const unsigned char*> starts;
  std::vector<uint32_t> indices;
  std::vector<float> values;
  for (size_t block_index : order) {
    const Block& block = blocks_[block_index];
    const std::string* data = &block.data;
    if (block.data.empty() && block.size) {
      OPENAML_RETURN_IF_ERROR(LoadBlock(block_index, &buffer));
      data = &buffer;
    }
    const unsigned char* p = reinterpret_cast<const unsigned char*>(data->data());
    starts.clear();
    for (uint32_t r = 0; r < block.rows; ++r) {
      starts.push_back(p);
      p += 4;
      uint32_t n = GetVarint(p);
      for (uint32_t k = 0; k < n; ++k) {
        uint32_t v = GetVarint(p);
        if (v & 1) p += 4;
      }
    }
    if (shuffle) {
      std::mt19937_64 block_rng(seed ^ (0x9E3779B97F4A7C15ULL * (block_index + 1)));
      std::shuffle(starts.begin(), starts.end(), block_rng);
    }
    for (const unsigned char* q : starts) {
      CachedRow row;
      std::memcpy(&row.label, q, 4);
      q += 4;
      uint32_t n = GetVarint(q);
      indices.resize(n);
      values.resize(n);
      for (uint32_t k = 0; k < n; ++k) {
        uint32_t v = GetVarint(q);
        indices[k] = v >> 1;
        if (v & 1) {
          std::memcpy(&values[k], q, 4);
          q += 4;
        } else {
          values[k] = 1.0f;
        }
      }
      row.indices = indices;
      row.values = values;
      visit(row);
    }
  }
  return absl::OkStatus();
}

}  // namespace openaml::learn
