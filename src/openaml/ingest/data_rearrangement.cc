// DataRearrangement (spec §5.2): parsing its JSON forms and selecting records.
#include "openaml/ingest/data_rearrangement.h"

#include <charconv>

#include "openaml/common/str_cat.h"
#include "nlohmann/json.hpp"
#include "xxhash.h"

namespace openaml {
namespace {

using Json = nlohmann::json;

Status Invalid(std::string_view message) { return absl::InvalidArgumentError(std::string(message)); }

/// An integer percentage 0-100, as a JSON number (integral) or a string of digits.
Result<int> ReadPercent(const Json& value, std::string_view key) {
  if (value.is_number_integer()) {
    const int64_t v = value.get<int64_t>();
    if (v < 0 || v > 100) return Invalid(StrCat(key, ": ", v, " is not between 0 and 100"));
    return static_cast<int>(v);
  }
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (v != static_cast<double>(static_cast<int64_t>(v)) || v < 0 || v > 100) {
      return Invalid(StrCat(key, ": ", value.dump(), " is not an integer between 0 and 100"));
    }
    return static_cast<int>(v);
  }
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    int v = -1;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && ptr == s.data() + s.size() && v >= 0 && v <= 100) return v;
  }
  return Invalid(StrCat(key, ": ", value.dump(), " is not an integer between 0 and 100"));
}

Result<bool> ReadBool(const Json& value, std::string_view key) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_string()) {
    if (value == "true") return true;
    if (value == "false") return false;
  }
  return Invalid(StrCat(key, ": ", value.dump(), " is not true or false"));
}

Result<std::string> ReadSeed(const Json& value, std::string_view key) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();  // a number where a string belongs: use its text
  return Invalid(StrCat(key, ": expected a string, got ", value.type_name()));
}

Status CheckRange(const DataRearrangement& r) {
  if (r.percent_begin > r.percent_end) {
    return Invalid(StrCat("percentBegin (", r.percent_begin, ") is greater than percentEnd (", r.percent_end,
                                ")"));
  }
  return absl::OkStatus();
}

}  // namespace

Result<DataRearrangement> DataRearrangement::FromJson(std::string_view json) {
  DataRearrangement r;
  if (json.find_first_not_of(" \t\r\n") == std::string_view::npos) return r;
  Json root = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Invalid("DataRearrangement is not valid JSON");
  if (!root.is_object()) return Invalid("DataRearrangement: expected a JSON object");
  std::optional<std::string> seed;
  for (const auto& [key, value] : root.items()) {
    if (key == "randomSeed") {
      // AWS social-media sample: the seed beside "splitting".
      OPENAML_ASSIGN_OR_RETURN(seed, ReadSeed(value, "randomSeed"));
    } else if (key != "splitting") {
      return Invalid(StrCat("DataRearrangement: unknown field '", key, "'"));
    }
  }
  auto splitting = root.find("splitting");
  if (splitting == root.end() || splitting->is_null()) {
    if (seed) r.random_seed = *seed;
    return r;
  }
  if (!splitting->is_object()) return Invalid("splitting: expected an object");
  bool has_begin = false;
  bool has_end = false;
  bool has_strategy = false;
  for (const auto& [key, value] : splitting->items()) {
    const std::string where = StrCat("splitting.", key);
    if (key == "percentBegin") {
      OPENAML_ASSIGN_OR_RETURN(r.percent_begin, ReadPercent(value, where));
      has_begin = true;
    } else if (key == "percentEnd") {
      OPENAML_ASSIGN_OR_RETURN(r.percent_end, ReadPercent(value, where));
      has_end = true;
    } else if (key == "complement") {
      OPENAML_ASSIGN_OR_RETURN(r.complement, ReadBool(value, where));
    } else if (key == "strategy") {
      if (!value.is_string()) return Invalid(StrCat(where, ": expected \"sequential\" or \"random\""));
      const std::string& s = value.get_ref<const std::string&>();
      if (s == "sequential") {
        r.strategy = SplitStrategy::kSequential;
      } else if (s == "random") {
        r.strategy = SplitStrategy::kRandom;
      } else {
        return Invalid(StrCat(where, ": '", s, "' is not \"sequential\" or \"random\""));
      }
      has_strategy = true;
    } else if (key == "strategyParams") {
      if (!value.is_object()) return Invalid(StrCat(where, ": expected an object"));
      for (const auto& [param, param_value] : value.items()) {
        if (param != "randomSeed") return Invalid(StrCat(where, ": unknown field '", param, "'"));
        OPENAML_ASSIGN_OR_RETURN(seed, ReadSeed(param_value, StrCat(where, ".randomSeed")));
      }
    } else if (key == "randomSeed") {
      // API reference example: the seed directly inside "splitting".
      OPENAML_ASSIGN_OR_RETURN(seed, ReadSeed(value, where));
    } else {
      return Invalid(StrCat("splitting: unknown field '", key, "'"));
    }
  }
  // Spec §5.2: "If both are absent, all data is used"; one of them alone keeps the other's default.
  (void)has_begin;
  (void)has_end;
  (void)has_strategy;
  if (seed) r.random_seed = *seed;
  OPENAML_RETURN_IF_ERROR(CheckRange(r));
  return r;
}

Result<DataRearrangement> DataRearrangement::FromSpec(std::string_view spec) {
  DataRearrangement r;
  if (spec.empty() || spec == "all") return r;
  // STRATEGY:RANGE[:REST], where REST (seed, ":complement") may itself hold colons.
  std::vector<std::string_view> parts;
  {
    std::string_view rest = spec;
    for (int i = 0; i < 2; ++i) {
      const size_t colon = rest.find(':');
      if (colon == std::string_view::npos) break;
      parts.push_back(rest.substr(0, colon));
      rest.remove_prefix(colon + 1);
    }
    parts.push_back(rest);
  }
  const std::string usage = StrCat("split '", spec,
                                         "': expected STRATEGY:BEGIN-END[:SEED][:complement], e.g. random:0-70:seed");
  if (parts.size() < 2) return Invalid(usage);
  if (parts[0] == "random") {
    r.strategy = SplitStrategy::kRandom;
  } else if (parts[0] == "sequential") {
    r.strategy = SplitStrategy::kSequential;
  } else {
    return Invalid(usage);
  }
  const size_t dash = parts[1].find('-');
  if (dash == std::string_view::npos) return Invalid(usage);
  const std::string_view range[2] = {parts[1].substr(0, dash), parts[1].substr(dash + 1)};
  for (int i = 0; i < 2; ++i) {
    int v = -1;
    auto [ptr, ec] = std::from_chars(range[i].data(), range[i].data() + range[i].size(), v);
    if (ec != std::errc() || ptr != range[i].data() + range[i].size() || v < 0 || v > 100) return Invalid(usage);
    (i == 0 ? r.percent_begin : r.percent_end) = v;
  }
  if (parts.size() == 3) {
    std::string_view rest = parts[2];
    constexpr std::string_view kComplement = "complement";
    if (rest == kComplement) {
      r.complement = true;
    } else if (rest.ends_with(":complement")) {
      r.complement = true;
      r.random_seed = std::string(rest.substr(0, rest.size() - kComplement.size() - 1));
    } else {
      r.random_seed = std::string(rest);
    }
  }
  OPENAML_RETURN_IF_ERROR(CheckRange(r));
  return r;
}

bool DataRearrangement::Selects(uint32_t file_index, uint64_t byte_offset, uint64_t record_index,
                                uint64_t record_count) const {
  if (SelectsAll()) return true;
  bool inside = false;
  if (strategy == SplitStrategy::kRandom) {
    // The record's number in [0, 100) is u / 2^53 * 100, where u is the top 53 bits of
    //   XXH64(file_index as 4 little-endian bytes ++ byte_offset as 8 little-endian bytes,
    //         seed = XXH64(random_seed bytes, seed = 0)).
    // It is compared exactly in integers: begin * 2^53 <= u * 100 < end * 2^53.
    unsigned char key[12];
    for (int i = 0; i < 4; ++i) key[i] = static_cast<unsigned char>(file_index >> (8 * i));
    for (int i = 0; i < 8; ++i) key[4 + i] = static_cast<unsigned char>(byte_offset >> (8 * i));
    const uint64_t seed_hash = XXH64(random_seed.data(), random_seed.size(), 0);
    const uint64_t u = XXH64(key, sizeof(key), seed_hash) >> 11;
    const uint64_t scaled = u * 100;  // < 2^60: no overflow
    inside = scaled >= (static_cast<uint64_t>(percent_begin) << 53) && scaled < (static_cast<uint64_t>(percent_end) << 53);
  } else {
    // Sequential: the record's position is record_index * 100 / record_count, compared exactly.
    if (record_count == 0) return complement;
    const unsigned __int128 position = static_cast<unsigned __int128>(record_index) * 100;
    inside = position >= static_cast<unsigned __int128>(percent_begin) * record_count &&
             position < static_cast<unsigned __int128>(percent_end) * record_count;
  }
  return inside != complement;
}

}  // namespace openaml
