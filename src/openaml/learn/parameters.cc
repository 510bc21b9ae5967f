#include "openaml/learn/parameters.h"

#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdlib>

#include "openaml/common/str_cat.h"

namespace openaml::learn {
namespace {

constexpr ParameterSpec kParameters[] = {
    {"sgd.maxPasses", "10", 1, 10000, true, false,
     "Passes over the training data; training stops earlier once converged."},
    {"sgd.shuffleType", "none", 0, 0, false, true,
     "auto: shuffle the training data once before the first pass; none: keep the datasource order."},
    {"sgd.l1RegularizationAmount", "0", 0, DBL_MAX, false, false,
     "L1 penalty per example: drives small weights to zero. Not together with L2."},
    {"sgd.l2RegularizationAmount", "0", 0, DBL_MAX, false, false,
     "L2 penalty per example: shrinks weights. Not together with L1."},
    {"sgd.maxMLModelSizeInBytes", "33554432", 100000, 2147483648.0, true, false,
     "Upper bound of the model size; the least useful features are dropped to fit."},
};

Result<double> ParseNumber(const ParameterSpec& spec, const std::string& text) {
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(begin, &end);
  bool bad = text.empty() || end != begin + text.size() || errno == ERANGE || !std::isfinite(value);
  if (!bad && spec.integer && value != std::floor(value)) bad = true;
  if (bad)
    return absl::InvalidArgumentError(StrCat("training parameter ", spec.key, ": '", text, "' is not ",
                                          spec.integer ? "an integer" : "a number"));
  if (value < spec.min || value > spec.max)
    return absl::InvalidArgumentError(StrCat("training parameter ", spec.key, " = ", text, " is out of range [",
                                          spec.integer ? fmt::format("{:.0f}", spec.min) : fmt::format("{}", spec.min),
                                          ", ", spec.max == DBL_MAX ? std::string("MAX_DOUBLE") : fmt::format("{:.0f}", spec.max),
                                          "]"));
  return value;
}

}  // namespace

std::span<const ParameterSpec> ParameterTable() { return kParameters; }

Result<TrainingParameters> TrainingParameters::FromMap(const std::map<std::string, std::string>& parameters) {
  TrainingParameters p;
  for (const auto& [key, value] : parameters) {
    const ParameterSpec* spec = nullptr;
    for (const ParameterSpec& s : kParameters)
      if (s.key == key) spec = &s;
    if (!spec) {
      std::string known;
      for (const ParameterSpec& s : kParameters) known += StrCat(known.empty() ? "" : ", ", s.key);
      return absl::InvalidArgumentError(StrCat("unknown training parameter '", key, "' (known: ", known, ")"));
    }
    if (spec->is_enum) {
      if (value == "auto") p.shuffle = ShuffleType::kAuto;
      else if (value == "none") p.shuffle = ShuffleType::kNone;
      else return absl::InvalidArgumentError(StrCat("training parameter ", key, ": '", value, "' is not auto or none"));
      continue;
    }
    OPENAML_ASSIGN_OR_RETURN(double number, ParseNumber(*spec, value));
    if (key == "sgd.maxPasses") p.max_passes = static_cast<int>(number);
    else if (key == "sgd.l1RegularizationAmount") p.l1 = number;
    else if (key == "sgd.l2RegularizationAmount") p.l2 = number;
    else if (key == "sgd.maxMLModelSizeInBytes") p.max_model_size_bytes = static_cast<uint64_t>(number);
  }
  if (p.l1 != 0 && p.l2 != 0)
    return absl::InvalidArgumentError(
        "sgd.l1RegularizationAmount and sgd.l2RegularizationAmount cannot both be non-zero (spec §8.3)");
  return p;
}

std::map<std::string, std::string> TrainingParameters::ToMap() const {
  return {{"sgd.maxPasses", std::to_string(max_passes)},
          {"sgd.shuffleType", shuffle == ShuffleType::kAuto ? "auto" : "none"},
          {"sgd.l1RegularizationAmount", fmt::format("{}", l1)},
          {"sgd.l2RegularizationAmount", fmt::format("{}", l2)},
          {"sgd.maxMLModelSizeInBytes", std::to_string(max_model_size_bytes)}};
}

}  // namespace openaml::learn
