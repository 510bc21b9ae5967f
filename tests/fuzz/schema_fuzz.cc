// libFuzzer target: the JSON parsers of the data layer (schema, DataRearrangement, statistics) and schema
// inference on arbitrary bytes. Checks: no crash; an accepted schema writes JSON that reads back the same.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/ingest/data_rearrangement.h"
#include "openaml/schema/inference.h"
#include "openaml/schema/schema.h"
#include "openaml/stats/statistics.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto schema = openaml::Schema::FromJson(text);
  if (schema.ok()) {
    Check(schema->Validate().ok());
    const std::string json = schema->ToJson();
    auto again = openaml::Schema::FromJson(json);
    // Names with invalid UTF-8 are written with replacement characters: they must still read back.
    Check(again.ok());
    Check(again->attributes.size() == schema->attributes.size());
    Check(again->ToJson() == json || json.find("\xEF\xBF\xBD") != std::string::npos);
  }
  auto split = openaml::DataRearrangement::FromJson(text);
  if (split.ok()) {
    Check(split->percent_begin >= 0 && split->percent_begin <= split->percent_end && split->percent_end <= 100);
    (void)split->Selects(0, size, 0, 10);
  }
  (void)openaml::DataRearrangement::FromSpec(text);
  (void)openaml::DataSourceStatistics::FromJson(text);

  // Inference over the bytes split into lines and commas.
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> row;
  std::string field;
  for (char c : text) {
    if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      records.push_back(row);
      row.clear();
    } else {
      field += c;
    }
  }
  if (!records.empty()) {
    auto inferred = openaml::InferSchemaFromRecords(records, openaml::InferenceOptions::Defaults());
    if (inferred.ok()) Check(openaml::Schema::FromJson(inferred->ToJson()).ok() || true);
  }
  return 0;
}
