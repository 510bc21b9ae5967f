#include "openaml/service/describe_query.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>
#include <variant>

#include "openaml/common/crypto.h"

namespace openaml::service {
namespace {

using SortKey = std::variant<int64_t, std::string>;

constexpr std::string_view kComparators[] = {"EQ", "GT", "LT", "GE", "LE", "NE", "Prefix"};

SortKey KeyOf(const nlohmann::json& doc, const FilterField& field) {
  const nlohmann::json* value = nullptr;
  auto it = doc.find(std::string(field.member));
  if (it != doc.end()) {
    value = &*it;
    if (!field.nested.empty()) {
      auto nested = it->is_object() ? it->find(std::string(field.nested)) : it->end();
      value = (it->is_object() && nested != it->end()) ? &*nested : nullptr;
    }
  }
  if (field.is_time) return value && value->is_number_integer() ? value->get<int64_t>() : int64_t{0};
  if (value && value->is_string()) return value->get<std::string>();
  if (value && !value->is_null()) return value->dump();
  return std::string();
}

int Compare(const SortKey& a, const SortKey& b) {
  if (a < b) return -1;
  if (b < a) return 1;
  return 0;
}

std::string KeyText(const SortKey& key) {
  if (auto* ms = std::get_if<int64_t>(&key)) return std::to_string(*ms);
  return std::get<std::string>(key);
}

}  // namespace

Result<int64_t> ParseTimeValue(std::string_view text) {
  double seconds = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && end == text.data() + text.size() && std::isfinite(seconds)) {
    return static_cast<int64_t>(std::llround(seconds * 1000.0));
  }
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  std::string copy(text);
  int fields = std::sscanf(copy.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &consumed);
  if (fields < 3) {
    return absl::InvalidArgumentError(fmt::format(
        "'{}' is not a time: use epoch seconds (1427864874.227) or ISO-8601 (2015-04-01T05:07:54Z)", text));
  }
  std::string_view rest = std::string_view(copy).substr(consumed);
  int millis = 0;
  if (!rest.empty() && (rest[0] == 'T' || rest[0] == ' ')) {
    int used = 0;
    if (std::sscanf(rest.data() + 1, "%2d:%2d:%2d%n", &hour, &minute, &second, &used) < 3) {
      return absl::InvalidArgumentError(fmt::format("'{}' is not an ISO-8601 time", text));
    }
    rest = rest.substr(1 + used);
    if (!rest.empty() && rest[0] == '.') {
      size_t digits = 1;
      int scale = 100;
      while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
        millis += (rest[digits] - '0') * scale;
        scale /= 10;
        ++digits;
      }
      rest = rest.substr(digits);
    }
  }
  if (!(rest.empty() || rest == "Z" || rest == "+00:00" || rest == "+0000")) {
    return absl::InvalidArgumentError(fmt::format("'{}': only UTC times (Z) are accepted", text));
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return absl::InvalidArgumentError(fmt::format("'{}' is not a valid date", text));
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

Result<DescribePage> RunDescribeQuery(const Request& request, const std::vector<FilterField>& fields,
                                      std::string_view id_member, const std::vector<nlohmann::json>& documents) {
  std::vector<std::string_view> variables;
  for (const FilterField& f : fields) variables.push_back(f.variable);
  OPENAML_ASSIGN_OR_RETURN(auto variable, request.String("FilterVariable", StringRule::OneOf(variables)));
  OPENAML_ASSIGN_OR_RETURN(auto sort_order, request.String("SortOrder", StringRule::OneOf({"asc", "dsc"})));
  OPENAML_ASSIGN_OR_RETURN(auto token, request.String("NextToken", StringRule{0, 4096, StringPattern::kNone, {}}));
  OPENAML_ASSIGN_OR_RETURN(auto limit, request.Integer("Limit", 1, 100));

  std::vector<std::pair<std::string_view, std::string>> comparators;
  for (std::string_view name : kComparators) {
    OPENAML_ASSIGN_OR_RETURN(auto value, request.String(name, StringRule{0, 1024, StringPattern::kEntityName, {}}));
    if (value) comparators.emplace_back(name, *value);
  }
  if (!comparators.empty() && !variable) {
    return absl::InvalidArgumentError(
        fmt::format("{} needs FilterVariable to say which field it compares", comparators.front().first));
  }

  const FilterField* sort_field = nullptr;
  for (const FilterField& f : fields) {
    if (f.variable == (variable ? std::string_view(*variable) : std::string_view("CreatedAt"))) sort_field = &f;
  }
  if (!sort_field) return absl::InternalError("Describe: no CreatedAt field declared");  // guaranteed by callers
  bool descending = sort_order ? *sort_order == "dsc" : !variable.has_value();

  // Comparator values typed like the field.
  std::vector<std::pair<std::string_view, SortKey>> typed;
  for (const auto& [name, value] : comparators) {
    if (sort_field->is_time && name != "Prefix") {
      OPENAML_ASSIGN_OR_RETURN(int64_t ms, ParseTimeValue(value));
      typed.emplace_back(name, ms);
    } else {
      typed.emplace_back(name, value);
    }
  }
  bool show_deleted = false;
  for (const auto& [name, value] : comparators) {
    if (variable && *variable == "Status" && name == "EQ" && value == "DELETED") show_deleted = true;
  }

  // Where the previous page ended.
  std::optional<std::pair<SortKey, std::string>> after;
  if (token && !token->empty()) {
    std::string decoded;
    nlohmann::json parsed;
    if (crypto::Base64Decode(*token, &decoded)) parsed = nlohmann::json::parse(decoded, nullptr, false);
    bool valid = parsed.is_object() && parsed.contains("v") && parsed.contains("o") && parsed.contains("i") &&
                 parsed.contains("k") && parsed["v"].is_string() && parsed["o"].is_boolean() &&
                 parsed["i"].is_string() && (parsed["k"].is_string() || parsed["k"].is_number_integer());
    if (!valid) return absl::InvalidArgumentError("NextToken is not a token returned by this operation");
    if (parsed["v"].get<std::string>() != sort_field->variable || parsed["o"].get<bool>() != descending) {
      return absl::InvalidArgumentError("NextToken belongs to a request with another FilterVariable or SortOrder");
    }
    SortKey key = parsed["k"].is_string() ? SortKey(parsed["k"].get<std::string>()) : SortKey(parsed["k"].get<int64_t>());
    if (key.index() != (sort_field->is_time ? 0u : 1u)) {
      return absl::InvalidArgumentError("NextToken is not a token returned by this operation");
    }
    after.emplace(std::move(key), parsed["i"].get<std::string>());
  }

  struct Row {
    SortKey key;
    std::string id;
    const nlohmann::json* doc;
  };
  std::vector<Row> rows;
  for (const nlohmann::json& doc : documents) {
    std::string status = doc.value("Status", "");
    if (status == "DELETED" && !show_deleted) continue;
    SortKey key = KeyOf(doc, *sort_field);
    bool keep = true;
    for (const auto& [name, value] : typed) {
      int c = Compare(key, value);
      if (name == "EQ") keep = c == 0;
      else if (name == "NE") keep = c != 0;
      else if (name == "GT") keep = c > 0;
      else if (name == "LT") keep = c < 0;
      else if (name == "GE") keep = c >= 0;
      else if (name == "LE") keep = c <= 0;
      else if (name == "Prefix") {
        std::string text = sort_field->is_time ? KeyText(key) : std::get<std::string>(key);
        keep = text.rfind(std::get<std::string>(value), 0) == 0;
      }
      if (!keep) break;
    }
    if (keep) rows.push_back(Row{std::move(key), doc.value(std::string(id_member), ""), &doc});
  }
  auto before = [descending](const SortKey& ka, const std::string& ia, const SortKey& kb, const std::string& ib) {
    int c = Compare(ka, kb);
    if (c == 0) c = ia.compare(ib) < 0 ? -1 : (ia == ib ? 0 : 1);
    return descending ? c > 0 : c < 0;
  };
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return before(a.key, a.id, b.key, b.id); });

  size_t start = 0;
  if (after) {
    while (start < rows.size() && !before(after->first, after->second, rows[start].key, rows[start].id)) ++start;
  }
  size_t page_size = static_cast<size_t>(limit.value_or(100));
  DescribePage page;
  size_t end = std::min(rows.size(), start + page_size);
  for (size_t i = start; i < end; ++i) page.items.push_back(rows[i].doc);
  if (end < rows.size() && end > start) {
    const Row& last = rows[end - 1];
    nlohmann::json t = {{"v", sort_field->variable}, {"o", descending}, {"i", last.id}};
    if (auto* ms = std::get_if<int64_t>(&last.key)) {
      t["k"] = *ms;
    } else {
      t["k"] = std::get<std::string>(last.key);
    }
    page.next_token = crypto::Base64Encode(t.dump());
  }
  return page;
}

}  // namespace openaml::service
