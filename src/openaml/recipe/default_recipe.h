// The suggested recipe Amazon ML builds when none is given (spec §7.6).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "openaml/schema/schema.h"

namespace openaml::recipe {

/// What the default recipe needs to know about one NUMERIC attribute (from statistics or a sample).
struct NumericSummary {
  uint64_t distinct_values = 0;  // 0 = unknown
  uint64_t count = 0;            // present values
};

/// Build the suggested recipe JSON for `schema`: numeric attributes grouped by bin count and quantile-binned
/// (groups NUMERIC_VARS_QB_<n>), then ALL_BINARY, ALL_CATEGORICAL and ALL_TEXT passed through.
///
/// Bin count per numeric attribute (spec §7.6 gap: openaml's rule): the largest n of {10, 20, 50, 100, 200,
/// 500} with n <= distinct values / 2 and n <= present values / 300 (so each bin holds about 300 or more
/// examples: with fewer, SGD learns bin weights from noise — banking.csv's 70% side loses 0.01 AUC at 500
/// bins against 50); at least 10. Unknown summaries get 50.
std::string DefaultRecipeJson(const Schema& schema, const std::map<std::string, NumericSummary>& numeric);

}  // namespace openaml::recipe
