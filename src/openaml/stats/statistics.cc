// StatsAccumulator and the statistics JSON (spec §6).
//
// Per record, each attribute updates its own state:
//   NUMERIC      min/max, compensated sum, squared deviations, a QuantileSketch (median, quantiles, histogram);
//                buffered for 256 records and folded in one attribute at a time (Impl::Flush)
//   BINARY       true/false/missing/invalid counts
//   CATEGORICAL  exact counts per value in an open-addressing table (up to max_distinct_values values)
//   TEXT         word counts per token (and records containing it), words per record, word lengths
// A deterministic hash sample of records keeps compact codes of every attribute (numeric bits, category
// hashes, token hashes) for the correlations, computed at Finish() as mutual information with the target.
#include "openaml/stats/statistics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include <emmintrin.h>

#include "nlohmann/json.hpp"
#include "openaml/common/str_cat.h"
#include "openaml/stats/quantile_sketch.h"
#include "xxhash.h"

namespace openaml {
namespace {

constexpr uint64_t kMissingCode = 0x7FF8DEADBEEF0001ULL;  // a NaN pattern never produced by parsing
constexpr uint64_t kInvalidCode = 0x7FF8DEADBEEF0002ULL;
constexpr uint64_t kUntrackedCode = 0x7FF8DEADBEEF0003ULL;  // a CATEGORICAL value past max_distinct_values
constexpr int kQuantileGrid = 1000;
constexpr size_t kMaxSampleCells = 4'000'000;
constexpr size_t kMaxSampledTokensPerValue = 64;
constexpr size_t kTokenCandidates = 200;  // most frequent tokens whose correlation is estimated

/// 64-bit hash of a string: inline for short strings (most categorical values and words), XXH3 beyond.
inline uint64_t HashText(std::string_view s) {
  const size_t n = s.size();
  if (n > 16) return XXH3_64bits(s.data(), n);
  uint64_t a = 0;
  uint64_t b = 0;
  if (n >= 8) {
    std::memcpy(&a, s.data(), 8);
    std::memcpy(&b, s.data() + n - 8, 8);
  } else if (n >= 4) {
    uint32_t x = 0;
    uint32_t y = 0;
    std::memcpy(&x, s.data(), 4);
    std::memcpy(&y, s.data() + n - 4, 4);
    a = x;
    b = y;
  } else if (n > 0) {
    a = static_cast<unsigned char>(s[0]) | (static_cast<uint64_t>(static_cast<unsigned char>(s[n / 2])) << 8) |
        (static_cast<uint64_t>(static_cast<unsigned char>(s[n - 1])) << 16);
  }
  // Fold with the length (so "a" and "a\0" differ) through a 128-bit multiply (wyhash-style mixing).
  const unsigned __int128 product =
      static_cast<unsigned __int128>(a ^ 0x9E3779B97F4A7C15ULL ^ n) * (b ^ 0xBF58476D1CE4E5B9ULL);
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

inline uint64_t MixRecord(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Counts per distinct string, open addressing on a 64-bit hash; at most `max_keys` keys (later new keys
/// are counted in `untracked`). No allocation for keys already present.
class StringCounter {
 public:
  explicit StringCounter(size_t max_keys) : max_keys_(max_keys) { slots_.assign(16, kEmpty); }

  /// Count `key` once; `record` (increasing) also counts records containing it. Returns the key's index or -1.
  int64_t Add(std::string_view key, uint64_t record) {
    const uint64_t hash = HashText(key);
    size_t mask = slots_.size() - 1;
    size_t slot = hash & mask;
    while (slots_[slot] != kEmpty) {
      const uint32_t index = slots_[slot];
      if (hashes_[index] == hash && keys_[index].size() == key.size() &&
          std::memcmp(keys_[index].data(), key.data(), key.size()) == 0) {
        ++counts_[index];
        if (last_record_[index] != record) {
          last_record_[index] = record;
          ++records_[index];
        }
        return index;
      }
      slot = (slot + 1) & mask;
    }
    if (keys_.size() >= max_keys_) {
      ++untracked_;
      return -1;
    }
    const uint32_t index = static_cast<uint32_t>(keys_.size());
    keys_.emplace_back(key);
    hashes_.push_back(hash);
    counts_.push_back(1);
    records_.push_back(1);
    last_record_.push_back(record);
    slots_[slot] = index;
    if (keys_.size() * 2 > slots_.size()) Grow();
    return index;
  }

  size_t size() const { return keys_.size(); }
  uint64_t untracked() const { return untracked_; }
  const std::string& key(size_t i) const { return keys_[i]; }
  uint64_t count(size_t i) const { return counts_[i]; }
  uint64_t records(size_t i) const { return records_[i]; }
  uint64_t hash(size_t i) const { return hashes_[i]; }

  /// Indexes sorted by count descending, then key ascending (deterministic).
  std::vector<uint32_t> ByCountDescending() const {
    std::vector<uint32_t> order(keys_.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) {
      if (counts_[a] != counts_[b]) return counts_[a] > counts_[b];
      return keys_[a] < keys_[b];
    });
    return order;
  }

 private:
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu;

  void Grow() {
    std::vector<uint32_t> slots(slots_.size() * 2, kEmpty);
    const size_t mask = slots.size() - 1;
    for (uint32_t i = 0; i < keys_.size(); ++i) {
      size_t slot = hashes_[i] & mask;
      while (slots[slot] != kEmpty) slot = (slot + 1) & mask;
      slots[slot] = i;
    }
    slots_.swap(slots);
  }

  size_t max_keys_;
  std::vector<uint32_t> slots_;
  std::vector<std::string> keys_;
  std::vector<uint64_t> hashes_;
  std::vector<uint64_t> counts_;
  std::vector<uint64_t> records_;
  std::vector<uint64_t> last_record_;
  uint64_t untracked_ = 0;
};

/// CATEGORICAL values: a count per distinct value, values numbered densely in first-seen order (the ids
/// the correlation sample keeps). A value of up to 32 bytes is its own key: its first 16 bytes (zero-padded)
/// and, beyond 16 bytes, its last 16, with its length; two 16-byte loads read it and two SIMD comparisons
/// compare it: no string comparison call and no hash function over the bytes. Longer values are compared
/// byte by byte once their key matches. Counts live in the table's slots (one cache line per look-up).
/// At most `max_keys` values (later new values are counted in `untracked`).
class ValueCounter {
 public:
  static constexpr uint32_t kUntracked = 0xFFFFFFFFu;

  explicit ValueCounter(size_t max_keys) : max_keys_(max_keys) { slots_.resize(size_t{1} << (64 - shift_)); }

  /// Count `value` once; its id, or kUntracked.
  uint32_t Add(std::string_view value) {
    const size_t n = value.size();
    const __m128i head = Head(value);
    // The last 16 bytes of a longer value (in bounds: n > 16); a zero block otherwise.
    const __m128i tail = _mm_loadu_si128(reinterpret_cast<const __m128i*>(n > 16 ? value.data() + n - 16 : kZeros));
    const uint32_t length = static_cast<uint32_t>(std::min<size_t>(n, kEmptyLength - 1));
    const size_t mask = slots_.size() - 1;
    for (size_t slot = Home(head, tail, length);; slot = (slot + 1) & mask) {
      Slot& s = slots_[slot];
      // One branch for the 32 bytes and the length (an empty slot's length matches no value's).
      const __m128i equal = _mm_and_si128(_mm_cmpeq_epi8(s.head, head), _mm_cmpeq_epi8(s.tail, tail));
      if (((_mm_movemask_epi8(equal) ^ 0xFFFF) | (s.length ^ length)) == 0 && (n <= 32 || keys_[s.id] == value))
          [[likely]] {
        ++s.count;
        return s.id;
      }
      if (s.id == kUntracked) return Insert(slot, head, tail, length, value);
    }
  }

  size_t size() const { return keys_.size(); }
  uint64_t untracked() const { return untracked_; }
  const std::string& key(size_t i) const { return keys_[i]; }
  uint64_t count(size_t i) const { return slots_[slot_of_[i]].count; }

  /// Ids sorted by count descending, then value ascending (deterministic).
  std::vector<uint32_t> ByCountDescending() const {
    std::vector<uint32_t> order(keys_.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [this](uint32_t x, uint32_t y) {
      if (count(x) != count(y)) return count(x) > count(y);
      return keys_[x] < keys_[y];
    });
    return order;
  }

 private:
  static constexpr uint32_t kEmptyLength = 0xFFFFFFFFu;  // no value's (lengths are capped below it)
  alignas(16) static constexpr char kZeros[16] = {};
  struct alignas(64) Slot {
    __m128i head = _mm_setzero_si128();
    __m128i tail = _mm_setzero_si128();
    uint32_t length = kEmptyLength;
    uint32_t id = kUntracked;
    uint64_t count = 0;
  };

  /// The first min(n, 16) bytes of a value, zero-padded to 16: one 16-byte load masked to the value. The
  /// load may read past a short value's end but never past its 4 KB page (the unit of memory protection, so
  /// it cannot fault); a value near a page's end, or empty, is copied instead. The bytes past the value are
  /// masked off before use (hence the sanitizer's check is off for this read).
  __attribute__((no_sanitize_address)) static __m128i Head(std::string_view s) {
    alignas(16) static constexpr unsigned char kMasks[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                                             0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    const size_t n = std::min<size_t>(s.size(), 16);
    if ((reinterpret_cast<uintptr_t>(s.data()) & 4095) <= 4096 - 16 && n != 0) [[likely]] {
      return _mm_and_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data())),
                           _mm_loadu_si128(reinterpret_cast<const __m128i*>(kMasks + 16 - n)));
    }
    alignas(16) char copy[16] = {};
    if (n != 0) std::memcpy(copy, s.data(), n);
    return _mm_load_si128(reinterpret_cast<const __m128i*>(copy));
  }

  /// Home slot: multiplicative hashing of the key's words (two independent multiplies, the top bits kept).
  size_t Home(__m128i head, __m128i tail, uint32_t length) const {
    const __m128i mixed = _mm_xor_si128(head, tail);
    const uint64_t a = static_cast<uint64_t>(_mm_cvtsi128_si64(mixed)) ^ length;
    const uint64_t b = static_cast<uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(mixed, mixed)));
    return static_cast<size_t>(((a * 0x9E3779B97F4A7C15ULL) ^ (b * 0xC2B2AE3D27D4EB4FULL)) >> shift_);
  }

  uint32_t Insert(size_t slot, __m128i head, __m128i tail, uint32_t length, std::string_view value) {
    if (keys_.size() >= max_keys_) {
      ++untracked_;
      return kUntracked;
    }
    const uint32_t id = static_cast<uint32_t>(keys_.size());
    keys_.emplace_back(value);
    slot_of_.push_back(static_cast<uint32_t>(slot));
    Slot& s = slots_[slot];
    s.head = head;
    s.tail = tail;
    s.length = length;
    s.id = id;
    s.count = 1;
    // At most a quarter full while small (few collisions, so the look-up rarely probes twice), half beyond.
    if (keys_.size() * (slots_.size() < 8192 ? 4 : 2) > slots_.size()) Grow();
    return id;
  }

  void Grow() {
    std::vector<Slot> slots(slots_.size() * 2);
    --shift_;
    const size_t mask = slots.size() - 1;
    for (const Slot& old : slots_) {
      if (old.id == kUntracked) continue;
      size_t slot = Home(old.head, old.tail, old.length);
      while (slots[slot].id != kUntracked) slot = (slot + 1) & mask;
      slots[slot] = old;
      slot_of_[old.id] = static_cast<uint32_t>(slot);
    }
    slots_.swap(slots);
  }

  size_t max_keys_;
  unsigned shift_ = 64 - 7;  // 2^(64 - shift_) slots: 128 to start with (8 KB)
  std::vector<Slot> slots_;
  std::vector<std::string> keys_;  // by id
  std::vector<uint32_t> slot_of_;  // by id: its slot
  uint64_t untracked_ = 0;
};

struct AttributeState {
  AttributeType type;
  uint64_t missing = 0;
  uint64_t invalid = 0;
  // NUMERIC
  QuantileSketch sketch;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0.0, sum_compensation = 0.0;  // compensated sum (sum + sum_compensation)
  double shift = 0.0;          // K: the first value
  double shifted_mean = 0.0;   // mean of x - K
  double m2 = 0.0;             // sum of squared deviations from the mean (Chan et al.)
  // BINARY
  uint64_t trues = 0, falses = 0;
  // CATEGORICAL values
  ValueCounter categories;
  // TEXT tokens
  StringCounter values;
  // TEXT
  uint64_t total_words = 0;
  uint64_t min_words = std::numeric_limits<uint64_t>::max(), max_words = 0;
  uint64_t min_length = std::numeric_limits<uint64_t>::max(), max_length = 0;

  AttributeState(AttributeType t, const StatsOptions& options)
      : type(t),
        sketch(options.max_exact_numeric_values),
        categories(t == AttributeType::kCategorical ? options.max_distinct_values : 0),
        values(t == AttributeType::kText ? options.max_distinct_values : 0) {}
};

/// Counts per 64-bit key in an open-addressing table (the correlation hot loop: no allocation per key).
class FlatCounts {
 public:
  explicit FlatCounts(size_t expected) {
    size_t size = 16;
    while (size < expected * 2) size *= 2;
    keys_.assign(size, kEmpty);
    counts_.assign(size, 0);
    used_.reserve(expected);
  }
  void Add(uint64_t key) {
    if (key == kEmpty) key = kEmptyAlias;
    const size_t mask = keys_.size() - 1;
    size_t slot = MixRecord(key) & mask;
    while (keys_[slot] != key) {
      if (keys_[slot] == kEmpty) {
        keys_[slot] = key;
        used_.push_back(static_cast<uint32_t>(slot));
        break;
      }
      slot = (slot + 1) & mask;
    }
    ++counts_[slot];
    if (used_.size() * 2 > keys_.size()) Grow();
  }
  /// Shannon entropy in bits of the counted distribution over `total` samples.
  double Entropy(double total) const {
    double h = 0.0;
    for (uint32_t slot : used_) {
      const double p = counts_[slot] / total;
      h -= p * std::log2(p);
    }
    return h;
  }
  size_t distinct() const { return used_.size(); }

 private:
  void Grow() {
    std::vector<uint64_t> keys(keys_.size() * 2, kEmpty);
    std::vector<uint32_t> counts(keys.size(), 0);
    std::vector<uint32_t> used;
    used.reserve(used_.size() * 2);
    const size_t mask = keys.size() - 1;
    for (uint32_t old : used_) {
      size_t slot = MixRecord(keys_[old]) & mask;
      while (keys[slot] != kEmpty) slot = (slot + 1) & mask;
      keys[slot] = keys_[old];
      counts[slot] = counts_[old];
      used.push_back(static_cast<uint32_t>(slot));
    }
    keys_.swap(keys);
    counts_.swap(counts);
    used_.swap(used);
  }

  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static constexpr uint64_t kEmptyAlias = ~uint64_t{0} - 1;  // collides only with itself in practice
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> counts_;
  std::vector<uint32_t> used_;
};

/// Decile boundaries of an attribute over all its values, without repeats, from its quantile grid (values at
/// ranks 0, 1/1000, ..., 1: the decile i/10 is grid value 100 i, as QuantileSketch::Quantiles(10) gives it).
std::vector<double> Deciles(const std::vector<double>& grid) {
  if (grid.size() != kQuantileGrid + 1) return {};
  std::vector<double> boundaries;
  for (int i = 1; i < 10; ++i) boundaries.push_back(grid[i * kQuantileGrid / 10]);
  boundaries.erase(std::unique(boundaries.begin(), boundaries.end()), boundaries.end());
  return boundaries;
}

/// Entropies and mutual information in bits of dense class ids (0..classes-1) over paired samples, counted
/// in arrays; the joint table falls back to a hash table when classes x target classes is large.
class MutualInformationCounter {
 public:
  double Entropy(const std::vector<uint32_t>& x, uint32_t classes) {
    counts_.assign(classes, 0);
    for (uint32_t c : x) ++counts_[c];
    return EntropyOf(counts_, static_cast<double>(x.size()));
  }

  /// I(X;T) = H(X) + H(T) - H(X,T), clamped at 0 (rounding); `t_entropy` is H(T) (Entropy(t, t_classes)).
  /// One pass over the pairs: the joint counts, whose row sums are the counts of X.
  double MutualInformation(const std::vector<uint32_t>& x, uint32_t x_classes, const std::vector<uint32_t>& t,
                           uint32_t t_classes, double t_entropy) {
    if (x.empty()) return 0.0;
    const double n = static_cast<double>(x.size());
    double hx = 0.0;
    double joint = 0.0;
    const uint64_t cells = static_cast<uint64_t>(x_classes) * t_classes;
    if (cells <= std::max<uint64_t>(4096, 4 * x.size())) {
      // Four sets of counts, summed after: consecutive pairs often fall in the same cell, and one set would
      // make each increment wait for the previous one's store.
      counts_.assign(4 * cells, 0);
      uint32_t* const lanes[4] = {counts_.data(), counts_.data() + cells, counts_.data() + 2 * cells,
                                  counts_.data() + 3 * cells};
      size_t k = 0;
      for (; k + 4 <= x.size(); k += 4) {
        for (int l = 0; l < 4; ++l) ++lanes[l][static_cast<uint64_t>(x[k + l]) * t_classes + t[k + l]];
      }
      for (; k < x.size(); ++k) ++lanes[0][static_cast<uint64_t>(x[k]) * t_classes + t[k]];
      for (uint64_t c = 0; c < cells; ++c) counts_[c] += lanes[1][c] + lanes[2][c] + lanes[3][c];
      for (uint64_t row = 0; row < x_classes; ++row) {
        uint64_t row_count = 0;
        for (uint64_t c = row * t_classes; c < (row + 1) * t_classes; ++c) {
          if (counts_[c] == 0) continue;
          row_count += counts_[c];
          const double p = counts_[c] / n;
          joint -= p * std::log2(p);
        }
        if (row_count == 0) continue;
        const double p = row_count / n;
        hx -= p * std::log2(p);
      }
    } else {
      hx = Entropy(x, x_classes);
      FlatCounts pairs(1024);
      for (size_t k = 0; k < x.size(); ++k) pairs.Add(static_cast<uint64_t>(x[k]) * t_classes + t[k]);
      joint = pairs.Entropy(n);
    }
    return std::max(0.0, hx + t_entropy - joint);
  }

 private:
  static double EntropyOf(const std::vector<uint32_t>& counts, double total) {
    double h = 0.0;
    for (uint32_t c : counts) {
      if (c == 0) continue;
      const double p = c / total;
      h -= p * std::log2(p);
    }
    return h;
  }

  std::vector<uint32_t> counts_;
};

/// One compensated step: s + c accumulates x, the exact rounding error of s + x (Knuth's TwoSum, no
/// branch, the same accuracy as Neumaier's) kept in c.
inline void CompensatedAdd(double& s, double& c, double x) {
  const double t = s + x;
  const double xp = t - s;
  c += (s - (t - xp)) + (x - xp);
  s = t;
}

/// Fold `n` present values of one NUMERIC attribute (a batch) into its state: min/max, the compensated sum
/// (four lanes, so that the steps of different lanes overlap, merged into the running sum), the squared
/// deviations and the quantile sketch. Deviations are taken from a shift K (the attribute's first value) so
/// that means far from zero lose no digits: the batch's own squared deviations from its mean, merged with
/// the running ones by Chan et al.'s formula.
void AddNumericBatch(AttributeState& a, const double* x, size_t n) {
  if (n == 0) return;
  const uint64_t before = a.sketch.count();  // present values so far (the sketch counts every one)
  if (before == 0) a.shift = x[0];
  const double shift = a.shift;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  double lo[4] = {kInf, kInf, kInf, kInf};
  double hi[4] = {-kInf, -kInf, -kInf, -kInf};
  double s[4] = {0, 0, 0, 0};
  double c[4] = {0, 0, 0, 0};
  double ds[4] = {0, 0, 0, 0};  // sums of x - K
  size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    for (int l = 0; l < 4; ++l) {
      const double v = x[k + l];
      lo[l] = std::min(lo[l], v);
      hi[l] = std::max(hi[l], v);
      CompensatedAdd(s[l], c[l], v);
      ds[l] += v - shift;
    }
  }
  for (; k < n; ++k) {
    lo[0] = std::min(lo[0], x[k]);
    hi[0] = std::max(hi[0], x[k]);
    CompensatedAdd(s[0], c[0], x[k]);
    ds[0] += x[k] - shift;
  }
  double batch_sum = s[0];
  double batch_compensation = c[0] + c[1] + c[2] + c[3];
  for (int l = 1; l < 4; ++l) CompensatedAdd(batch_sum, batch_compensation, s[l]);
  const double nb = static_cast<double>(n);
  const double batch_mean = ((ds[0] + ds[1]) + (ds[2] + ds[3])) / nb;  // of x - K
  double d[4] = {0, 0, 0, 0};
  k = 0;
  for (; k + 4 <= n; k += 4) {
    for (int l = 0; l < 4; ++l) {
      const double e = (x[k + l] - shift) - batch_mean;
      d[l] += e * e;
    }
  }
  for (; k < n; ++k) {
    const double e = (x[k] - shift) - batch_mean;
    d[0] += e * e;
  }
  const double batch_m2 = (d[0] + d[1]) + (d[2] + d[3]);
  const double na = static_cast<double>(before);
  const double delta = batch_mean - a.shifted_mean;
  a.m2 += batch_m2 + delta * delta * (na * nb / (na + nb));
  a.shifted_mean += delta * (nb / (na + nb));
  CompensatedAdd(a.sum, a.sum_compensation, batch_sum);
  a.sum_compensation += batch_compensation;
  a.min = std::min({a.min, lo[0], lo[1], lo[2], lo[3]});
  a.max = std::max({a.max, hi[0], hi[1], hi[2], hi[3]});
  a.sketch.AddMany(x, n);
}

}  // namespace

struct StatsAccumulator::Impl {
  Schema schema;
  StatsOptions options;
  RecordTyper typer;
  TypedRecord scratch_record;
  std::string word_scratch;
  std::vector<AttributeState> attributes;
  // Attribute indexes by type: the per-record loop runs over each list (no switch per value).
  std::vector<uint32_t> numeric_attributes, binary_attributes, categorical_attributes, text_attributes;
  // CATEGORICAL: each attribute's counter (the states never move), and the id of the record's value (for the
  // correlation sample), by position in categorical_attributes.
  std::vector<ValueCounter*> category_counters;
  std::vector<uint32_t> category_ids;
  uint64_t records = 0;
  int target = -1;
  // NUMERIC values are buffered for up to kBatch records (record by record: one store per value), then
  // folded in one attribute at a time (Flush): its state and quantile table stay in cache, and the loops
  // over the column have no dependency from one value to the next (so they overlap). Values that are not
  // present (rare) are listed in numeric_gaps and left out by Flush.
  static constexpr size_t kBatch = 256;
  std::vector<double> numeric_batch;  // kBatch x numeric_attributes.size()
  std::vector<uint32_t> numeric_gaps;  // batch_records * numeric_attributes.size() + j of values not present
  std::vector<double> column_scratch;  // one attribute's present values of the batch
  size_t batch_records = 0;

  // Correlation sample: records whose hash is below `threshold` (halved whenever the sample is full),
  // column by column. Codes: NUMERIC the value's bits, BINARY 0 or 1, CATEGORICAL the value's id
  // (kUntrackedCode when not tracked); kMissingCode / kInvalidCode. TEXT: the sorted distinct token hashes
  // of each sampled record (`token_ends`: where each record's tokens end).
  struct SampleColumn {
    std::vector<uint64_t> codes;
    std::vector<uint64_t> tokens;
    std::vector<uint32_t> token_ends;
    size_t TokenBegin(size_t row) const { return row == 0 ? 0 : token_ends[row - 1]; }
  };
  size_t sample_capacity = 0;
  uint64_t threshold = std::numeric_limits<uint64_t>::max();
  std::vector<uint64_t> sample_hashes;  // per sampled record
  std::vector<SampleColumn> sample;     // per attribute
  std::vector<uint64_t> token_hashes_scratch;
  std::vector<uint32_t> thin_rows_scratch;

  Impl(const Schema& s, StatsOptions o) : schema(s), options(o), typer(s) {
    attributes.reserve(schema.attributes.size());
    for (uint32_t i = 0; i < schema.attributes.size(); ++i) {
      const AttributeType type = schema.attributes[i].type;
      attributes.emplace_back(type, options);
      switch (type) {
        case AttributeType::kNumeric:
          numeric_attributes.push_back(i);
          break;
        case AttributeType::kBinary:
          binary_attributes.push_back(i);
          break;
        case AttributeType::kCategorical:
          categorical_attributes.push_back(i);
          break;
        case AttributeType::kText:
          text_attributes.push_back(i);
          break;
      }
    }
    target = schema.target_index();
    const size_t width = std::max<size_t>(1, schema.attributes.size());
    sample_capacity = std::max<size_t>(16, std::min(options.correlation_sample_records, kMaxSampleCells / width));
    sample.resize(schema.attributes.size());
    numeric_batch.resize(numeric_attributes.size() * kBatch);
    column_scratch.resize(kBatch);
    for (uint32_t i : categorical_attributes) category_counters.push_back(&attributes[i].categories);
    category_ids.assign(categorical_attributes.size(), 0);
  }

  /// Fold the buffered NUMERIC values into the attributes' states.
  void Flush() {
    const size_t width = numeric_attributes.size();
    const double* const batch = numeric_batch.data();
    double* const column = column_scratch.data();
    for (size_t j = 0; j < width; ++j) {
      size_t n = 0;
      if (numeric_gaps.empty()) [[likely]] {
        for (size_t r = 0; r < batch_records; ++r) column[r] = batch[r * width + j];
        n = batch_records;
      } else {
        size_t g = 0;  // numeric_gaps is increasing
        for (size_t r = 0; r < batch_records; ++r) {
          const size_t cell = r * width + j;
          while (g < numeric_gaps.size() && numeric_gaps[g] < cell) ++g;
          if (g < numeric_gaps.size() && numeric_gaps[g] == cell) continue;
          column[n++] = batch[cell];
        }
      }
      AddNumericBatch(attributes[numeric_attributes[j]], column, n);
    }
    numeric_gaps.clear();
    batch_records = 0;
  }

  void Add(const TypedRecord& record) {
    const uint64_t record_number = records++;
    if (record.size() < attributes.size()) {
      // Short records (not from DataSetReader): the missing values read as empty fields.
      TypedRecord padded = record;
      padded.resize(attributes.size());
      for (size_t i = record.size(); i < padded.size(); ++i) {
        if (attributes[i].type == AttributeType::kCategorical || attributes[i].type == AttributeType::kText) {
          padded[i].state = ValueState::kPresent;
        }
      }
      --records;
      Add(padded);
      return;
    }
    const TypedValue* values = record.data();
    const size_t numeric_width = numeric_attributes.size();
    double* const row = numeric_batch.data() + batch_records * numeric_width;
    for (size_t j = 0; j < numeric_width; ++j) {
      const TypedValue& v = values[numeric_attributes[j]];
      row[j] = v.number;
      if (v.state != ValueState::kPresent) [[unlikely]] {
        ++(v.state == ValueState::kMissing ? attributes[numeric_attributes[j]].missing
                                           : attributes[numeric_attributes[j]].invalid);
        numeric_gaps.push_back(static_cast<uint32_t>(batch_records * numeric_width + j));
      }
    }
    for (uint32_t i : binary_attributes) {
      AttributeState& a = attributes[i];
      const TypedValue& v = values[i];
      if (v.state == ValueState::kPresent) {
        (v.number != 0.0 ? a.trues : a.falses) += 1;
      } else if (v.state == ValueState::kMissing) {
        ++a.missing;
      } else {
        ++a.invalid;
      }
    }
    for (size_t j = 0; j < categorical_attributes.size(); ++j) {
      category_ids[j] = category_counters[j]->Add(values[categorical_attributes[j]].text);
    }
    for (uint32_t i : text_attributes) {
      AttributeState& a = attributes[i];
      uint64_t words = 0;
      ForEachWord(values[i].text, word_scratch, [&](std::string_view word) {
        ++words;
        a.min_length = std::min<uint64_t>(a.min_length, word.size());
        a.max_length = std::max<uint64_t>(a.max_length, word.size());
        a.values.Add(word, record_number);
      });
      a.total_words += words;
      a.min_words = std::min(a.min_words, words);
      a.max_words = std::max(a.max_words, words);
    }
    if (target >= 0) {
      const uint64_t h = MixRecord(record_number);
      if (h < threshold) Sample(values, h);
    }
    if (++batch_records == kBatch) Flush();
  }

  void Sample(const TypedValue* values, uint64_t h) {
    if (sample_hashes.empty()) {
      // Reserve once (pages are touched only as the sample fills): no copying as it grows.
      const size_t expected = sample_capacity + 1;
      sample_hashes.reserve(expected);
      for (size_t i = 0; i < sample.size(); ++i) {
        if (attributes[i].type == AttributeType::kText) {
          sample[i].token_ends.reserve(expected);
        } else {
          sample[i].codes.reserve(expected);
        }
      }
    }
    sample_hashes.push_back(h);
    // One loop per type (no type test per value). Codes: see SampleColumn.
    for (uint32_t i : numeric_attributes) {
      const TypedValue& v = values[i];
      sample[i].codes.push_back(v.state == ValueState::kPresent ? std::bit_cast<uint64_t>(v.number == 0.0 ? 0.0 : v.number)
                                : v.state == ValueState::kMissing ? kMissingCode
                                                                  : kInvalidCode);
    }
    for (uint32_t i : binary_attributes) {
      const TypedValue& v = values[i];
      sample[i].codes.push_back(v.state == ValueState::kPresent ? (v.number != 0.0 ? 1 : 0)
                                : v.state == ValueState::kMissing ? kMissingCode
                                                                  : kInvalidCode);
    }
    for (size_t j = 0; j < categorical_attributes.size(); ++j) {
      const uint32_t i = categorical_attributes[j];
      const uint32_t id = category_ids[j];
      sample[i].codes.push_back(id == ValueCounter::kUntracked ? kUntrackedCode : id);
    }
    for (uint32_t i : text_attributes) {
      SampleColumn& column = sample[i];
      token_hashes_scratch.clear();
      ForEachWord(values[i].text, word_scratch, [&](std::string_view word) {
        if (token_hashes_scratch.size() < kMaxSampledTokensPerValue) token_hashes_scratch.push_back(HashText(word));
      });
      std::sort(token_hashes_scratch.begin(), token_hashes_scratch.end());
      token_hashes_scratch.erase(std::unique(token_hashes_scratch.begin(), token_hashes_scratch.end()),
                                 token_hashes_scratch.end());
      column.tokens.insert(column.tokens.end(), token_hashes_scratch.begin(), token_hashes_scratch.end());
      column.token_ends.push_back(static_cast<uint32_t>(column.tokens.size()));
    }
    if (sample_hashes.size() > sample_capacity) Thin();
  }

  /// Halve the sampling threshold and drop the records above it (keeps a uniform hash sample), in place,
  /// one column at a time.
  void Thin() {
    while (sample_hashes.size() > sample_capacity) {
      threshold /= 2;
      thin_rows_scratch.clear();
      for (uint32_t r = 0; r < sample_hashes.size(); ++r) {
        if (sample_hashes[r] < threshold) thin_rows_scratch.push_back(r);
      }
      const size_t kept = thin_rows_scratch.size();
      for (size_t k = 0; k < kept; ++k) sample_hashes[k] = sample_hashes[thin_rows_scratch[k]];
      sample_hashes.resize(kept);
      for (size_t i = 0; i < sample.size(); ++i) {
        SampleColumn& column = sample[i];
        if (attributes[i].type != AttributeType::kText) {
          for (size_t k = 0; k < kept; ++k) column.codes[k] = column.codes[thin_rows_scratch[k]];
          column.codes.resize(kept);
          continue;
        }
        // Tokens move down (row k <= its source row, so the destination never passes the source).
        size_t to = 0;
        for (size_t k = 0; k < kept; ++k) {
          const uint32_t r = thin_rows_scratch[k];
          const size_t begin = column.TokenBegin(r);
          const size_t end = column.token_ends[r];
          std::copy(column.tokens.begin() + begin, column.tokens.begin() + end, column.tokens.begin() + to);
          to += end - begin;
          column.token_ends[k] = static_cast<uint32_t>(to);
        }
        column.token_ends.resize(kept);
        column.tokens.resize(to);
      }
    }
  }

  DataSourceStatistics Finish(uint64_t bad_records) const;
  void FinishNumeric(const AttributeState& a, AttributeStatistics* out) const;
  void FinishCorrelations(DataSourceStatistics* out) const;
};

void StatsAccumulator::Impl::FinishNumeric(const AttributeState& a, AttributeStatistics* out) const {
  NumericSummary s;
  s.count = a.sketch.count();
  if (s.count > 0) {
    const double n = static_cast<double>(s.count);
    const double sum = a.sum + a.sum_compensation;
    s.min = a.min;
    s.max = a.max;
    s.mean = std::clamp(sum / n, a.min, a.max);
    s.stddev = std::sqrt(std::max(0.0, a.m2 / n));
    s.quantile_rank_error = a.sketch.rank_error();
    const std::vector<std::pair<double, uint64_t>> items = a.sketch.WeightedValues();
    s.quantiles = QuantileSketch::QuantilesOf(items, kQuantileGrid);
    s.median = s.quantiles[kQuantileGrid / 2];  // the value at rank 1/2, as QuantileSketch::Quantile(0.5)
    // Histogram from the sketch's weighted values (exact while the sketch is exact).
    const int bins = std::max(1, options.histogram_bins);
    s.histogram_min = a.min;
    s.histogram_max = a.max;
    s.histogram_counts.assign(bins, 0);
    const double width = (a.max - a.min) / bins;
    for (const auto& [value, weight] : items) {
      int bin = width > 0 ? static_cast<int>((value - a.min) / width) : 0;
      bin = std::clamp(bin, 0, bins - 1);
      s.histogram_counts[bin] += weight;
    }
  }
  out->numeric = std::move(s);
}

DataSourceStatistics StatsAccumulator::Impl::Finish(uint64_t bad_records) const {
  DataSourceStatistics out;
  out.records_processed = records;
  out.bad_records = bad_records;
  out.target_attribute_name = schema.target;
  for (size_t i = 0; i < attributes.size(); ++i) {
    const AttributeState& a = attributes[i];
    const Attribute& attribute = schema.attributes[i];
    ++out.attribute_counts_by_type[std::string(AttributeTypeName(attribute.type))];
    AttributeStatistics s;
    s.name = attribute.name;
    s.type = attribute.type;
    if (static_cast<int>(i) == target) {
      s.role = "target";
    } else if (static_cast<int>(i) == schema.row_id_index()) {
      s.role = "rowId";
    } else if (!schema.IsInput(static_cast<int>(i))) {
      s.role = "excluded";
    }
    s.missing_count = a.missing;
    s.invalid_count = a.invalid;
    switch (a.type) {
      case AttributeType::kNumeric:
        FinishNumeric(a, &s);
        break;
      case AttributeType::kBinary: {
        BinarySummary b;
        b.true_count = a.trues;
        b.false_count = a.falses;
        const uint64_t valid = a.trues + a.falses;
        b.percent_true = valid == 0 ? 0.0 : 100.0 * static_cast<double>(a.trues) / static_cast<double>(valid);
        s.binary = b;
        break;
      }
      case AttributeType::kCategorical: {
        CategoricalSummary c;
        c.unique_count = a.categories.size();
        c.unique_count_exact = a.categories.untracked() == 0;
        const std::vector<uint32_t> order = a.categories.ByCountDescending();
        uint64_t top = 0;
        for (size_t k = 0; k < order.size() && k < options.top_values; ++k) {
          c.top_values.push_back({a.categories.key(order[k]), a.categories.count(order[k])});
          top += a.categories.count(order[k]);
        }
        c.other_count = records - top;
        for (size_t k = 0; k < order.size() && k < options.least_frequent_values; ++k) {
          const uint32_t index = order[order.size() - 1 - k];
          c.least_frequent_values.push_back({a.categories.key(index), a.categories.count(index)});
        }
        s.categorical = std::move(c);
        break;
      }
      case AttributeType::kText: {
        TextSummary t;
        t.total_words = a.total_words;
        t.unique_words = a.values.size();
        t.unique_words_exact = a.values.untracked() == 0;
        if (records > 0) {
          t.min_words_per_record = a.min_words;
          t.max_words_per_record = a.max_words;
        }
        if (a.total_words > 0) {
          t.min_word_length = a.min_length;
          t.max_word_length = a.max_length;
        }
        s.text = std::move(t);
        break;
      }
    }
    out.attributes.push_back(std::move(s));
  }
  // Target distribution.
  if (target >= 0) {
    const AttributeStatistics& t = out.attributes[target];
    if (t.binary) {
      out.target_distribution = {{"0", t.binary->false_count}, {"1", t.binary->true_count}};
      if (t.binary->true_count > t.binary->false_count) std::swap(out.target_distribution[0], out.target_distribution[1]);
    } else if (t.categorical) {
      const AttributeState& a = attributes[target];
      for (uint32_t index : a.categories.ByCountDescending()) {
        out.target_distribution.push_back({a.categories.key(index), a.categories.count(index)});
      }
    }
  }
  FinishCorrelations(&out);
  return out;
}

void StatsAccumulator::Impl::FinishCorrelations(DataSourceStatistics* out) const {
  const size_t width = attributes.size();
  const size_t rows = sample_hashes.size();
  // Prominent words without a target: ranked by the entropy of "record contains the word".
  auto presence_entropy = [](double p) {
    if (p <= 0.0 || p >= 1.0) return 0.0;
    return -(p * std::log2(p) + (1 - p) * std::log2(1 - p));
  };
  if (target < 0 || rows == 0) {
    for (size_t i = 0; i < width; ++i) {
      const AttributeState& a = attributes[i];
      if (a.type != AttributeType::kText) continue;
      std::vector<TokenSummary> words;
      for (uint32_t index : a.values.ByCountDescending()) {
        if (words.size() >= kTokenCandidates) break;
        const double p = records == 0 ? 0.0 : static_cast<double>(a.values.records(index)) / records;
        words.push_back({0, a.values.key(index), presence_entropy(p), a.values.records(index), 100.0 * p});
      }
      std::stable_sort(words.begin(), words.end(),
                       [](const TokenSummary& x, const TokenSummary& y) { return x.prominence > y.prominence; });
      if (words.size() > options.prominent_words) words.resize(options.prominent_words);
      for (size_t r = 0; r < words.size(); ++r) words[r].rank = static_cast<int>(r + 1);
      out->attributes[i].text->prominent_words = std::move(words);
    }
    return;
  }

  // Every attribute's codes become dense classes 0..classes-1, so that mutual information is counted in
  // arrays: NUMERIC decile bins (boundaries from the full quantile grid), BINARY 0/1, CATEGORICAL value
  // ids (untracked values one class); missing and invalid one class each.
  auto classes_of = [&](size_t i, const std::vector<size_t>& rows_in, std::vector<uint32_t>* x) -> uint32_t {
    const AttributeState& a = attributes[i];
    const std::vector<uint64_t>& codes = sample[i].codes;
    x->resize(rows_in.size());
    std::vector<double> boundaries;
    uint32_t values = 0;
    if (a.type == AttributeType::kNumeric) {
      boundaries = Deciles(out->attributes[i].numeric->quantiles);
      values = static_cast<uint32_t>(boundaries.size() + 1);
    } else if (a.type == AttributeType::kBinary) {
      values = 2;
    } else {
      values = static_cast<uint32_t>(a.categories.size() + 1);  // the last: untracked values
    }
    // One loop per type (no type test per value).
    const uint64_t* const code_of = codes.data();
    uint32_t* const classes = x->data();
    const size_t m = rows_in.size();
    if (a.type == AttributeType::kNumeric) {
      // Bin: the number of boundaries (at most 9) <= the value, two comparisons per SIMD instruction and no
      // branch. Unused slots are +inf, which no value reaches; nor do the NaN codes of missing and invalid
      // values, which get their own classes.
      alignas(16) double b[10];
      std::fill(b, b + 10, std::numeric_limits<double>::infinity());
      std::copy(boundaries.begin(), boundaries.begin() + std::min<size_t>(boundaries.size(), 10), b);
      for (size_t k = 0; k < m; ++k) {
        const uint64_t code = code_of[rows_in[k]];
        const __m128d value = _mm_set1_pd(std::bit_cast<double>(code));
        __m128i below = _mm_setzero_si128();  // each comparison that holds adds -(-1)
        for (int q = 0; q < 10; q += 2) {
          below = _mm_sub_epi64(below, _mm_castpd_si128(_mm_cmple_pd(_mm_load_pd(b + q), value)));
        }
        const uint32_t bin = static_cast<uint32_t>(_mm_cvtsi128_si64(below) +
                                                   _mm_cvtsi128_si64(_mm_unpackhi_epi64(below, below)));
        classes[k] = code == kMissingCode ? values : code == kInvalidCode ? values + 1 : bin;
      }
    } else {
      // BINARY 0/1 and CATEGORICAL ids are their class; untracked values the last one before missing.
      for (size_t k = 0; k < m; ++k) {
        const uint64_t code = code_of[rows_in[k]];
        classes[k] = code == kMissingCode     ? values
                     : code == kInvalidCode   ? values + 1
                     : code == kUntrackedCode ? values - 1
                                              : static_cast<uint32_t>(code);
      }
    }
    return values + 2;
  };

  // Target classes on the sample; records with a missing or invalid target are left out.
  std::vector<size_t> kept;
  for (size_t r = 0; r < rows; ++r) {
    const uint64_t code = sample[target].codes[r];
    if (code == kMissingCode || code == kInvalidCode) continue;
    kept.push_back(r);
  }
  if (kept.empty()) return;
  std::vector<uint32_t> t;
  const uint32_t target_classes = classes_of(static_cast<size_t>(target), kept, &t);
  MutualInformationCounter mi_counter;
  const double target_entropy = mi_counter.Entropy(t, target_classes);
  auto normalise = [target_entropy](double mi) { return target_entropy > 0 ? std::min(1.0, mi / target_entropy) : 0.0; };

  std::vector<uint32_t> x(kept.size());
  for (size_t i = 0; i < width; ++i) {
    if (static_cast<int>(i) == target) continue;
    const AttributeState& a = attributes[i];
    AttributeStatistics& s = out->attributes[i];
    if (a.type == AttributeType::kText) {
      // "A simplified representation of the text" (spec §6): presence of each frequent word; the
      // attribute's correlation is that of its most informative word.
      const SampleColumn& column = sample[i];
      std::vector<TokenSummary> words;
      double best = 0.0;
      for (uint32_t index : a.values.ByCountDescending()) {
        if (words.size() >= kTokenCandidates) break;
        const uint64_t hash = a.values.hash(index);
        for (size_t k = 0; k < kept.size(); ++k) {
          const size_t row = kept[k];
          x[k] = std::binary_search(column.tokens.begin() + column.TokenBegin(row),
                                    column.tokens.begin() + column.token_ends[row], hash);
        }
        const double mi = mi_counter.MutualInformation(x, 2, t, target_classes, target_entropy);
        best = std::max(best, mi);
        const double p = static_cast<double>(a.values.records(index)) / std::max<uint64_t>(1, records);
        words.push_back({0, a.values.key(index), normalise(mi), a.values.records(index), 100.0 * p});
      }
      std::stable_sort(words.begin(), words.end(),
                       [](const TokenSummary& p, const TokenSummary& q) { return p.prominence > q.prominence; });
      if (words.size() > options.prominent_words) words.resize(options.prominent_words);
      for (size_t r = 0; r < words.size(); ++r) words[r].rank = static_cast<int>(r + 1);
      s.text->prominent_words = std::move(words);
      s.mutual_information_bits = best;
      s.correlation_to_target = normalise(best);
      continue;
    }
    const uint32_t classes = classes_of(i, kept, &x);
    const double mi = mi_counter.MutualInformation(x, classes, t, target_classes, target_entropy);
    s.mutual_information_bits = mi;
    s.correlation_to_target = normalise(mi);
  }
}

StatsAccumulator::StatsAccumulator(const Schema& schema, StatsOptions options)
    : impl_(std::make_unique<Impl>(schema, options)) {}
StatsAccumulator::~StatsAccumulator() = default;
StatsAccumulator::StatsAccumulator(StatsAccumulator&&) noexcept = default;
StatsAccumulator& StatsAccumulator::operator=(StatsAccumulator&&) noexcept = default;

void StatsAccumulator::Add(const TypedRecord& record) { impl_->Add(record); }

void StatsAccumulator::AddFields(std::span<const std::string_view> fields) {
  impl_->typer.Type(fields, &impl_->scratch_record);
  impl_->Add(impl_->scratch_record);
}

uint64_t StatsAccumulator::records() const { return impl_->records; }

DataSourceStatistics StatsAccumulator::Finish(uint64_t bad_records) const {
  impl_->Flush();  // the buffered values (logically const: the statistics describe every record added)
  return impl_->Finish(bad_records);
}

// ---- NumericSummary ----

std::vector<double> NumericSummary::BinBoundaries(int bins) const {
  std::vector<double> out;
  if (count == 0 || bins < 2 || quantiles.size() < 2) return out;
  const double grid = static_cast<double>(quantiles.size() - 1);
  for (int i = 1; i < bins; ++i) {
    const double position = grid * i / bins;
    const size_t lower = static_cast<size_t>(position);
    const size_t upper = std::min(lower + 1, quantiles.size() - 1);
    const double fraction = position - static_cast<double>(lower);
    out.push_back(quantiles[lower] + (quantiles[upper] - quantiles[lower]) * fraction);
  }
  return out;
}

// ---- JSON ----

namespace {

using OrderedJson = nlohmann::ordered_json;
using Json = nlohmann::json;

OrderedJson Optional(const std::optional<double>& v) { return v ? OrderedJson(*v) : OrderedJson(nullptr); }
OrderedJson Optional(const std::optional<uint64_t>& v) { return v ? OrderedJson(*v) : OrderedJson(nullptr); }

OrderedJson ValueCounts(const std::vector<ValueCount>& values) {
  OrderedJson out = OrderedJson::array();
  for (const ValueCount& v : values) out.push_back(OrderedJson{{"value", v.value}, {"count", v.count}});
  return out;
}

}  // namespace

std::string DataSourceStatistics::ToJson(int indent) const {
  OrderedJson root;
  root["formatVersion"] = format_version;
  OrderedJson summary;
  summary["recordsProcessed"] = records_processed;
  summary["badRecords"] = bad_records;
  summary["targetAttributeName"] = target_attribute_name ? OrderedJson(*target_attribute_name) : OrderedJson(nullptr);
  summary["attributeCountsByType"] = OrderedJson::object();
  for (const auto& [type, count] : attribute_counts_by_type) summary["attributeCountsByType"][type] = count;
  root["dataSummary"] = std::move(summary);
  root["targetDistribution"] = ValueCounts(target_distribution);
  OrderedJson attrs = OrderedJson::array();
  for (const AttributeStatistics& a : attributes) {
    OrderedJson j;
    j["name"] = a.name;
    j["type"] = std::string(AttributeTypeName(a.type));
    j["role"] = a.role;
    j["missingCount"] = a.missing_count;
    j["invalidCount"] = a.invalid_count;
    j["correlationToTarget"] = Optional(a.correlation_to_target);
    j["mutualInformationBits"] = Optional(a.mutual_information_bits);
    if (a.numeric) {
      const NumericSummary& n = *a.numeric;
      OrderedJson nj;
      nj["count"] = n.count;
      nj["min"] = Optional(n.min);
      nj["max"] = Optional(n.max);
      nj["mean"] = Optional(n.mean);
      nj["median"] = Optional(n.median);
      nj["stddev"] = Optional(n.stddev);
      nj["quantileRankError"] = n.quantile_rank_error;
      nj["histogram"] = OrderedJson{{"min", n.histogram_min}, {"max", n.histogram_max}, {"counts", n.histogram_counts}};
      nj["quantiles"] = n.quantiles;
      j["numeric"] = std::move(nj);
    }
    if (a.binary) {
      j["binary"] = OrderedJson{{"trueCount", a.binary->true_count},
                                {"falseCount", a.binary->false_count},
                                {"percentTrue", a.binary->percent_true}};
    }
    if (a.categorical) {
      const CategoricalSummary& c = *a.categorical;
      OrderedJson cj;
      cj["uniqueCount"] = c.unique_count;
      cj["uniqueCountExact"] = c.unique_count_exact;
      cj["topValues"] = ValueCounts(c.top_values);
      cj["otherCount"] = c.other_count;
      cj["leastFrequentValues"] = ValueCounts(c.least_frequent_values);
      j["categorical"] = std::move(cj);
    }
    if (a.text) {
      const TextSummary& t = *a.text;
      OrderedJson tj;
      tj["totalWords"] = t.total_words;
      tj["uniqueWords"] = t.unique_words;
      tj["uniqueWordsExact"] = t.unique_words_exact;
      tj["wordsPerRecord"] = OrderedJson{{"min", Optional(t.min_words_per_record)}, {"max", Optional(t.max_words_per_record)}};
      tj["wordLength"] = OrderedJson{{"min", Optional(t.min_word_length)}, {"max", Optional(t.max_word_length)}};
      OrderedJson words = OrderedJson::array();
      for (const TokenSummary& w : t.prominent_words) {
        words.push_back(OrderedJson{{"rank", w.rank},
                                    {"token", w.token},
                                    {"prominence", w.prominence},
                                    {"records", w.records},
                                    {"percentRecords", w.percent_records}});
      }
      tj["prominentWords"] = std::move(words);
      j["text"] = std::move(tj);
    }
    attrs.push_back(std::move(j));
  }
  root["attributes"] = std::move(attrs);
  return root.dump(indent, ' ', false, OrderedJson::error_handler_t::replace);
}

namespace {

// Readers for FromJson: nlohmann throws on type mismatches; the caller turns that into a status.
std::optional<double> ReadOptionalDouble(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<double>();
}
std::optional<uint64_t> ReadOptionalUint(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  return it->get<uint64_t>();
}
std::vector<ValueCount> ReadValueCounts(const Json& j) {
  std::vector<ValueCount> out;
  for (const Json& v : j) out.push_back({v.at("value").get<std::string>(), v.at("count").get<uint64_t>()});
  return out;
}

}  // namespace

Result<DataSourceStatistics> DataSourceStatistics::FromJson(std::string_view json) {
  try {
    const Json root = Json::parse(json);
    DataSourceStatistics s;
    s.format_version = root.at("formatVersion").get<int>();
    if (s.format_version != 1) {
      return absl::InvalidArgumentError(StrCat("statistics: unsupported formatVersion ", s.format_version));
    }
    const Json& summary = root.at("dataSummary");
    s.records_processed = summary.at("recordsProcessed").get<uint64_t>();
    s.bad_records = summary.at("badRecords").get<uint64_t>();
    if (!summary.at("targetAttributeName").is_null()) {
      s.target_attribute_name = summary.at("targetAttributeName").get<std::string>();
    }
    for (const auto& [type, count] : summary.at("attributeCountsByType").items()) {
      s.attribute_counts_by_type[type] = count.get<uint64_t>();
    }
    s.target_distribution = ReadValueCounts(root.at("targetDistribution"));
    for (const Json& j : root.at("attributes")) {
      AttributeStatistics a;
      a.name = j.at("name").get<std::string>();
      Result<AttributeType> type = ParseAttributeType(j.at("type").get<std::string>());
      if (!type.ok()) return WithContext(type.status(), StrCat("statistics: attribute '", a.name, "'"));
      a.type = *type;
      a.role = j.at("role").get<std::string>();
      a.missing_count = j.at("missingCount").get<uint64_t>();
      a.invalid_count = j.at("invalidCount").get<uint64_t>();
      a.correlation_to_target = ReadOptionalDouble(j, "correlationToTarget");
      a.mutual_information_bits = ReadOptionalDouble(j, "mutualInformationBits");
      if (auto it = j.find("numeric"); it != j.end()) {
        NumericSummary n;
        n.count = it->at("count").get<uint64_t>();
        n.min = ReadOptionalDouble(*it, "min");
        n.max = ReadOptionalDouble(*it, "max");
        n.mean = ReadOptionalDouble(*it, "mean");
        n.median = ReadOptionalDouble(*it, "median");
        n.stddev = ReadOptionalDouble(*it, "stddev");
        n.quantile_rank_error = it->at("quantileRankError").get<double>();
        const Json& h = it->at("histogram");
        n.histogram_min = h.at("min").get<double>();
        n.histogram_max = h.at("max").get<double>();
        n.histogram_counts = h.at("counts").get<std::vector<uint64_t>>();
        n.quantiles = it->at("quantiles").get<std::vector<double>>();
        a.numeric = std::move(n);
      }
      if (auto it = j.find("binary"); it != j.end()) {
        a.binary = BinarySummary{it->at("trueCount").get<uint64_t>(), it->at("falseCount").get<uint64_t>(),
                                 it->at("percentTrue").get<double>()};
      }
      if (auto it = j.find("categorical"); it != j.end()) {
        CategoricalSummary c;
        c.unique_count = it->at("uniqueCount").get<uint64_t>();
        c.unique_count_exact = it->at("uniqueCountExact").get<bool>();
        c.top_values = ReadValueCounts(it->at("topValues"));
        c.other_count = it->at("otherCount").get<uint64_t>();
        c.least_frequent_values = ReadValueCounts(it->at("leastFrequentValues"));
        a.categorical = std::move(c);
      }
      if (auto it = j.find("text"); it != j.end()) {
        TextSummary t;
        t.total_words = it->at("totalWords").get<uint64_t>();
        t.unique_words = it->at("uniqueWords").get<uint64_t>();
        t.unique_words_exact = it->at("uniqueWordsExact").get<bool>();
        t.min_words_per_record = ReadOptionalUint(it->at("wordsPerRecord"), "min");
        t.max_words_per_record = ReadOptionalUint(it->at("wordsPerRecord"), "max");
        t.min_word_length = ReadOptionalUint(it->at("wordLength"), "min");
        t.max_word_length = ReadOptionalUint(it->at("wordLength"), "max");
        for (const Json& w : it->at("prominentWords")) {
          t.prominent_words.push_back({w.at("rank").get<int>(), w.at("token").get<std::string>(),
                                       w.at("prominence").get<double>(), w.at("records").get<uint64_t>(),
                                       w.at("percentRecords").get<double>()});
        }
        a.text = std::move(t);
      }
      s.attributes.push_back(std::move(a));
    }
    return s;
  } catch (const Json::exception& e) {  // parse errors, missing keys, wrong types
    return absl::InvalidArgumentError(StrCat("statistics JSON: ", e.what()));
  }
}

const AttributeStatistics* DataSourceStatistics::Find(std::string_view name) const {
  for (const AttributeStatistics& a : attributes) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

}  // namespace openaml
