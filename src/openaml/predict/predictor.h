// Predictor: a loaded model with its compiled recipe; scores records. Immutable and thread-safe: each
// thread featurizes with its own recipe::FeatureExtractor (see NewExtractor()).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/learn/model.h"
#include "openaml/recipe/feature_program.h"

namespace openaml::predict {

/// One real-time prediction, shaped as Amazon ML's Prediction (spec §12.3).
struct Prediction {
  learn::ModelType type = learn::ModelType::kBinary;
  std::optional<std::string> predicted_label;   // BINARY, MULTICLASS
  std::optional<double> predicted_value;        // REGRESSION
  std::map<std::string, float> predicted_scores;  // BINARY: one entry (label -> P(1)); MULTICLASS: all classes

  /// The JSON object of the Predict response's `Prediction` member, with `details`.
  std::string ToJson() const;
};

class Predictor {
 public:
  /// Compile the model's recipe against its schema and load the fitted parameters.
  static Result<std::shared_ptr<Predictor>> Make(std::shared_ptr<const learn::Model> model);
  /// Load a model file and make its predictor.
  static Result<std::shared_ptr<Predictor>> Load(const std::string& path);

  const learn::Model& model() const { return *model_; }
  const Schema& schema() const { return program_->schema(); }
  std::shared_ptr<const recipe::FeatureProgram> program() const { return program_; }
  std::unique_ptr<recipe::FeatureExtractor> NewExtractor() const {
    return std::make_unique<recipe::FeatureExtractor>(program_);
  }

  /// Scores of a featurized record: BINARY one value P(1); MULTICLASS one per class (softmax, sums to 1);
  /// REGRESSION the predicted value. `scores` must hold model().width() values.
  void Score(std::span<const recipe::Feature> features, double* scores) const;

  /// Predict one record given as attribute name -> string (spec §12.2): absent attributes are missing,
  /// unknown names and the target/row id are ignored. `threshold` defaults to the model's (spec §10).
  Prediction PredictRecord(const std::map<std::string, std::string>& record,
                           std::optional<double> threshold = std::nullopt) const;

 private:
  std::shared_ptr<const learn::Model> model_;
  std::shared_ptr<const recipe::FeatureProgram> program_;
};

}  // namespace openaml::predict
