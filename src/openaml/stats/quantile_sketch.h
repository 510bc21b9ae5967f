// A streaming quantile sketch with a deterministic error bound, for medians, histograms and the engine's
// quantile_bin boundaries (spec §6, §7.4).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace openaml {

/// Two stages:
///   1. Exact: counts per distinct value in an open-addressing table, while there are at most
///      `max_exact_values` distinct values (most real numeric columns: ages, counts, rates). Quantiles are exact.
///   2. Compacting (Manku-Rajagopalan-Lindsay): level h holds values of weight 2^h; a full level of 2k
///      values is sorted and every other value (alternating offset) moves up with double weight. Each such
///      compaction moves any rank by at most 2^h, so the rank error is at most sum(2^h per compaction)
///      <= n * levels / (2k); rank_error() reports the exact bound accumulated. With k = 2048 and n = 10^8
///      that is under 0.3% of n. Memory: O(k log(n/k)) doubles.
/// Not thread-safe. NaN is never added (callers pass finite values).
class QuantileSketch {
 public:
  explicit QuantileSketch(size_t max_exact_values = 10000, size_t k = 2048);

  void Add(double value) { AddMany(&value, 1); }
  /// Add `n` values, the same as Add() on each in order. The exact-stage look-ups run back to back (the
  /// table stays in cache and independent look-ups overlap); a value new to the table takes AddWeighted.
  void AddMany(const double* values, size_t n);
  /// Add `value` `count` times (O(popcount(count)) in the compacting stage).
  void AddWeighted(double value, uint64_t count);

  uint64_t count() const { return count_; }
  bool exact() const { return exact_; }
  /// Upper bound of the rank error of Quantile(), as a fraction of count(): 0 when exact.
  double rank_error() const { return count_ == 0 ? 0.0 : static_cast<double>(error_) / static_cast<double>(count_); }

  /// The value at rank q (0 <= q <= 1): the smallest value v with at least q * count() values <= v (q = 0
  /// gives the minimum). 0 when empty.
  double Quantile(double q) const;
  /// Values at ranks 0, 1/n, 2/n, ..., 1 (n + 1 values, non-decreasing). Empty when the sketch is empty.
  std::vector<double> Quantiles(int n) const;
  /// (value, weight) pairs sorted by value: the sketch's summary of the data (weights sum to count()).
  std::vector<std::pair<double, uint64_t>> WeightedValues() const;
  /// Quantiles(n) computed from WeightedValues() already at hand (saves sorting again).
  static std::vector<double> QuantilesOf(const std::vector<std::pair<double, uint64_t>>& items, int n);

 private:
  // The bit pattern of a NaN never produced by parsing: marks a free slot of the exact table.
  static constexpr uint64_t kEmptySlot = 0x7FF4000000000001ULL;
  static uint64_t Bits(double v) {
    if (v == 0.0) v = 0.0;  // -0.0 and 0.0 are one value
    return std::bit_cast<uint64_t>(v);
  }
  /// Home slot of `key` in a table of 2^(64 - shift) slots: Fibonacci hashing (one multiply; the top bits
  /// of the product depend on every bit of the key, so nearby doubles spread over the table).
  static size_t Slot(uint64_t key, unsigned shift) {
    return static_cast<size_t>(((key ^ (key >> 29)) * 0x9E3779B97F4A7C15ULL) >> shift);
  }
  struct Entry {
    uint64_t key = kEmptySlot;
    uint64_t count = 0;
  };
  /// The slot of the exact table (2^(64 - shift) slots) holding `key`, or the free slot where it goes
  /// (linear probing; the table is never full).
  static size_t Probe(const Entry* slots, size_t mask, unsigned shift, uint64_t key) {
    size_t slot = Slot(key, shift);
    while (slots[slot].key != key && slots[slot].key != kEmptySlot) slot = (slot + 1) & mask;
    return slot;
  }
  void GrowExact();

  void AddToLevel(double value, size_t level);
  void Compact(size_t level);
  void SwitchToCompacting();

  size_t max_exact_values_;
  size_t k_;
  uint64_t count_ = 0;
  uint64_t error_ = 0;
  bool exact_ = true;
  // Exact stage: open addressing on the bit pattern (key and count side by side: one cache line per
  // look-up), kept at most a quarter full; kEmptySlot marks a free slot.
  std::vector<Entry> slots_;
  unsigned shift_ = 64 - 6;  // 64 slots
  size_t distinct_ = 0;
  // Compacting stage.
  std::vector<std::vector<double>> levels_;
  std::vector<bool> offsets_;
};

}  // namespace openaml
