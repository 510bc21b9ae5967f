#include "openaml/learn/sgd_trainer.h"

#include <algorithm>
#include <cmath>
#include <xmmintrin.h>
#include <numeric>
#include <thread>
#include <type_traits>

namespace openaml::learn {
namespace {

/// FTRL-Proximal state of one coordinate (McMahan et al., 2013), floats, together in one 16-byte slot so an
/// update touches one cache line.
struct Coord {
  float z = 0, sq = 0, w = 0, pad = 0;  // sq: sqrt of the sum of squared gradients
};

struct Reg {
  float inv_alpha, beta, l1, l2;
};

template <bool kL1>
inline void Update(Coord& c, float g, const Reg& r) {
  float old_sq = c.sq;
  float new_sq = std::sqrt(old_sq * old_sq + g * g);
  float sigma = (new_sq - old_sq) * r.inv_alpha;
  float zj = c.z + g - sigma * c.w;
  c.z = zj;
  c.sq = new_sq;
  float denominator = (r.beta + new_sq) * r.inv_alpha + r.l2;
  if constexpr (kL1) {
    if (std::fabs(zj) <= r.l1) {
      c.w = 0;
    } else {
      float sign = zj < 0 ? -1.0f : 1.0f;
      c.w = -(zj - sign * r.l1) / denominator;
    }
  } else {
    c.w = -zj / denominator;
  }
}

/// Update<kL1> on four coordinates at once (SSE, part of every x86-64), lane by lane the same IEEE
/// operations as the scalar code, so results are identical; the four indexes must be distinct. Lanes whose
/// x is 0 are left untouched, as the scalar loop skips them.
template <bool kL1>
inline void Update4(Coord* c0, Coord* c1, Coord* c2, Coord* c3, float g, const float* x, const Reg& r) {
  __m128 a = _mm_loadu_ps(&c0->z), b = _mm_loadu_ps(&c1->z), c = _mm_loadu_ps(&c2->z), d = _mm_loadu_ps(&c3->z);
  const __m128 a0 = a, b0 = b, c0v = c, d0 = d;
  _MM_TRANSPOSE4_PS(a, b, c, d);  // a: z, b: sq, c: w, d: pad
  const __m128 xv = _mm_loadu_ps(x);
  const __m128 gx = _mm_mul_ps(_mm_set1_ps(g), xv);
  const __m128 inv_alpha = _mm_set1_ps(r.inv_alpha);
  __m128 new_sq = _mm_sqrt_ps(_mm_add_ps(_mm_mul_ps(b, b), _mm_mul_ps(gx, gx)));
  __m128 sigma = _mm_mul_ps(_mm_sub_ps(new_sq, b), inv_alpha);
  __m128 zj = _mm_sub_ps(_mm_add_ps(a, gx), _mm_mul_ps(sigma, c));
  __m128 denominator = _mm_add_ps(_mm_mul_ps(_mm_add_ps(_mm_set1_ps(r.beta), new_sq), inv_alpha), _mm_set1_ps(r.l2));
  __m128 w;
  const __m128 sign_bit = _mm_set1_ps(-0.0f);
  if constexpr (kL1) {
    const __m128 l1 = _mm_set1_ps(r.l1);
    __m128 zero_w = _mm_cmple_ps(_mm_andnot_ps(sign_bit, zj), l1);
    // sign * l1 with sign = zj < 0 ? -1 : 1 (zero counts as positive, as in the scalar code).
    __m128 negative = _mm_cmplt_ps(zj, _mm_setzero_ps());
    __m128 signed_l1 = _mm_or_ps(l1, _mm_and_ps(negative, sign_bit));
    w = _mm_xor_ps(_mm_div_ps(_mm_sub_ps(zj, signed_l1), denominator), sign_bit);
    w = _mm_andnot_ps(zero_w, w);
  } else {
    w = _mm_xor_ps(_mm_div_ps(zj, denominator), sign_bit);
  }
  __m128 pad = d;
  _MM_TRANSPOSE4_PS(zj, new_sq, w, pad);  // back to one coordinate per register
  const __m128 skip = _mm_cmpeq_ps(xv, _mm_setzero_ps());
  if (_mm_movemask_ps(skip) == 0) {  // the usual case: every lane updated
    _mm_storeu_ps(&c0->z, zj);
    _mm_storeu_ps(&c1->z, new_sq);
    _mm_storeu_ps(&c2->z, w);
    _mm_storeu_ps(&c3->z, pad);
    return;
  }
  auto keep = [&](int lane, __m128 updated, __m128 original) {
    __m128 m = _mm_shuffle_ps(skip, skip, _MM_SHUFFLE(0, 0, 0, 0));
    if (lane == 1) m = _mm_shuffle_ps(skip, skip, _MM_SHUFFLE(1, 1, 1, 1));
    if (lane == 2) m = _mm_shuffle_ps(skip, skip, _MM_SHUFFLE(2, 2, 2, 2));
    if (lane == 3) m = _mm_shuffle_ps(skip, skip, _MM_SHUFFLE(3, 3, 3, 3));
    return _mm_or_ps(_mm_and_ps(m, original), _mm_andnot_ps(m, updated));
  };
  _mm_storeu_ps(&c0->z, keep(0, zj, a0));
  _mm_storeu_ps(&c1->z, keep(1, new_sq, b0));
  _mm_storeu_ps(&c2->z, keep(2, w, c0v));
  _mm_storeu_ps(&c3->z, keep(3, pad, d0));
}

/// The model's trainable state: weights (features * width) and bias (width); and the sum of `snapshots`
/// snapshots of them taken at even intervals of the current pass (the pass average, see TrainSgd).
struct State {
  std::vector<Coord> w, b;
  std::vector<double> sum;  // w then b
  uint64_t snapshots = 0;
  void Snapshot() {
    double* out = sum.data();
    for (const Coord& c : w) *out++ += c.w;
    for (const Coord& c : b) *out++ += c.w;
    ++snapshots;
  }
  void ResetAverage() {
    sum.assign(w.size() + b.size(), 0.0);
    snapshots = 0;
  }
};

/// What every pass needs, shared read-only by the threads.
struct PassSetup {
  const FeatureCache* cache;
  ModelType type;
  size_t width;
  const float* scale;  // per feature index, 0 beyond the trained features (they are then ignored)
  Reg reg, bias_reg;
  bool shuffle;
  uint64_t seed;
  float mean, inv_std;
  const std::vector<uint32_t>* label_map;
  const std::atomic<bool>* cancelled;
  uint32_t snapshot_rows;  // rows between two snapshots of the pass average
};

struct PassTotals {
  double loss = 0;
  uint64_t seen = 0;
};

/// BINARY / REGRESSION rows first..last-1 of one block, visited through `order` (null: in stored order).
template <typename Index, bool kValues, bool kL1>
void TrainRowsWidth1(const PassSetup& s, const CacheBlock& block, const Index* ix, const uint32_t* order,
                     uint32_t first, uint32_t last, State& st, std::vector<float>& x, PassTotals& totals) {
  Coord* w = st.w.data();
  Coord& bias = st.b[0];
  const float* scale = s.scale;
  const bool binary = s.type == ModelType::kBinary;
  Coord scratch;
  double loss = 0;
  // BINARY: the log loss log(1 + e) of each row is summed as the log of a product (one log per 256 rows
  // instead of one per row); each factor is in (1, 2], so 256 of them stay far below the double range.
  double product = 1;
  uint32_t factors = 0;
  for (uint32_t o = first; o < last; ++o) {
    // Rows visited in a shuffled order: fetch a later row's entries ahead of time.
    if (order && o + 4 < last) {
      uint32_t ahead = order[o + 4];
      const uint32_t ahead_begin = block.begin(ahead);
      __builtin_prefetch(ix + ahead_begin);
      __builtin_prefetch(reinterpret_cast<const char*>(ix + ahead_begin) + 64);
      if (kValues) __builtin_prefetch(block.values + ahead_begin);
      if (o + 8 < last) {
        __builtin_prefetch(&block.ends[order[o + 8]]);
        __builtin_prefetch(&block.labels[order[o + 8]]);
      }
    }
    const uint32_t r = order ? order[o] : o;
    const uint32_t begin = block.begin(r), n = block.end(r) - begin;
    const Index* idx = ix + begin;
    if (x.size() < n + 4) x.resize(n + 4);
    float* xs = x.data();
    // Four partial sums in four named variables (an array here was kept in memory by GCC, a store and a
    // load per feature): no chain of dependent additions through the whole row.
    float part0 = 0, part1 = 0, part2 = 0, part3 = 0;
    auto x_of = [&](uint32_t k) {
      return kValues ? block.values[begin + k] * scale[idx[k]] : scale[idx[k]];
    };
    uint32_t k = 0;
    for (; k + 4 <= n; k += 4) {
      const float v0 = x_of(k), v1 = x_of(k + 1), v2 = x_of(k + 2), v3 = x_of(k + 3);
      xs[k] = v0;
      xs[k + 1] = v1;
      xs[k + 2] = v2;
      xs[k + 3] = v3;
      part0 += w[idx[k]].w * v0;
      part1 += w[idx[k + 1]].w * v1;
      part2 += w[idx[k + 2]].w * v2;
      part3 += w[idx[k + 3]].w * v3;
    }
    for (; k < n; ++k) {
      const float v = x_of(k);
      xs[k] = v;
      part0 += w[idx[k]].w * v;
    }
    float score = bias.w + ((part0 + part1) + (part2 + part3));
    const float y = block.labels[r];
    float g;
    if (binary) {
      // One exp gives both the probability and the log loss log(1 + e) (+ |s| when on the wrong side),
      // with e = exp(-|s|).
      float e = std::exp(-std::fabs(score));
      float p = score >= 0 ? 1 / (1 + e) : e / (1 + e);
      product *= 1 + e;
      if ((y > 0.5f) != (score >= 0)) loss += std::fabs(score);
      if (++factors == 256) {
        loss += std::log(product);
        product = 1;
        factors = 0;
      }
      g = p - y;
    } else {
      float d = score - (y - s.mean) * s.inv_std;
      loss += static_cast<double>(d) * d;
      g = std::clamp(d, -10.0f, 10.0f);
    }
    Update<false>(bias, g, s.bias_reg);
    for (k = 0; k + 4 <= n; k += 4) {
      const uint32_t i0 = idx[k], i1 = idx[k + 1], i2 = idx[k + 2], i3 = idx[k + 3];
      if (i0 != i1 && i0 != i2 && i0 != i3 && i1 != i2 && i1 != i3 && i2 != i3) {
        Update4<kL1>(&w[i0], &w[i1], &w[i2], &w[i3], g, xs + k, s.reg);
      } else {
        for (uint32_t j = k; j < k + 4; ++j)
          if (xs[j] != 0) Update<kL1>(w[idx[j]], g * xs[j], s.reg);
      }
    }
    if (k < n) {
      // The last 1-3 entries as one group padded with a scratch coordinate whose x is 0 (left untouched).
      Coord* c[4] = {&scratch, &scratch, &scratch, &scratch};
      float tail[4] = {0, 0, 0, 0};
      for (uint32_t j = k; j < n; ++j) {
        c[j - k] = &w[idx[j]];
        tail[j - k] = xs[j];
      }
      bool distinct = c[0] != c[1] && (n - k < 3 || (c[0] != c[2] && c[1] != c[2]));
      if (distinct) {
        Update4<kL1>(c[0], c[1], c[2], c[3], g, tail, s.reg);
      } else {
        for (; k < n; ++k)
          if (xs[k] != 0) Update<kL1>(w[idx[k]], g * xs[k], s.reg);
      }
    }
  }
  if (factors) loss += std::log(product);
  totals.loss += loss;
  totals.seen += last - first;
}

/// MULTICLASS rows of one block: softmax over width scores.
template <bool kL1>
void TrainRowsSoftmax(const PassSetup& s, const CacheBlock& block, const uint32_t* order, uint32_t first,
                      uint32_t last, State& st, std::vector<float>& x, std::vector<uint32_t>& indices,
                      PassTotals& totals) {
  const size_t width = s.width;
  std::vector<double> scores(width), probs(width);
  for (uint32_t o = first; o < last; ++o) {
    const uint32_t r = order ? order[o] : o;
    const uint32_t begin = block.begin(r), n = block.end(r) - begin;
    if (x.size() < n) x.resize(n);
    if (indices.size() < n) indices.resize(n);
    for (uint32_t k = 0; k < n; ++k) {
      uint32_t i = block.wide ? block.wide[begin + k] : block.narrow[begin + k];
      indices[k] = i;
      x[k] = (block.values ? block.values[begin + k] : 1.0f) * s.scale[i];
    }
    for (size_t c = 0; c < width; ++c) scores[c] = st.b[c].w;
    for (uint32_t k = 0; k < n; ++k) {
      const Coord* w = &st.w[static_cast<size_t>(indices[k]) * width];
      for (size_t c = 0; c < width; ++c) scores[c] += w[c].w * x[k];
    }
    double max_score = *std::max_element(scores.begin(), scores.end());
    double sum = 0;
    for (size_t c = 0; c < width; ++c) sum += probs[c] = std::exp(scores[c] - max_score);
    size_t label = static_cast<size_t>(block.labels[r]);
    if (label < s.label_map->size()) label = (*s.label_map)[label];
    for (size_t c = 0; c < width; ++c) probs[c] /= sum;
    totals.loss -= std::log(std::max(probs[std::min(label, width - 1)], 1e-15));
    for (size_t c = 0; c < width; ++c) {
      float g = static_cast<float>(probs[c] - (c == label ? 1.0 : 0.0));
      Update<false>(st.b[c], g, s.bias_reg);
      for (uint32_t k = 0; k < n; ++k)
        if (x[k] != 0) Update<kL1>(st.w[static_cast<size_t>(indices[k]) * width + c], g * x[k], s.reg);
    }
  }
  totals.seen += last - first;
}

/// Train `st` on the blocks `blocks[first], blocks[first + step], ...` in that order; with `average`, add a
/// snapshot of the state to its pass average every s.snapshot_rows rows.
Status TrainBlocks(const PassSetup& s, const std::vector<size_t>& blocks, size_t first, size_t step, State& st,
                   bool average, PassTotals* totals) {
  std::vector<uint32_t> buffer, order, indices;
  std::vector<float> x;
  const bool l1 = s.reg.l1 != 0;
  // Rows stored in their shuffled order (or not shuffled at all) are read in stored order.
  const bool in_stored_order = !s.shuffle || s.cache->rows_stored_shuffled(s.seed);
  uint32_t until_snapshot = s.snapshot_rows;
  for (size_t i = first; i < blocks.size(); i += step) {
    if (s.cancelled && s.cancelled->load()) return absl::CancelledError("training cancelled");
    CacheBlock block;
    OPENAML_RETURN_IF_ERROR(s.cache->ReadBlock(blocks[i], &buffer, &block));
    if (!in_stored_order) FeatureCache::RowOrder(blocks[i], block.rows, true, s.seed, &order);
    const uint32_t* visit = in_stored_order ? nullptr : order.data();
    // The block in runs of rows between snapshots.
    for (uint32_t begin = 0; begin < block.rows;) {
      const uint32_t end = average ? begin + std::min(block.rows - begin, until_snapshot) : block.rows;
      if (s.width != 1) {
        if (l1) TrainRowsSoftmax<true>(s, block, visit, begin, end, st, x, indices, *totals);
        else TrainRowsSoftmax<false>(s, block, visit, begin, end, st, x, indices, *totals);
      } else {
        auto run = [&](auto* ix) {
          using Index = std::remove_const_t<std::remove_pointer_t<decltype(ix)>>;
          if (block.values) {
            if (l1) TrainRowsWidth1<Index, true, true>(s, block, ix, visit, begin, end, st, x, *totals);
            else TrainRowsWidth1<Index, true, false>(s, block, ix, visit, begin, end, st, x, *totals);
          } else {
            if (l1) TrainRowsWidth1<Index, false, true>(s, block, ix, visit, begin, end, st, x, *totals);
            else TrainRowsWidth1<Index, false, false>(s, block, ix, visit, begin, end, st, x, *totals);
          }
        };
        if (block.wide) run(block.wide);
        else run(block.narrow);
      }
      if (average) {
        until_snapshot -= end - begin;
        if (until_snapshot == 0) {
          st.Snapshot();
          until_snapshot = s.snapshot_rows;
        }
      }
      begin = end;
    }
  }
  return absl::OkStatus();
}

/// Merge per-thread copies into `shared` (their common pass-start state): weights averaged, squared-gradient
/// sums added (every gradient of the pass was seen by some copy), z set so that FTRL yields the averaged
/// weight. Coordinates no copy touched stay as they were.
void Merge(const std::vector<State>& copies, const Reg& reg, std::vector<Coord> State::*member, State& shared) {
  std::vector<Coord>& out = shared.*member;
  const float inv_threads = 1.0f / static_cast<float>(copies.size());
  for (size_t j = 0; j < out.size(); ++j) {
    Coord& c = out[j];
    const float n0 = c.sq * c.sq;
    float w_sum = 0, z_sum = 0, n = n0;
    bool touched = false;
    for (const State& copy : copies) {
      const Coord& t = (copy.*member)[j];
      touched = touched || t.sq != c.sq;
      w_sum += t.w;
      z_sum += t.z;
      n += t.sq * t.sq - n0;
    }
    if (!touched) continue;
    c.sq = std::sqrt(std::max(n, 0.0f));
    c.w = w_sum * inv_threads;
    if (c.w == 0) {
      c.z = std::clamp(z_sum * inv_threads, -reg.l1, reg.l1);
    } else {
      float sign = c.w < 0 ? -1.0f : 1.0f;
      c.z = -(c.w * ((reg.beta + c.sq) * reg.inv_alpha + reg.l2) + sign * reg.l1);
    }
  }
}

}  // namespace

double AutomaticAlpha(uint64_t rows) {
  return std::clamp(0.1 * std::sqrt(10000.0 / static_cast<double>(std::max<uint64_t>(rows, 1))), 0.1, 0.3);
}

Result<SgdResult> TrainSgd(FeatureCache& cache, size_t feature_count, std::span<const float> scale,
                           const SgdOptions& options) {
  const size_t width = options.type == ModelType::kMulticlass ? options.classes : 1;
  const double rows = std::max<double>(1, static_cast<double>(cache.rows()));
  // Feature indexes beyond feature_count (if any) get scale 0: they never score nor train.
  const size_t limit = std::max<size_t>(feature_count, cache.index_limit());
  std::vector<float> padded_scale(limit, 0.0f);
  std::copy(scale.begin(), scale.begin() + std::min(scale.size(), feature_count), padded_scale.begin());
  PassSetup setup;
  setup.cache = &cache;
  setup.type = options.type;
  setup.width = width;
  setup.scale = padded_scale.data();
  setup.reg.inv_alpha = static_cast<float>(1 / (options.alpha > 0 ? options.alpha : AutomaticAlpha(cache.rows())));
  setup.reg.beta = static_cast<float>(options.beta);
  // Amazon ML's amounts are per example; FTRL's penalties apply to sums of gradients over a pass.
  setup.reg.l1 = static_cast<float>(options.parameters.l1 * rows);
  setup.reg.l2 = static_cast<float>(options.parameters.l2 * rows);
  setup.bias_reg = setup.reg;
  setup.bias_reg.l1 = setup.bias_reg.l2 = 0;
  setup.shuffle = options.parameters.shuffle == ShuffleType::kAuto;
  setup.seed = options.parameters.seed;
  setup.inv_std = static_cast<float>(1 / (options.target_std > 0 ? options.target_std : 1));
  setup.mean = static_cast<float>(options.target_mean);
  setup.label_map = &options.label_map;
  setup.cancelled = options.cancelled;

  State state;
  state.w.resize(limit * width);
  state.b.resize(width);
  const std::vector<size_t> blocks = cache.BlockOrder(setup.shuffle, setup.seed);
  size_t threads = static_cast<size_t>(std::max(1, options.threads));
  if (blocks.size() < threads * kMinBlocksPerThread) threads = 1;
  std::vector<State> copies(threads > 1 ? threads : 0);
  // Pass average: kSnapshots evenly spaced snapshots per pass (fewer for very large models, so that taking
  // them costs at most about 2^26 additions per pass).
  constexpr double kSnapshots = 256;
  const double parameters = static_cast<double>(state.w.size() + state.b.size());
  const double snapshots = std::clamp(std::floor(67108864.0 / parameters), 1.0, kSnapshots);
  setup.snapshot_rows = static_cast<uint32_t>(std::clamp(std::ceil(rows / snapshots), 1.0, 4294967295.0));
  std::vector<double> average;
  uint64_t average_count = 0;

  SgdResult result;
  double previous = 0;
  for (int pass = 1; pass <= options.parameters.max_passes; ++pass) {
    if (options.cancelled && options.cancelled->load()) return absl::CancelledError("training cancelled");
    std::vector<PassTotals> totals(threads);
    const bool averaging = options.average;
    if (threads == 1) {
      if (averaging) state.ResetAverage();
      OPENAML_RETURN_IF_ERROR(TrainBlocks(setup, blocks, 0, 1, state, averaging, &totals[0]));
      if (averaging) {
        if (state.snapshots == 0) state.Snapshot();
        average.swap(state.sum);
        average_count = state.snapshots;
      }
    } else {
      for (State& copy : copies) {
        copy.w = state.w;
        copy.b = state.b;
        if (averaging) copy.ResetAverage();
      }
      std::vector<Status> statuses(threads);
      std::vector<std::thread> workers;
      for (size_t t = 1; t < threads; ++t)
        workers.emplace_back(
            [&, t] { statuses[t] = TrainBlocks(setup, blocks, t, threads, copies[t], averaging, &totals[t]); });
      statuses[0] = TrainBlocks(setup, blocks, 0, threads, copies[0], averaging, &totals[0]);
      for (std::thread& worker : workers) worker.join();
      for (const Status& status : statuses) OPENAML_RETURN_IF_ERROR(status);
      Merge(copies, setup.reg, &State::w, state);
      Merge(copies, setup.bias_reg, &State::b, state);
      if (averaging) {
        // The pass average over every copy's snapshots.
        average.assign(state.w.size() + state.b.size(), 0.0);
        average_count = 0;
        for (State& copy : copies) {
          if (copy.snapshots == 0) copy.Snapshot();
          for (size_t j = 0; j < average.size(); ++j) average[j] += copy.sum[j];
          average_count += copy.snapshots;
        }
      }
    }
    double loss = 0;
    uint64_t seen = 0;
    for (const PassTotals& t : totals) {
      loss += t.loss;
      seen += t.seen;
    }
    double mean_loss = seen ? loss / static_cast<double>(seen) : 0;
    result.passes = pass;
    result.last_loss = mean_loss;
    if (options.on_pass) options.on_pass(pass, mean_loss);
    // Converged: the pass improved the progressive loss by less than the tolerance (spec §8.2 early stop).
    if (options.early_stop && pass > 1 && previous - mean_loss < options.tolerance * previous) break;
    previous = mean_loss;
  }
  result.weights.resize(feature_count * width);
  result.bias.resize(width);
  if (average_count > 0) {
    // The model is the average over the last pass (Polyak-Ruppert averaging): SGD's last iterate wanders
    // around the optimum by the size of its steps (and, with the same row order every pass, towards the rows
    // seen last); the average over a pass does not. With L1, weights the last iterate zeroes stay zero.
    const double inv = 1.0 / static_cast<double>(average_count);
    const bool l1 = setup.reg.l1 != 0;
    for (size_t j = 0; j < result.weights.size(); ++j)
      result.weights[j] = l1 && state.w[j].w == 0 ? 0.0f : static_cast<float>(average[j] * inv);
    for (size_t c = 0; c < width; ++c) result.bias[c] = static_cast<float>(average[state.w.size() + c] * inv);
  } else {
    for (size_t j = 0; j < result.weights.size(); ++j) result.weights[j] = state.w[j].w;
    for (size_t c = 0; c < width; ++c) result.bias[c] = state.b[c].w;
  }
  return result;
}

uint64_t AssembleWeights(const SgdResult& trained, std::span<const uint64_t> keys, std::span<const float> scale,
                         const SgdOptions& options, uint64_t max_size_bytes, Model* model) {
  const size_t width = options.type == ModelType::kMulticlass ? options.classes : 1;
  const double target_scale = options.type == ModelType::kRegression ? options.target_std : 1;
  std::vector<size_t> kept;
  std::vector<float> importance;
  for (size_t i = 0; i < keys.size(); ++i) {
    float m = 0;
    for (size_t c = 0; c < width; ++c) m = std::max(m, std::fabs(trained.weights[i * width + c] * scale[i]));
    if (m > 0) {
      kept.push_back(i);
      importance.push_back(m);
    }
  }
  // Features by key so the file is sorted and deterministic.
  model->bias.resize(width);
  for (size_t c = 0; c < width; ++c)
    model->bias[c] = static_cast<float>(trained.bias[c] * target_scale +
                                        (options.type == ModelType::kRegression ? options.target_mean : 0));
  model->keys.clear();
  model->weights.clear();
  uint64_t base = model->SerializedSize();
  uint64_t per_feature = 8 + 4 * width;
  uint64_t capacity = max_size_bytes > base ? (max_size_bytes - base) / per_feature : 0;
  uint64_t dropped = 0;
  if (kept.size() > capacity) {
    std::vector<size_t> order(kept.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return importance[a] > importance[b]; });
    std::vector<size_t> top;
    for (size_t r = 0; r < capacity; ++r) top.push_back(kept[order[r]]);
    dropped = kept.size() - capacity;
    kept = std::move(top);
  }
  std::sort(kept.begin(), kept.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  for (size_t i : kept) {
    model->keys.push_back(keys[i]);
    for (size_t c = 0; c < width; ++c)
      model->weights.push_back(static_cast<float>(trained.weights[i * width + c] * scale[i] * target_scale));
  }
  model->BuildIndex();
  return dropped;
}

}  // namespace openaml::learn
