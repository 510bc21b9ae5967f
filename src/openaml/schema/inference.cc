// Schema inference (spec §4.6): value-based guesses by loosening, header detection, Var names.
#include "openaml/schema/inference.h"

#include <set>

#include "openaml/common/str_cat.h"
#include "openaml/schema/value_rules.h"

namespace openaml {
namespace {

std::string_view Trim(std::string_view s) {
  const size_t begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const size_t end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

bool IsNumber(std::string_view s) {
  double v = 0;
  return ParseNumeric(s, &v) == ValueState::kPresent;
}

size_t CountWords(std::string_view s) {
  size_t words = 0;
  bool in_word = false;
  for (char c : s) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

}  // namespace

AttributeType InferAttributeType(const std::vector<std::string_view>& values, size_t text_min_words) {
  // The ladder BINARY -> NUMERIC -> CATEGORICAL -> TEXT; a value that does not fit moves the column up.
  enum Level { kBinary, kNumeric, kCategorical, kText };
  Level level = kBinary;
  bool seen_zero = false;
  bool seen_one = false;
  bool any = false;
  for (std::string_view raw : values) {
    const std::string_view value = Trim(raw);
    if (value.empty()) continue;  // missing: says nothing about the type
    any = true;
    if (level == kBinary) {
      if (value == "0") {
        seen_zero = true;
        continue;
      }
      if (value == "1") {
        seen_one = true;
        continue;
      }
      level = kNumeric;
    }
    if (level == kNumeric) {
      if (IsNumber(value)) continue;
      level = kCategorical;
    }
    if (level == kCategorical && CountWords(value) > text_min_words) level = kText;
  }
  if (!any) return AttributeType::kCategorical;
  switch (level) {
    case kBinary:
      // Only 0s or only 1s: NUMERIC, as the console guessed `previous` (all 0 in banking.csv's first 1,000).
      return seen_zero && seen_one ? AttributeType::kBinary : AttributeType::kNumeric;
    case kNumeric:
      return AttributeType::kNumeric;
    case kCategorical:
      return AttributeType::kCategorical;
    case kText:
      return AttributeType::kText;
  }
  return AttributeType::kCategorical;
}

Result<Schema> InferSchemaFromRecords(const std::vector<std::vector<std::string>>& records,
                                      const InferenceOptions& options) {
  if (records.empty() || records[0].empty()) {
    return absl::InvalidArgumentError("no records to infer a schema from (is the file empty?)");
  }
  const size_t columns = records[0].size();
  // Types of a range of records (records with another field count are skipped, as the reader would).
  auto column_types = [&](size_t first) {
    std::vector<AttributeType> types(columns, AttributeType::kCategorical);
    const size_t last = std::min(records.size(), first + options.sample_records);
    std::vector<std::string_view> values;
    for (size_t c = 0; c < columns; ++c) {
      values.clear();
      for (size_t r = first; r < last; ++r) {
        if (records[r].size() == columns) values.push_back(records[r][c]);
      }
      types[c] = InferAttributeType(values, options.text_min_words);
    }
    return types;
  };

  bool header = false;
  if (options.has_header) {
    header = *options.has_header;
  } else {
    bool all_names = true;
    for (const std::string& v : records[0]) {
      if (Trim(v).empty() || IsNumber(v)) all_names = false;
    }
    if (all_names && records.size() == 1) {
      header = true;
    } else if (all_names) {
      const std::vector<AttributeType> rest = column_types(1);
      bool typed_column = false;
      bool reappears = false;
      for (size_t c = 0; c < columns; ++c) {
        if (rest[c] == AttributeType::kNumeric || rest[c] == AttributeType::kBinary) typed_column = true;
        for (size_t r = 1; r < records.size() && r <= options.sample_records && !reappears; ++r) {
          if (records[r].size() == columns && records[r][c] == records[0][c]) reappears = true;
        }
      }
      header = typed_column || !reappears;
    }
  }

  Schema schema;
  schema.data_file_contains_header = header;
  const std::vector<AttributeType> types = column_types(header ? 1 : 0);
  auto var_name = [&](size_t c) {
    std::string digits = std::to_string(c + 1);
    const size_t pad = std::to_string(columns).size();
    if (digits.size() < pad) digits.insert(0, pad - digits.size(), '0');
    return StrCat("Var", digits);
  };
  std::set<std::string> used;
  for (size_t c = 0; c < columns; ++c) {
    std::string name = header ? std::string(Trim(records[0][c])) : var_name(c);
    if (name.empty()) name = var_name(c);
    if (used.contains(name)) {
      for (int suffix = 2;; ++suffix) {
        const std::string candidate = StrCat(name, "_", suffix);
        if (!used.contains(candidate)) {
          name = candidate;
          break;
        }
      }
    }
    used.insert(name);
    schema.attributes.push_back({name, types[c]});
  }
  auto column_list = [&schema] {
    std::string list;
    for (size_t c = 0; c < schema.attributes.size() && c < 30; ++c) {
      list += (c ? ", " : "") + schema.attributes[c].name;
    }
    if (schema.attributes.size() > 30) list += ", ...";
    return list;
  };
  if (options.target) {
    if (schema.IndexOf(*options.target) < 0) {
      return absl::InvalidArgumentError(
          StrCat("target '", *options.target, "' is not a column; the columns are: ", column_list()));
    }
    schema.target = options.target;
  }
  if (options.row_id) {
    if (schema.IndexOf(*options.row_id) < 0) {
      return absl::InvalidArgumentError(
          StrCat("row id '", *options.row_id, "' is not a column; the columns are: ", column_list()));
    }
    schema.row_id = options.row_id;
  }
  OPENAML_RETURN_IF_ERROR(schema.Validate());
  return schema;
}

}  // namespace openaml
