#include "openaml/stats/quantile_sketch.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace openaml {
QuantileSketch::QuantileSketch(size_t max_exact_values, size_t k)
    : max_exact_values_(max_exact_values), k_(std::max<size_t>(k, 8)) {
  slots_.assign(size_t{1} << (64 - shift_), Entry{});
}

void QuantileSketch::GrowExact() {
  std::vector<Entry> old(slots_.size() * 2);
  old.swap(slots_);
  --shift_;
  const size_t mask = slots_.size() - 1;
  for (const Entry& e : old) {
    if (e.key == kEmptySlot) continue;
    slots_[Probe(slots_.data(), mask, shift_, e.key)] = e;  // keys are distinct: a free slot
  }
}

void QuantileSketch::AddWeighted(double value, uint64_t count) {
  if (count == 0) return;
  count_ += count;
  if (exact_) {
    const uint64_t key = Bits(value);
    const size_t slot = Probe(slots_.data(), slots_.size() - 1, shift_, key);
    if (slots_[slot].key == key) {
      slots_[slot].count += count;
      return;
    }
    slots_[slot] = Entry{key, count};
    ++distinct_;
    if (distinct_ > max_exact_values_) {
      SwitchToCompacting();
    } else if (distinct_ * 4 > slots_.size()) {
      GrowExact();  // at a quarter full: short probe sequences
    }
    return;
  }
  // Weight `count` as a sum of powers of two: one value per set bit, at that level.
  for (size_t level = 0; count != 0; ++level, count >>= 1) {
    if (count & 1) AddToLevel(value, level);
  }
}

void QuantileSketch::AddMany(const double* values, size_t n) {
  size_t i = 0;
  while (i < n && exact_) {
    // Values already in the table, up to the first new one (the table may grow or be dropped there).
    Entry* const slots = slots_.data();
    const size_t mask = slots_.size() - 1;
    const unsigned shift = shift_;
    const size_t start = i;
    for (; i < n; ++i) {
      const uint64_t key = Bits(values[i]);
      const size_t slot = Probe(slots, mask, shift, key);
      if (slots[slot].key != key) break;
      ++slots[slot].count;
    }
    count_ += i - start;
    if (i < n) AddWeighted(values[i++], 1);
  }
  for (; i < n; ++i) AddWeighted(values[i], 1);
}

void QuantileSketch::SwitchToCompacting() {
  exact_ = false;
  std::vector<Entry> slots;
  slots.swap(slots_);
  for (const Entry& e : slots) {
    if (e.key == kEmptySlot) continue;
    const double value = std::bit_cast<double>(e.key);
    uint64_t c = e.count;
    for (size_t level = 0; c != 0; ++level, c >>= 1) {
      if (c & 1) AddToLevel(value, level);
    }
  }
  distinct_ = 0;
}

void QuantileSketch::AddToLevel(double value, size_t level) {
  if (levels_.size() <= level) {
    levels_.resize(level + 1);
    offsets_.resize(level + 1, false);
  }
  levels_[level].push_back(value);
  if (levels_[level].size() >= 2 * k_) Compact(level);
}

void QuantileSketch::Compact(size_t level) {
  std::vector<double> values;
  values.swap(levels_[level]);
  std::sort(values.begin(), values.end());
  // Alternate which half survives so that errors of successive compactions tend to cancel.
  const size_t offset = offsets_[level] ? 1 : 0;
  offsets_[level] = !offsets_[level];
  error_ += uint64_t{1} << level;
  levels_[level].reserve(2 * k_);
  std::vector<double> promoted;
  promoted.reserve(values.size() / 2 + 1);
  for (size_t i = offset; i < values.size(); i += 2) promoted.push_back(values[i]);
  // The level held exactly 2k values: k move up with weight 2^(h+1), so the total weight is unchanged.
  for (double v : promoted) AddToLevel(v, level + 1);
}

std::vector<std::pair<double, uint64_t>> QuantileSketch::WeightedValues() const {
  std::vector<std::pair<double, uint64_t>> items;
  if (exact_) {
    items.reserve(distinct_);
    for (const Entry& e : slots_) {
      if (e.key != kEmptySlot) items.emplace_back(std::bit_cast<double>(e.key), e.count);
    }
  } else {
    for (size_t level = 0; level < levels_.size(); ++level) {
      for (double v : levels_[level]) items.emplace_back(v, uint64_t{1} << level);
    }
  }
  std::sort(items.begin(), items.end());
  // Merge equal values.
  size_t out = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (out > 0 && items[out - 1].first == items[i].first) {
      items[out - 1].second += items[i].second;
    } else {
      items[out++] = items[i];
    }
  }
  items.resize(out);
  return items;
}

std::vector<double> QuantileSketch::Quantiles(int n) const {
  if (count_ == 0 || n <= 0) return {};
  return QuantilesOf(WeightedValues(), n);
}

std::vector<double> QuantileSketch::QuantilesOf(const std::vector<std::pair<double, uint64_t>>& items, int n) {
  std::vector<double> result;
  if (items.empty() || n <= 0) return result;
  uint64_t total = 0;
  for (const auto& item : items) total += item.second;
  result.reserve(n + 1);
  size_t index = 0;
  uint64_t cumulative = items.empty() ? 0 : items[0].second;
  for (int i = 0; i <= n; ++i) {
    // Smallest value whose cumulative weight reaches ceil(i/n * total) (at least 1), in exact integers.
    const unsigned __int128 scaled = static_cast<unsigned __int128>(i) * total;
    uint64_t target = static_cast<uint64_t>((scaled + static_cast<unsigned>(n) - 1) / static_cast<unsigned>(n));
    if (target == 0) target = 1;
    while (cumulative < target && index + 1 < items.size()) cumulative += items[++index].second;
    result.push_back(items[index].first);
  }
  return result;
}

double QuantileSketch::Quantile(double q) const {
  if (count_ == 0) return 0.0;
  q = std::clamp(q, 0.0, 1.0);
  const std::vector<std::pair<double, uint64_t>> items = WeightedValues();
  uint64_t total = 0;
  for (const auto& item : items) total += item.second;
  uint64_t target = static_cast<uint64_t>(std::ceil(static_cast<long double>(q) * total));
  if (target == 0) target = 1;
  uint64_t cumulative = 0;
  for (const auto& [value, weight] : items) {
    cumulative += weight;
    if (cumulative >= target) return value;
  }
  return items.back().first;
}

}  // namespace openaml
