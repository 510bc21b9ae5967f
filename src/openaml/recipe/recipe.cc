#include "openaml/recipe/recipe.h"

#include <cctype>

#include "openaml/common/str_cat.h"
#include "fmt/ranges.h"
#include "nlohmann/json.hpp"

namespace openaml::recipe {
namespace {

using Json = nlohmann::ordered_json;

bool IsNameChar(char c) {
  switch (c) {
    case ',': case '\'': case '"': case '(': case ')': case '\\': return false;
    default: return !std::isspace(static_cast<unsigned char>(c));
  }
}

bool IsAllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

/// Recursive-descent parser over one expression string (spec §7.2).
class ExprParser {
 public:
  ExprParser(std::string_view text, std::string_view where, const RecipeLimits& limits)
      : text_(text), where_(where), limits_(limits) {}

  Result<Expr> ParseWhole() {
    OPENAML_ASSIGN_OR_RETURN(Expr expr, ParseExpr(0));
    SkipSpace();
    if (pos_ != text_.size()) return Error(pos_, StrCat("unexpected '", text_.substr(pos_, 1),
                                                              "' after the end of the expression"));
    return expr;
  }

 private:
  Status Error(size_t at, std::string_view problem) const {
    return absl::InvalidArgumentError(
        StrCat(where_, " \"", text_, "\" at character ", at + 1, ": ", problem));
  }
  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  Result<Expr> ParseExpr(size_t depth) {
    if (depth > limits_.max_expression_depth)
      return Error(pos_, StrCat("expression nested deeper than ", limits_.max_expression_depth));
    SkipSpace();
    if (pos_ >= text_.size()) return Error(pos_, "expected a name or a transformation, found the end");
    Expr expr;
    expr.position = pos_;
    char c = text_[pos_];
    if (c == '\'' || c == '"') {
      size_t close = text_.find(c, pos_ + 1);
      if (close == std::string_view::npos) return Error(pos_, "unterminated quoted name");
      expr.kind = Expr::Kind::kRef;
      expr.quoted = true;
      expr.name = std::string(text_.substr(pos_ + 1, close - pos_ - 1));
      if (expr.name.empty()) return Error(pos_, "empty quoted name");
      pos_ = close + 1;
      return expr;
    }
    if (!IsNameChar(c)) return Error(pos_, StrCat("expected a name or a transformation, found '",
                                                        std::string(1, c), "'"));
    size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    std::string_view word = text_.substr(start, pos_ - start);
    size_t after_word = pos_;
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      expr.kind = Expr::Kind::kCall;
      expr.name = std::string(word);
      ++pos_;
      while (true) {
        OPENAML_ASSIGN_OR_RETURN(Expr arg, ParseExpr(depth + 1));
        expr.args.push_back(std::move(arg));
        SkipSpace();
        if (pos_ >= text_.size())
          return Error(pos_, StrCat("missing ')' to close ", expr.name, "("));
        if (text_[pos_] == ',') { ++pos_; continue; }
        if (text_[pos_] == ')') { ++pos_; break; }
        return Error(pos_, StrCat("expected ',' or ')', found '", text_.substr(pos_, 1), "'"));
      }
      return expr;
    }
    pos_ = after_word;
    if (IsAllDigits(word) || ((word[0] == '-' || word[0] == '+') && IsAllDigits(word.substr(1)))) {
      expr.kind = Expr::Kind::kInteger;
      if (word.size() > 12) return Error(start, StrCat("integer '", word, "' is out of range"));
      expr.integer = std::stoll(std::string(word));
      return expr;
    }
    if (!std::isalpha(static_cast<unsigned char>(word[0])))
      return Error(start, StrCat("name '", word, "' does not start with a letter and must be quoted"));
    expr.kind = Expr::Kind::kRef;
    expr.name = std::string(word);
    return expr;
  }

  std::string_view text_;
  std::string_view where_;
  const RecipeLimits& limits_;
  size_t pos_ = 0;
};

/// Split an output string at its `//` comment (outside quotes).
std::string_view StripComment(std::string_view text) {
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      return text.substr(0, i);
    }
  }
  return text;
}

Status CheckDefinedName(std::string_view name, std::string_view where, const RecipeLimits& limits) {
  if (name.empty() || name.size() > limits.max_name_length)
    return absl::InvalidArgumentError(StrCat(where, ": name '", name, "' must be 1-",
                                                   limits.max_name_length, " characters"));
  if (!std::isalpha(static_cast<unsigned char>(name[0])))
    return absl::InvalidArgumentError(StrCat(where, ": name '", name, "' must start with a letter"));
  if (IsBuiltinGroup(name))
    return absl::InvalidArgumentError(StrCat(where, ": '", name, "' is a built-in group and cannot be redefined"));
  return absl::OkStatus();
}

}  // namespace

bool IsBuiltinGroup(std::string_view name) {
  return name == "ALL_TEXT" || name == "ALL_NUMERIC" || name == "ALL_CATEGORICAL" || name == "ALL_BINARY" ||
         name == "ALL_INPUTS";
}

std::string QuoteNameIfNeeded(std::string_view name) {
  bool plain = !name.empty() && std::isalpha(static_cast<unsigned char>(name[0]));
  for (char c : name) plain = plain && IsNameChar(c);
  if (plain) return std::string(name);
  char quote = name.find('\'') == std::string_view::npos ? '\'' : '"';
  return StrCat(std::string(1, quote), name, std::string(1, quote));
}

std::string Expr::ToString() const {
  switch (kind) {
    case Kind::kRef: return QuoteNameIfNeeded(name);
    case Kind::kInteger: return std::to_string(integer);
    case Kind::kCall: {
      std::vector<std::string> parts;
      for (const Expr& arg : args) parts.push_back(arg.ToString());
      return StrCat(name, "(", fmt::format("{}", fmt::join(parts, ",")), ")");
    }
  }
  return {};
}

Result<Expr> ParseExpression(std::string_view text, std::string_view where, const RecipeLimits& limits) {
  return ExprParser(text, where, limits).ParseWhole();
}

Result<Recipe> Recipe::Parse(std::string_view json_text, const RecipeLimits& limits) {
  if (json_text.size() > limits.max_recipe_bytes)
    return absl::InvalidArgumentError(StrCat("recipe is ", json_text.size(), " bytes, more than the limit of ",
                                                   limits.max_recipe_bytes));
  Json doc;
  try {
    doc = Json::parse(json_text);
  } catch (const nlohmann::json::parse_error& e) {
    return absl::InvalidArgumentError(
        StrCat("recipe is not valid JSON at character ", e.byte, ": ", e.what()));
  }
  if (!doc.is_object()) return absl::InvalidArgumentError("recipe must be a JSON object");
  Recipe recipe;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "groups" && it.key() != "assignments" && it.key() != "outputs")
      return absl::InvalidArgumentError(StrCat("recipe has an unknown section '", it.key(),
                                                     "' (expected groups, assignments, outputs)"));
  }
  if (doc.contains("groups") && !doc["groups"].is_null()) {
    const Json& groups = doc["groups"];
    if (!groups.is_object()) return absl::InvalidArgumentError("recipe groups must be an object of name: expression");
    for (auto it = groups.begin(); it != groups.end(); ++it) {
      std::string where = StrCat("recipe groups['", it.key(), "']");
      OPENAML_RETURN_IF_ERROR(CheckDefinedName(it.key(), where, limits));
      if (!it.value().is_string()) return absl::InvalidArgumentError(StrCat(where, " must be a string"));
      std::string source = it.value().get<std::string>();
      OPENAML_ASSIGN_OR_RETURN(Expr expr, ParseExpression(source, where, limits));
      if (expr.kind != Expr::Kind::kCall || (expr.name != "group" && expr.name != "group_remove"))
        return absl::InvalidArgumentError(StrCat(where, " \"", source,
                                                       "\": a group must be group(...) or group_remove(...)"));
      GroupDef group{it.key(), expr.name == "group_remove", {}, source};
      for (Expr& member : expr.args) {
        if (member.kind != Expr::Kind::kRef)
          return absl::InvalidArgumentError(StrCat(where, " \"", source, "\" at character ",
                                                         member.position + 1,
                                                         ": group members must be variable or group names"));
        group.members.push_back(std::move(member));
      }
      if (group.remove && group.members.size() < 2)
        return absl::InvalidArgumentError(StrCat(where, " \"", source,
                                                       "\": group_remove needs a group and at least one name"));
      for (const GroupDef& g : recipe.groups)
        if (g.name == group.name)
          return absl::InvalidArgumentError(StrCat(where, ": defined twice"));
      recipe.groups.push_back(std::move(group));
    }
  }
  if (doc.contains("assignments") && !doc["assignments"].is_null()) {
    const Json& assignments = doc["assignments"];
    if (!assignments.is_object())
      return absl::InvalidArgumentError("recipe assignments must be an object of name: expression");
    for (auto it = assignments.begin(); it != assignments.end(); ++it) {
      std::string where = StrCat("recipe assignments['", it.key(), "']");
      OPENAML_RETURN_IF_ERROR(CheckDefinedName(it.key(), where, limits));
      if (!it.value().is_string()) return absl::InvalidArgumentError(StrCat(where, " must be a string"));
      std::string source = it.value().get<std::string>();
      OPENAML_ASSIGN_OR_RETURN(Expr expr, ParseExpression(source, where, limits));
      for (const GroupDef& g : recipe.groups)
        if (g.name == it.key())
          return absl::InvalidArgumentError(StrCat(where, ": name already used by a group"));
      recipe.assignments.push_back({it.key(), std::move(expr), source});
    }
  }
  if (!doc.contains("outputs") || !doc["outputs"].is_array() || doc["outputs"].empty())
    return absl::InvalidArgumentError("recipe outputs must be a non-empty array of strings");
  size_t index = 0;
  for (const Json& item : doc["outputs"]) {
    std::string where = StrCat("recipe outputs[", index++, "]");
    if (!item.is_string()) return absl::InvalidArgumentError(StrCat(where, " must be a string"));
    std::string full = item.get<std::string>();
    std::string source(StripComment(full));
    OPENAML_ASSIGN_OR_RETURN(Expr expr, ParseExpression(source, where, limits));
    recipe.outputs.push_back({std::move(expr), source});
  }
  return recipe;
}

std::string Recipe::ToJson() const {
  Json doc = Json::object();
  Json groups_json = Json::object();
  for (const GroupDef& g : groups) groups_json[g.name] = g.source;
  Json assignments_json = Json::object();
  for (const Assignment& a : assignments) assignments_json[a.name] = a.source;
  Json outputs_json = Json::array();
  for (const Output& o : outputs) outputs_json.push_back(o.source);
  doc["groups"] = groups_json;
  doc["assignments"] = assignments_json;
  doc["outputs"] = outputs_json;
  return doc.dump();
}

}  // namespace openaml::recipe
