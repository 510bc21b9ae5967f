#include "openaml/recipe/default_recipe.h"

#include <vector>

#include "nlohmann/json.hpp"
#include "openaml/recipe/recipe.h"

namespace openaml::recipe {

std::string DefaultRecipeJson(const Schema& schema, const std::map<std::string, NumericSummary>& numeric) {
  static constexpr int kBinCounts[] = {500, 200, 100, 50, 20, 10};
  static constexpr uint64_t kMinExamplesPerBin = 300;
  std::map<int, std::vector<std::string>, std::greater<int>> by_bins;
  bool has[4] = {false, false, false, false};
  for (const Attribute& a : schema.attributes) {
    if ((schema.target && *schema.target == a.name) || (schema.row_id && *schema.row_id == a.name)) continue;
    bool excluded = false;
    for (const std::string& e : schema.excluded_attribute_names) excluded = excluded || e == a.name;
    if (excluded) continue;
    has[static_cast<int>(a.type)] = true;
    if (a.type != AttributeType::kNumeric) continue;
    int bins = 50;
    if (auto it = numeric.find(a.name); it != numeric.end() && it->second.count > 0) {
      bins = 10;
      for (int n : kBinCounts) {
        bool distinct_ok = it->second.distinct_values == 0 || static_cast<uint64_t>(n) * 2 <= it->second.distinct_values;
        if (distinct_ok && static_cast<uint64_t>(n) * kMinExamplesPerBin <= it->second.count) {
          bins = n;
          break;
        }
      }
    }
    by_bins[bins].push_back(a.name);
  }
  nlohmann::ordered_json groups = nlohmann::ordered_json::object();
  nlohmann::ordered_json outputs = nlohmann::ordered_json::array();
  if (has[static_cast<int>(AttributeType::kBinary)]) outputs.push_back("ALL_BINARY");
  if (has[static_cast<int>(AttributeType::kCategorical)]) outputs.push_back("ALL_CATEGORICAL");
  if (has[static_cast<int>(AttributeType::kText)]) outputs.push_back("ALL_TEXT");
  for (const auto& [bins, names] : by_bins) {
    std::string group_name = "NUMERIC_VARS_QB_" + std::to_string(bins);
    std::string members;
    for (const std::string& name : names) {
      if (!members.empty()) members += ",";
      members += name.find('\'') == std::string::npos ? "'" + name + "'" : "\"" + name + "\"";
    }
    groups[group_name] = "group(" + members + ")";
    outputs.push_back("quantile_bin(" + group_name + "," + std::to_string(bins) + ")");
  }
  if (outputs.empty()) outputs.push_back("ALL_INPUTS");  // nothing typed: a schema without inputs fails later
  nlohmann::ordered_json doc = {{"groups", groups}, {"assignments", nlohmann::ordered_json::object()},
                                {"outputs", outputs}};
  return doc.dump();
}

}  // namespace openaml::recipe
