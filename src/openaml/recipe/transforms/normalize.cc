// normalize(numeric): spec §7.4. Rescale to mean 0, variance 1 with the training data's mean and deviation.
#include "openaml/recipe/transforms/transform.h"

namespace openaml::recipe {

TransformInfo NormalizeTransform() {
  return {TransformOp::kNormalize, "normalize", "normalize(numeric)",
          "Rescale a number to mean 0 and variance 1 (training data's mean and standard deviation).",
          "normalize(ALL_NUMERIC)", 1, false, 0, 0, {ValueKind::kNumeric}, ValueKind::kNumeric};
}

void ApplyNormalize(const NodeValue& in, double mean, double inverse_std, NodeValue* out) {
  out->missing = in.missing;
  out->number = in.missing ? 0 : (in.number - mean) * inverse_std;
}

}  // namespace openaml::recipe
