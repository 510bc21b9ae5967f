// Amazon ML's recipe language (spec §7): the JSON document with `groups`, `assignments` and `outputs`, and
// the expression grammar of spec §7.2 parsed into a small syntax tree with byte positions for error messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "openaml/common/status.h"

namespace openaml::recipe {

/// Limits of the recipe language (spec §7.1, §13). Configurable by callers.
struct RecipeLimits {
  size_t max_name_length = 64;       // group/assignment names: 1-64 characters
  size_t max_recipe_bytes = 131071;  // API field limit for a recipe
  size_t max_output_features = 10000;  // "recipe complexity": processed output variables
  size_t max_expression_depth = 32;  // nesting; protects the parser from hostile input
  static RecipeLimits Defaults() { return {}; }
};

/// One node of a recipe expression: a reference (variable, group or assignment name), an integer argument,
/// or a call of a transformation on arguments.
struct Expr {
  enum class Kind { kRef, kInteger, kCall };
  Kind kind = Kind::kRef;
  std::string name;          // kRef: the referenced name; kCall: the function name
  bool quoted = false;       // kRef written in quotes ('age' or "age")
  int64_t integer = 0;       // kInteger
  std::vector<Expr> args;    // kCall
  size_t position = 0;       // byte offset of the node in its source string (0-based)

  /// Canonical text of the expression (names quoted when needed), e.g. "quantile_bin('age',50)".
  std::string ToString() const;
};

/// A named group: `group(a, b, ...)` or `group_remove(G, a, ...)`.
struct GroupDef {
  std::string name;
  bool remove = false;        // group_remove
  std::vector<Expr> members;  // kRef nodes
  std::string source;         // the expression text as written
};

struct Assignment {
  std::string name;
  Expr expr;
  std::string source;
};

struct Output {
  Expr expr;
  std::string source;  // as written, without the `// comment`
};

/// A parsed, not yet resolved recipe. Names are resolved against a schema by FeatureProgram::Compile.
struct Recipe {
  std::vector<GroupDef> groups;          // in document order
  std::vector<Assignment> assignments;   // in document order
  std::vector<Output> outputs;           // non-empty

  /// Parse recipe JSON. Errors are InvalidArgument and name where the problem is, e.g.
  /// "recipe outputs[2] \"quantile_bin(age,3)\" at character 17: ..." (characters count from 1).
  static Result<Recipe> Parse(std::string_view json, const RecipeLimits& limits = RecipeLimits::Defaults());
  /// The JSON form, sections in the order groups, assignments, outputs.
  std::string ToJson() const;
};

/// Parse one expression (an output or assignment right-hand side). `where` prefixes error messages.
Result<Expr> ParseExpression(std::string_view text, std::string_view where,
                             const RecipeLimits& limits = RecipeLimits::Defaults());

/// True for the built-in group keywords ALL_TEXT, ALL_NUMERIC, ALL_CATEGORICAL, ALL_BINARY, ALL_INPUTS.
bool IsBuiltinGroup(std::string_view name);

/// Quote `name` with single quotes if the grammar requires it (spec §7.1), else return it as is.
std::string QuoteNameIfNeeded(std::string_view name);

}  // namespace openaml::recipe
