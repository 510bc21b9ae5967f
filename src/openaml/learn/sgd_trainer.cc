#include "openaml/learn/sgd_trainer.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace openaml::learn {
namespace {

/// FTRL-Proximal state of a set of coordinates (McMahan et al., 2013), floats for cache density.
struct Ftrl {
  std::vector<float> z, sqrt_n, w;
  float inv_alpha, beta, l1, l2;
  void Resize(size_t n) {
    z.assign(n, 0);
    sqrt_n.assign(n, 0);
    w.assign(n, 0);
  }
  inline void Update(size_t j, float g, bool regularize) {
    float old_sq = sqrt_n[j];
    float new_sq = std::sqrt(old_sq * old_sq + g * g);
    float sigma = (new_sq - old_sq) * inv_alpha;
    float zj = z[j] + g - sigma * w[j];
    z[j] = zj;
    sqrt_n[j] = new_sq;
    float lambda1 = regularize ? l1 : 0, lambda2 = regularize ? l2 : 0;
    if (std::fabs(zj) <= lambda1) {
      w[j] = 0;
    } else {
      float sign = zj < 0 ? -1.0f : 1.0f;
      w[j] = -(zj - sign * lambda1) / ((beta + new_sq) * inv_alpha + lambda2);
    }
  }
};

inline double Sigmoid(double s) {
  if (s >= 0) return 1 / (1 + std::exp(-s));
  double e = std::exp(s);
  return e / (1 + e);
}

}  // namespace

Result<SgdResult> TrainSgd(FeatureCache& cache, size_t feature_count, std::span<const float> scale,
                           const SgdOptions& options) {
  const size_t width = options.type == ModelType::kMulticlass ? options.classes : 1;
  const double rows = std::max<double>(1, static_cast<double>(cache.rows()));
  Ftrl weights, bias;
  for (Ftrl* f : {&weights, &bias}) {
    f->inv_alpha = static_cast<float>(1 / options.alpha);
    f->beta = static_cast<float>(options.beta);
    // Amazon ML's amounts are per example; FTRL's penalties apply to sums of gradients over a pass.
    f->l1 = static_cast<float>(options.parameters.l1 * rows);
    f->l2 = static_cast<float>(options.parameters.l2 * rows);
  }
  weights.Resize(feature_count * width);
  bias.Resize(width);
  const bool shuffle = options.parameters.shuffle == ShuffleType::kAuto;
  const float inv_std = static_cast<float>(1 / (options.target_std > 0 ? options.target_std : 1));
  const float mean = static_cast<float>(options.target_mean);
  std::vector<double> scores(width), probs(width);
  std::vector<float> x;
  SgdResult result;
  double previous = 0;
  for (int pass = 1; pass <= options.parameters.max_passes; ++pass) {
    if (options.cancelled && options.cancelled->load()) return absl::CancelledError("training cancelled");
    double loss = 0;
    uint64_t seen = 0;
    Status scan = cache.Scan(shuffle, options.parameters.seed, [&](const CachedRow& row) {
      size_t n = row.indices.size();
      x.resize(n);
      for (size_t k = 0; k < n; ++k) {
        uint32_t idx = row.indices[k];
        x[k] = idx < feature_count ? row.values[k] * scale[idx] : 0;
      }
      ++seen;
      if (width == 1) {
        double s = bias.w[0];
        for (size_t k = 0; k < n; ++k) s += weights.w[row.indices[k]] * x[k];
        float g;
        if (options.type == ModelType::kBinary) {
          double p = Sigmoid(s);
          double y = row.label;
          loss -= y > 0.5 ? std::log(std::max(p, 1e-15)) : std::log(std::max(1 - p, 1e-15));
          g = static_cast<float>(p - y);
        } else {
          double y = (row.label - mean) * inv_std;
          double d = s - y;
          loss += d * d;
          g = static_cast<float>(std::clamp(d, -10.0, 10.0));
        }
        bias.Update(0, g, false);
        for (size_t k = 0; k < n; ++k)
          if (x[k] != 0) weights.Update(row.indices[k], g * x[k], true);
        return;
      }
      // MULTICLASS: softmax over width scores.
      for (size_t c = 0; c < width; ++c) scores[c] = bias.w[c];
      for (size_t k = 0; k < n; ++k) {
        const float* w = &weights.w[static_cast<size_t>(row.indices[k]) * width];
        for (size_t c = 0; c < width; ++c) scores[c] += w[c] * x[k];
      }
      double max_score = *std::max_element(scores.begin(), scores.end());
      double sum = 0;
      for (size_t c = 0; c < width; ++c) sum += probs[c] = std::exp(scores[c] - max_score);
      size_t label = static_cast<size_t>(row.label);
      if (label < options.label_map.size()) label = options.label_map[label];
      for (size_t c = 0; c < width; ++c) probs[c] /= sum;
      loss -= std::log(std::max(probs[std::min(label, width - 1)], 1e-15));
      for (size_t c = 0; c < width; ++c) {
        float g = static_cast<float>(probs[c] - (c == label ? 1.0 : 0.0));
        bias.Update(c, g, false);
        for (size_t k = 0; k < n; ++k)
          if (x[k] != 0) weights.Update(static_cast<size_t>(row.indices[k]) * width + c, g * x[k], true);
      }
    });
    OPENAML_RETURN_IF_ERROR(scan);
    double mean_loss = seen ? loss / static_cast<double>(seen) : 0;
    result.passes = pass;
    result.last_loss = mean_loss;
    if (options.on_pass) options.on_pass(pass, mean_loss);
    // Converged: the pass improved the progressive loss by less than the tolerance (spec §8.2 early stop).
    if (pass > 1 && previous - mean_loss < options.tolerance * previous) break;
    previous = mean_loss;
  }
  result.weights = std::move(weights.w);
  result.bias = std::move(bias.w);
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
