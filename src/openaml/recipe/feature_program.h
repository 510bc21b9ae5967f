// FeatureProgram: a recipe compiled against a schema (spec §7). Each output becomes a node of a small DAG
// over the record's typed values; running the program on a record yields sparse features (key, value).
// The same program (and so the same code path) runs at training and at prediction time.
//
// Feature keys are 64-bit hashes: CombineHashes(output seed, token hash), the output seed being the hash
// of the output's canonical text. The scheme is part of the model format (learn/MODEL_FORMAT.md).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/recipe/recipe.h"
#include "openaml/recipe/transforms/transform.h"
#include "openaml/schema/schema.h"

namespace openaml::recipe {

/// One sparse feature of a record.
struct Feature {
  uint64_t key;
  float value;
};

/// Per-attribute training data needed to fit quantile_bin and normalize: a bounded reservoir sample and
/// running moments over every value. Deterministic for a given seed.
class FitSampler {
 public:
  explicit FitSampler(size_t max_sample = 200000, uint64_t seed = 42) : max_sample_(max_sample), rng_(seed) {}
  void Add(double value);
  /// Room for the sample of `rows` values (at most the maximum sample), so it does not grow by copying.
  void Reserve(uint64_t rows) { sample_.reserve(static_cast<size_t>(std::min<uint64_t>(rows, max_sample_))); }
  double mean() const { return count_ ? mean_ : 0; }
  double stddev() const;
  uint64_t count() const { return count_; }
  /// The sample (sorted by QuantileBoundaries when used).
  std::vector<double>& sample() { return sample_; }

 private:
  size_t max_sample_;
  std::mt19937_64 rng_;
  std::vector<double> sample_;
  uint64_t count_ = 0;
  double mean_ = 0, m2_ = 0;
};

class FeatureProgram {
 public:
  /// Resolve `recipe` against `schema`: names, groups, assignments, argument kinds and limits. Errors are
  /// InvalidArgument naming the output/assignment and the character position of the offending part.
  static Result<std::shared_ptr<FeatureProgram>> Compile(const Recipe& recipe, const Schema& schema,
                                                         const RecipeLimits& limits = RecipeLimits::Defaults());

  /// Schema column indexes of the NUMERIC attributes whose training values must be sampled before Fit().
  const std::vector<int>& attributes_to_fit() const { return attributes_to_fit_; }
  /// Fit quantile_bin boundaries and normalize moments; `samplers[i]` belongs to attributes_to_fit()[i].
  void Fit(std::vector<FitSampler>& samplers);
  /// The fitted parameters as JSON (stored in the model), and their inverse.
  std::string FitJson() const;
  Status LoadFitJson(std::string_view json);

  size_t output_count() const { return outputs_.size(); }
  /// Whether one record can yield the same feature key twice (text tokens, n-grams, OSB, cartesian
  /// products); NUMERIC, BINARY, CATEGORICAL and quantile_bin outputs yield each key at most once.
  bool may_repeat_features() const;
  const Schema& schema() const { return schema_; }
  const Recipe& recipe() const { return recipe_; }

 private:
  friend class FeatureExtractor;
  friend class ProgramCompiler;
  enum class NodeOp : uint8_t { kAttribute, kTransform };
  struct Node {
    NodeOp op = NodeOp::kAttribute;
    ValueKind kind = ValueKind::kCategorical;
    int attribute = -1;            // kAttribute: schema column
    TransformOp transform{};       // kTransform
    int param = 0;                 // integer parameter
    int in0 = -1, in1 = -1;        // input nodes (earlier in nodes_)
    std::vector<double> boundaries;  // quantile_bin
    double mean = 0, inverse_std = 1;  // normalize
    std::string label;             // canonical text, e.g. quantile_bin('age',50)
  };
  struct OutputNode {
    int node;
    uint64_t seed;
    /// quantile_bin outputs: CombineHashes(seed, token) for tokens 0..bins, precomputed (a pure memo).
    std::vector<uint64_t> token_keys;
  };
  Schema schema_;
  Recipe recipe_;
  std::vector<Node> nodes_;
  std::vector<OutputNode> outputs_;
  std::vector<int> attributes_to_fit_;
};

/// Runs a FeatureProgram on records. Holds the per-record scratch buffers: one extractor per thread.
class FeatureExtractor {
 public:
  explicit FeatureExtractor(std::shared_ptr<const FeatureProgram> program);
  /// Featurize one record whose `fields` follow the program's schema order. `absent` (optional, one flag per
  /// field) marks attributes that are not given at all (real-time Predict): they yield no feature, not even
  /// a categorical empty-string token. Appends to nothing: `out` is cleared first.
  void Extract(std::span<const std::string_view> fields, std::vector<Feature>* out,
               const std::vector<bool>* absent = nullptr);

 private:
  std::shared_ptr<const FeatureProgram> program_;
  std::vector<NodeValue> values_;
};

/// Key of the feature recording that a numeric/binary output is missing (spec §8.2 missing indicator).
inline constexpr uint64_t kMissingToken = 0x6D697373696E6721ULL;

}  // namespace openaml::recipe
