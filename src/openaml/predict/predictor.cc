#include "openaml/predict/predictor.h"

#include <algorithm>
#include <cmath>

#include "nlohmann/json.hpp"
#include "openaml/common/str_cat.h"

namespace openaml::predict {

std::string Prediction::ToJson() const {
  nlohmann::json doc = {{"details", {{"PredictiveModelType", learn::ModelTypeName(type)}, {"Algorithm", "SGD"}}}};
  if (predicted_label) doc["predictedLabel"] = *predicted_label;
  if (predicted_value) doc["predictedValue"] = static_cast<double>(static_cast<float>(*predicted_value));
  if (type != learn::ModelType::kRegression) {
    nlohmann::json scores = nlohmann::json::object();
    for (const auto& [label, score] : predicted_scores) scores[label] = static_cast<double>(score);
    doc["predictedScores"] = scores;
  }
  return doc.dump();
}

Result<std::shared_ptr<Predictor>> Predictor::Make(std::shared_ptr<const learn::Model> model) {
  OPENAML_ASSIGN_OR_RETURN(Schema schema, Schema::FromJson(model->schema_json));
  auto parsed = recipe::Recipe::Parse(model->recipe_json);
  if (!parsed.ok()) return absl::DataLossError(StrCat("model recipe does not parse: ", parsed.status().ToString()));
  auto program = recipe::FeatureProgram::Compile(*parsed, schema);
  if (!program.ok()) return absl::DataLossError(StrCat("model recipe does not compile: ", program.status().ToString()));
  OPENAML_RETURN_IF_ERROR((*program)->LoadFitJson(model->fit_json));
  auto predictor = std::make_shared<Predictor>();
  predictor->model_ = std::move(model);
  predictor->program_ = *std::move(program);
  return predictor;
}

Result<std::shared_ptr<Predictor>> Predictor::Load(const std::string& path) {
  OPENAML_ASSIGN_OR_RETURN(std::shared_ptr<learn::Model> model, learn::Model::Load(path));
  return Make(std::move(model));
}

void Predictor::Score(std::span<const recipe::Feature> features, double* scores) const {
  const learn::Model& m = *model_;
  const size_t width = m.width();
  for (size_t c = 0; c < width; ++c) scores[c] = m.bias[c];
  for (const recipe::Feature& f : features) {
    int64_t i = m.Find(f.key);
    if (i < 0) continue;
    const float* w = &m.weights[static_cast<size_t>(i) * width];
    for (size_t c = 0; c < width; ++c) scores[c] += w[c] * f.value;
  }
  switch (m.type) {
    case learn::ModelType::kBinary:
      scores[0] = scores[0] >= 0 ? 1 / (1 + std::exp(-scores[0])) : std::exp(scores[0]) / (1 + std::exp(scores[0]));
      break;
    case learn::ModelType::kMulticlass: {
      double top = *std::max_element(scores, scores + width), sum = 0;
      for (size_t c = 0; c < width; ++c) sum += scores[c] = std::exp(scores[c] - top);
      for (size_t c = 0; c < width; ++c) scores[c] /= sum;
      break;
    }
    case learn::ModelType::kRegression:
      break;
  }
}

Prediction Predictor::PredictRecord(const std::map<std::string, std::string>& record,
                                    std::optional<double> threshold) const {
  const Schema& s = schema();
  std::vector<std::string_view> fields(s.attributes.size());
  std::vector<bool> absent(s.attributes.size(), true);
  for (size_t i = 0; i < s.attributes.size(); ++i) {
    auto it = record.find(s.attributes[i].name);
    if (it != record.end()) {
      fields[i] = it->second;
      absent[i] = false;
    }
  }
  thread_local std::vector<recipe::Feature> features;
  recipe::FeatureExtractor extractor(program_);
  extractor.Extract(fields, &features, &absent);
  std::vector<double> scores(model_->width());
  Score(features, scores.data());
  Prediction p;
  p.type = model_->type;
  switch (model_->type) {
    case learn::ModelType::kBinary: {
      bool positive = scores[0] >= threshold.value_or(model_->score_threshold);  // spec §10: >= is positive
      p.predicted_label = positive ? "1" : "0";
      p.predicted_scores[*p.predicted_label] = static_cast<float>(scores[0]);
      break;
    }
    case learn::ModelType::kMulticlass: {
      size_t best = std::max_element(scores.begin(), scores.end()) - scores.begin();
      p.predicted_label = model_->classes[best];
      for (size_t c = 0; c < scores.size(); ++c) p.predicted_scores[model_->classes[c]] = static_cast<float>(scores[c]);
      break;
    }
    case learn::ModelType::kRegression:
      p.predicted_value = scores[0];
      break;
  }
  return p;
}

}  // namespace openaml::predict
