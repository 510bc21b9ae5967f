// FeatureCache: the featurized training rows of pass 1 in a compact binary form, so passes 2..N never
// re-parse text (architecture.md). Rows are packed into blocks of about 256 KiB (a
// block's rows are visited in shuffled order: it should fit in L2); blocks stay in memory up to
// a budget and beyond it everything goes to an unlinked temporary file (bounded memory, nothing left behind).
//
// Block layout (32-bit little-endian words, fixed width so a block decodes with plain loads, no varints):
//   header: rows, entries, flags (bit 0: 32-bit indices, else 16-bit; bit 1: a value per entry, else every
//           value is 1), reserved;
//   labels: float32[rows];  ends: uint32[rows] (end of each row's entries, cumulative);
//   indices: uint16[entries] (padded to a word) or uint32[entries];  values: float32[entries] (if flagged).
// Most recipes yield one-hot features only (value 1) and fewer than 65536 distinct features: such a block
// costs 8 bytes per row plus 2 per feature.
#pragma once

#include <algorithm>
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

/// A view of one block's arrays (valid while its buffer lives).
struct CacheBlock {
  uint32_t rows = 0;
  uint32_t entries = 0;
  const float* labels = nullptr;
  const uint32_t* ends = nullptr;
  const uint16_t* narrow = nullptr;  // 16-bit indices, or
  const uint32_t* wide = nullptr;    // 32-bit indices
  const float* values = nullptr;     // null: every value is 1
  uint32_t begin(uint32_t row) const { return row ? ends[row - 1] : 0; }
  uint32_t end(uint32_t row) const { return ends[row]; }
};

class FeatureCache {
 public:
  /// Make an empty cache; a spill file, if needed, is created in `directory` (empty: the system temp dir).
  /// `block_bytes`: target size of a block (tests use small ones to get many blocks from few rows).
  static Result<std::unique_ptr<FeatureCache>> Make(std::string directory, size_t memory_budget_bytes,
                                                    size_t block_bytes = size_t{256} << 10);
  ~FeatureCache();

  /// Store each block's rows in the order RowOrder(block, rows, true, seed) gives instead of the appended order
  /// (call before the first Append). Passes shuffled with that seed then read the rows in stored order:
  /// sequential loads instead of a gather, and no permutation to draw per pass; the visiting order is the same.
  void StoreRowsShuffled(uint64_t seed) {
    rows_shuffled_ = true;
    row_seed_ = seed;
  }
  /// Whether rows are stored in the order of a shuffle by `seed` (see StoreRowsShuffled).
  bool rows_stored_shuffled(uint64_t seed) const { return rows_shuffled_ && row_seed_ == seed; }

  /// Append one row (indices and values of equal length).
  Status Append(float label, std::span<const uint32_t> indices, std::span<const float> values);
  /// Flush the last block. Call once before Scan().
  Status Finish();

  uint64_t rows() const { return rows_; }
  uint64_t bytes() const { return bytes_; }
  bool spilled() const { return fd_ >= 0; }
  /// One more than the largest feature index appended (0 when empty).
  uint32_t index_limit() const { return index_limit_; }

  size_t block_count() const { return blocks_.size(); }
  /// Block visiting order: identity, or (shuffle) a permutation fixed by `seed`.
  std::vector<size_t> BlockOrder(bool shuffle, uint64_t seed) const;
  /// Row visiting order inside block `block` (its `rows` rows): identity or a permutation fixed by seed.
  static void RowOrder(size_t block, uint32_t rows, bool shuffle, uint64_t seed, std::vector<uint32_t>* order);
  /// Decode block `block` into `view`; `buffer` holds it when it lives in the spill file. Thread-safe (many
  /// threads may read different or the same blocks concurrently, each with its own buffer).
  Status ReadBlock(size_t block, std::vector<uint32_t>* buffer, CacheBlock* view) const;

  /// Visit every row: in stored order (the appended order unless StoreRowsShuffled), or (shuffle) in a
  /// pseudo-random order fixed by `seed` — blocks permuted and rows permuted inside each block, the same order
  /// on every pass for one seed, and the same whether or not the rows were stored shuffled by that seed.
  template <typename Visitor>
  Status Scan(bool shuffle, uint64_t seed, Visitor&& visit) const;

 private:
  FeatureCache() = default;
  Status FlushBlock();

  struct Block {
    uint64_t offset = 0;  // in the spill file
    uint32_t words = 0;
    std::vector<uint32_t> data;  // when in memory
  };
  std::string directory_;
  size_t memory_budget_ = 0;
  size_t block_bytes_ = 0;
  size_t memory_used_ = 0;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  std::vector<Block> blocks_;
  // The block being filled.
  std::vector<float> labels_;
  std::vector<uint32_t> ends_;
  std::vector<uint32_t> indices_;
  std::vector<float> values_;
  bool any_value_ = false;
  uint32_t block_max_index_ = 0;
  uint64_t rows_ = 0;
  uint64_t bytes_ = 0;
  uint32_t index_limit_ = 0;
  bool rows_shuffled_ = false;
  uint64_t row_seed_ = 0;
  std::vector<uint32_t> permutation_;  // scratch of FlushBlock
};

template <typename Visitor>
Status FeatureCache::Scan(bool shuffle, uint64_t seed, Visitor&& visit) const {
  std::vector<uint32_t> buffer, order, indices;
  std::vector<float> values;
  for (size_t block_index : BlockOrder(shuffle, seed)) {
    CacheBlock block;
    OPENAML_RETURN_IF_ERROR(ReadBlock(block_index, &buffer, &block));
    RowOrder(block_index, block.rows, shuffle && !rows_stored_shuffled(seed), seed, &order);
    for (uint32_t r : order) {
      uint32_t b = block.begin(r), e = block.end(r);
      indices.resize(e - b);
      values.resize(e - b);
      for (uint32_t k = b; k < e; ++k) {
        indices[k - b] = block.wide ? block.wide[k] : block.narrow[k];
        values[k - b] = block.values ? block.values[k] : 1.0f;
      }
      CachedRow row;
      row.label = block.labels[r];
      row.indices = indices;
      row.values = values;
      visit(row);
    }
  }
  return absl::OkStatus();
}

}  // namespace openaml::learn
