// The SGD learner (spec §8.2): online updates one example at a time over passes of the feature cache, with
// FTRL-Proximal per-coordinate adaptive steps (AdaGrad-style learning rates, so nothing needs tuning) and
// L1 (exact truncation, sparse weights) or L2 regularisation. Losses: logistic (BINARY), multinomial
// logistic (MULTICLASS), squared (REGRESSION, on the standardised target).
//
// Steps of TrainSgd:
//   1. for each pass, scan the cache (shuffled once by seed when asked: the same order on every pass);
//   2. per row: score, progressive loss, gradient, per-coordinate update of weights and bias;
//   3. stop after max_passes, or early when the pass loss improved by less than `tolerance` (relative)
//      unless early_stop is false;
//   4. the model: the average of the weights over the last pass (snapshots every 1/256 of the pass).
// With threads > 1 and a large cache (>= kMinBlocksPerThread blocks per thread), each pass is split: thread
// t trains its own copy of the pass-start state on blocks t, t+T, t+2T... of the pass order, and at the end
// of the pass the copies are merged (weights averaged, squared-gradient sums added, z set so the FTRL state
// yields the averaged weights). Deterministic for a given seed and thread count; small caches (such as
// banking.csv's) train on one thread whatever `threads` says.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/learn/feature_cache.h"
#include "openaml/learn/model.h"
#include "openaml/learn/parameters.h"

namespace openaml::learn {

struct SgdOptions {
  ModelType type = ModelType::kBinary;
  size_t classes = 2;              // MULTICLASS: number of classes (labels 0..classes-1 in the cache)
  std::vector<uint32_t> label_map;  // MULTICLASS, optional: cache label -> class column
  TrainingParameters parameters;
  /// FTRL base learning rate (per-coordinate adaptive); 0: chosen from the data by AutomaticAlpha().
  double alpha = 0;
  double beta = 1.0;
  double tolerance = 1e-3;         // early stop when the pass loss improves less than this, relatively
  bool early_stop = true;          // false: run exactly parameters.max_passes passes (openaml extension)
  /// true: the trained weights are the average of the weights over the last pass (256 evenly spaced
  /// snapshots), not the last iterate; false: the last iterate.
  bool average = true;
  double target_mean = 0, target_std = 1;  // REGRESSION: the cache holds raw targets; trained standardised
  /// Called after each pass with (pass number from 1, mean progressive loss). May be empty.
  std::function<void(int, double)> on_pass;
  const std::atomic<bool>* cancelled = nullptr;
  int threads = 1;                 // SGD threads (see above); results depend on it, never on timing
};

/// Parallel SGD needs at least this many cache blocks per thread.
inline constexpr size_t kMinBlocksPerThread = 16;

struct SgdResult {
  std::vector<float> weights;  // features * width, on the scaled features
  std::vector<float> bias;     // width (REGRESSION: standardised units)
  int passes = 0;
  double last_loss = 0;
};

/// Train on every row of `cache` whose feature indexes are < feature_count; feature k's values are multiplied
/// by `scale[k]` (per-feature scaling so raw numbers of any magnitude train well).
/// The base learning rate for `rows` training rows (spec §8.2: "chosen automatically from the data"): 0.1
/// from 10,000 rows up, growing as 1/sqrt(rows) below that to at most 0.3. Few rows make few updates, and
/// AdaGrad-style steps shrink with each one: a small data set needs a larger base step to converge within its
/// passes, a large one a small step for a quiet final model (bench/engine/multiclass_regression_vs_sklearn.py).
double AutomaticAlpha(uint64_t rows);

Result<SgdResult> TrainSgd(FeatureCache& cache, size_t feature_count, std::span<const float> scale,
                           const SgdOptions& options);

/// Fill `model`'s keys, weights and bias from trained dense weights: undo the feature scaling and the target
/// standardisation, drop zero weights, and if the model would exceed `max_size_bytes` drop the features of
/// smallest weight magnitude until it fits. Returns the number of non-zero features dropped.
uint64_t AssembleWeights(const SgdResult& trained, std::span<const uint64_t> keys, std::span<const float> scale,
                         const SgdOptions& options, uint64_t max_size_bytes, Model* model);

}  // namespace openaml::learn
