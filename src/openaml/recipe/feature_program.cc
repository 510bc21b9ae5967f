#include "openaml/recipe/feature_program.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "openaml/common/str_cat.h"
#include "fmt/ranges.h"
#include "nlohmann/json.hpp"
#include "openaml/recipe/transforms/registry.h"
#include "openaml/schema/value_rules.h"

namespace openaml::recipe {

void FitSampler::Add(double value) {
  ++count_;
  double delta = value - mean_;
  mean_ += delta / static_cast<double>(count_);
  m2_ += delta * (value - mean_);
  if (sample_.size() < max_sample_) {
    sample_.push_back(value);
  } else {
    uint64_t j = rng_() % count_;
    if (j < max_sample_) sample_[j] = value;
  }
}

double FitSampler::stddev() const { return count_ > 1 ? std::sqrt(m2_ / static_cast<double>(count_)) : 0; }

namespace {

ValueKind KindOf(AttributeType type) {
  switch (type) {
    case AttributeType::kNumeric: return ValueKind::kNumeric;
    case AttributeType::kBinary: return ValueKind::kBinary;
    case AttributeType::kCategorical: return ValueKind::kCategorical;
    case AttributeType::kText: return ValueKind::kText;
  }
  return ValueKind::kCategorical;
}

int FindAttribute(const Schema& schema, std::string_view name) {
  for (size_t i = 0; i < schema.attributes.size(); ++i)
    if (schema.attributes[i].name == name) return static_cast<int>(i);
  return -1;
}

bool IsInputAttribute(const Schema& schema, int index) {
  const std::string& name = schema.attributes[index].name;
  if (schema.target && *schema.target == name) return false;
  if (schema.row_id && *schema.row_id == name) return false;
  for (const std::string& excluded : schema.excluded_attribute_names)
    if (excluded == name) return false;
  return true;
}

}  // namespace

/// Resolves names and builds the node DAG (one instance per Compile call).
class ProgramCompiler {
 public:
  ProgramCompiler(FeatureProgram& program, const RecipeLimits& limits) : p_(program), limits_(limits) {}

  Status Run() {
    const Recipe& recipe = p_.recipe_;
    for (const GroupDef& group : recipe.groups) {
      std::string where = StrCat("recipe groups['", group.name, "']");
      std::vector<int> members;
      for (size_t i = 0; i < group.members.size(); ++i) {
        const Expr& member = group.members[i];
        OPENAML_ASSIGN_OR_RETURN(std::vector<int> attrs, GroupMember(member, where, group.source));
        if (group.remove && i == 0) {
          if (!IsGroupName(member.name))
            return ErrorAt(where, group.source, member.position,
                           StrCat("group_remove's first argument '", member.name, "' must be a group"));
          members = attrs;
        } else if (group.remove) {
          for (int a : attrs) members.erase(std::remove(members.begin(), members.end(), a), members.end());
        } else {
          for (int a : attrs)
            if (std::find(members.begin(), members.end(), a) == members.end()) members.push_back(a);
        }
      }
      groups_[group.name] = members;
    }
    for (const Assignment& a : recipe.assignments) {
      std::string where = StrCat("recipe assignments['", a.name, "']");
      OPENAML_ASSIGN_OR_RETURN(std::vector<int> nodes, Resolve(a.expr, where, a.source));
      assignments_[a.name] = nodes;
    }
    size_t index = 0;
    for (const Output& o : recipe.outputs) {
      std::string where = StrCat("recipe outputs[", index++, "]");
      OPENAML_ASSIGN_OR_RETURN(std::vector<int> nodes, Resolve(o.expr, where, o.source));
      for (int node : nodes) {
        bool seen = false;
        for (const auto& out : p_.outputs_) seen = seen || out.node == node;
        if (!seen) {
          FeatureProgram::OutputNode out{node, HashToken(p_.nodes_[node].label), {}};
          const FeatureProgram::Node& n = p_.nodes_[node];
          if (n.op == FeatureProgram::NodeOp::kTransform && n.transform == TransformOp::kQuantileBin)
            for (int token = 0; token <= n.param; ++token) out.token_keys.push_back(CombineHashes(out.seed, token));
          p_.outputs_.push_back(std::move(out));
        }
      }
      if (p_.outputs_.size() > limits_.max_output_features)
        return absl::InvalidArgumentError(StrCat(where, " \"", o.source, "\": the recipe produces more than ",
                                                       limits_.max_output_features,
                                                       " output variables (spec §13 recipe complexity)"));
    }
    return absl::OkStatus();
  }

 private:
  Status ErrorAt(std::string_view where, std::string_view source, size_t position, std::string_view problem) {
    return absl::InvalidArgumentError(
        StrCat(where, " \"", source, "\" at character ", position + 1, ": ", problem));
  }

  bool IsGroupName(const std::string& name) const { return IsBuiltinGroup(name) || groups_.count(name); }

  std::vector<int> BuiltinGroup(std::string_view name) const {
    std::vector<int> out;
    const Schema& s = p_.schema_;
    for (size_t i = 0; i < s.attributes.size(); ++i) {
      if (!IsInputAttribute(s, static_cast<int>(i))) continue;
      AttributeType t = s.attributes[i].type;
      if (name == "ALL_INPUTS" || (name == "ALL_TEXT" && t == AttributeType::kText) ||
          (name == "ALL_NUMERIC" && t == AttributeType::kNumeric) ||
          (name == "ALL_CATEGORICAL" && t == AttributeType::kCategorical) ||
          (name == "ALL_BINARY" && t == AttributeType::kBinary))
        out.push_back(static_cast<int>(i));
    }
    return out;
  }

  /// A group member: a variable or a group (not ALL_INPUTS), as attribute indexes.
  Result<std::vector<int>> GroupMember(const Expr& member, std::string_view where, std::string_view source) {
    if (member.name == "ALL_INPUTS")
      return ErrorAt(where, source, member.position, "ALL_INPUTS cannot be used to build a group");
    if (IsBuiltinGroup(member.name)) return BuiltinGroup(member.name);
    if (auto it = groups_.find(member.name); it != groups_.end()) return it->second;
    OPENAML_ASSIGN_OR_RETURN(int attr, Variable(member, where, source));
    return std::vector<int>{attr};
  }

  Result<int> Variable(const Expr& ref, std::string_view where, std::string_view source) {
    int index = FindAttribute(p_.schema_, ref.name);
    if (index < 0)
      return ErrorAt(where, source, ref.position,
                     StrCat("'", ref.name, "' is not a variable of the schema, a group or an assignment"));
    if (!IsInputAttribute(p_.schema_, index))
      return ErrorAt(where, source, ref.position,
                     StrCat("'", ref.name, "' is the target, the row id or excluded, and cannot be used"));
    return index;
  }

  int AttributeNode(int attr) {
    const Attribute& a = p_.schema_.attributes[attr];
    FeatureProgram::Node node;
    node.op = FeatureProgram::NodeOp::kAttribute;
    node.kind = KindOf(a.type);
    node.attribute = attr;
    node.label = QuoteNameIfNeeded(a.name);
    return Intern(std::move(node));
  }

  int Intern(FeatureProgram::Node node) {
    auto it = by_label_.find(node.label);
    if (it != by_label_.end()) return it->second;
    int index = static_cast<int>(p_.nodes_.size());
    by_label_[node.label] = index;
    p_.nodes_.push_back(std::move(node));
    return index;
  }

  Result<std::vector<int>> Resolve(const Expr& expr, std::string_view where, std::string_view source) {
    switch (expr.kind) {
      case Expr::Kind::kInteger:
        return ErrorAt(where, source, expr.position, "a number is not allowed here (expected a variable or transformation)");
      case Expr::Kind::kRef: {
        if (auto it = assignments_.find(expr.name); it != assignments_.end()) return it->second;
        if (IsBuiltinGroup(expr.name) || groups_.count(expr.name)) {
          std::vector<int> attrs = IsBuiltinGroup(expr.name) ? BuiltinGroup(expr.name) : groups_[expr.name];
          std::vector<int> nodes;
          for (int a : attrs) nodes.push_back(AttributeNode(a));
          return nodes;
        }
        for (const Assignment& a : p_.recipe_.assignments)
          if (a.name == expr.name)
            return ErrorAt(where, source, expr.position,
                           StrCat("assignment '", expr.name, "' is used before it is defined"));
        OPENAML_ASSIGN_OR_RETURN(int attr, Variable(expr, where, source));
        return std::vector<int>{AttributeNode(attr)};
      }
      case Expr::Kind::kCall:
        break;
    }
    if (expr.name == "group" || expr.name == "group_remove")
      return ErrorAt(where, source, expr.position, StrCat(expr.name, "() is allowed only in the groups section"));
    const TransformInfo* info = TransformRegistry::Default().Find(expr.name);
    if (!info) {
      std::vector<std::string_view> names;
      for (const TransformInfo& t : TransformRegistry::Default().all()) names.push_back(t.name);
      return ErrorAt(where, source, expr.position,
                     StrCat("unknown transformation '", expr.name, "' (known: ", fmt::format("{}", fmt::join(names, ", ")), ")"));
    }
    size_t wanted = info->expression_args + (info->integer_param ? 1 : 0);
    if (expr.args.size() != wanted)
      return ErrorAt(where, source, expr.position,
                     StrCat(info->name, " takes ", wanted, " argument", wanted == 1 ? "" : "s", ": ",
                                  info->signature, ", got ", expr.args.size()));
    int param = 0;
    if (info->integer_param) {
      const Expr& arg = expr.args.back();
      if (arg.kind != Expr::Kind::kInteger)
        return ErrorAt(where, source, arg.position,
                       StrCat(info->name, "'s last argument must be an integer: ", info->signature));
      if (arg.integer < info->param_min || arg.integer > info->param_max)
        return ErrorAt(where, source, arg.position,
                       StrCat(info->name, "'s ", info->signature.substr(info->signature.rfind(' ') + 1, 1),
                                    " must be ", info->param_min, "-", info->param_max, ", got ", arg.integer));
      param = static_cast<int>(arg.integer);
    }
    std::vector<std::vector<int>> inputs;
    for (int i = 0; i < info->expression_args; ++i) {
      const Expr& arg = expr.args[i];
      OPENAML_ASSIGN_OR_RETURN(std::vector<int> nodes, Resolve(arg, where, source));
      for (int n : nodes) {
        const FeatureProgram::Node& node = p_.nodes_[n];
        if (std::find(info->accepts.begin(), info->accepts.end(), node.kind) == info->accepts.end()) {
          std::vector<std::string_view> kinds;
          for (ValueKind k : info->accepts) kinds.push_back(ValueKindName(k));
          return ErrorAt(where, source, arg.position,
                         StrCat(info->name, " accepts ", fmt::format("{}", fmt::join(kinds, " or ")), " but ", node.label,
                                      " is ", ValueKindName(node.kind)));
        }
        if ((info->op == TransformOp::kQuantileBin || info->op == TransformOp::kNormalize) &&
            node.op != FeatureProgram::NodeOp::kAttribute)
          return ErrorAt(where, source, arg.position,
                         StrCat(info->name, " applies to NUMERIC variables, not to ", node.label));
      }
      inputs.push_back(std::move(nodes));
    }
    std::vector<int> result;
    auto make = [&](int a, int b) {
      FeatureProgram::Node node;
      node.op = FeatureProgram::NodeOp::kTransform;
      node.kind = info->produces;
      node.transform = info->op;
      node.param = param;
      node.in0 = a;
      node.in1 = b;
      node.label = StrCat(info->name, "(", p_.nodes_[a].label, b >= 0 ? "," : "",
                                b >= 0 ? p_.nodes_[b].label : "", info->integer_param ? "," : "",
                                info->integer_param ? std::to_string(param) : "", ")");
      int index = Intern(std::move(node));
      if (info->op == TransformOp::kQuantileBin || info->op == TransformOp::kNormalize) {
        int attr = p_.nodes_[a].attribute;
        auto& fit = p_.attributes_to_fit_;
        if (std::find(fit.begin(), fit.end(), attr) == fit.end()) fit.push_back(attr);
      }
      result.push_back(index);
    };
    if (info->expression_args == 1) {
      for (int a : inputs[0]) make(a, -1);
    } else {
      for (int a : inputs[0])
        for (int b : inputs[1]) make(a, b);
    }
    if (result.size() > limits_.max_output_features)
      return ErrorAt(where, source, expr.position, "too many features (spec §13 recipe complexity)");
    return result;
  }

  FeatureProgram& p_;
  const RecipeLimits& limits_;
  std::map<std::string, std::vector<int>> groups_;
  std::map<std::string, std::vector<int>> assignments_;
  std::map<std::string, int> by_label_;
};

Result<std::shared_ptr<FeatureProgram>> FeatureProgram::Compile(const Recipe& recipe, const Schema& schema,
                                                                const RecipeLimits& limits) {
  auto program = std::make_shared<FeatureProgram>();
  program->schema_ = schema;
  program->recipe_ = recipe;
  ProgramCompiler compiler(*program, limits);
  OPENAML_RETURN_IF_ERROR(compiler.Run());
  return program;
}

void FeatureProgram::Fit(std::vector<FitSampler>& samplers) {
  for (Node& node : nodes_) {
    if (node.op != NodeOp::kTransform) continue;
    if (node.transform != TransformOp::kQuantileBin && node.transform != TransformOp::kNormalize) continue;
    int attr = nodes_[node.in0].attribute;
    size_t i = std::find(attributes_to_fit_.begin(), attributes_to_fit_.end(), attr) - attributes_to_fit_.begin();
    if (i >= samplers.size()) continue;  // guaranteed by caller: one sampler per attribute to fit
    FitSampler& s = samplers[i];
    if (node.transform == TransformOp::kQuantileBin) {
      node.boundaries = QuantileBoundaries(s.sample(), node.param);
    } else {
      node.mean = s.mean();
      double sd = s.stddev();
      node.inverse_std = sd > 0 ? 1.0 / sd : 1.0;
    }
  }
}

bool FeatureProgram::may_repeat_features() const {
  for (const OutputNode& o : outputs_) {
    const Node& n = nodes_[o.node];
    if (n.kind == ValueKind::kText) return true;
    if (n.kind == ValueKind::kTokens && !(n.op == NodeOp::kTransform && n.transform == TransformOp::kQuantileBin))
      return true;
  }
  return false;
}

std::string FeatureProgram::FitJson() const {
  nlohmann::json nodes = nlohmann::json::array();
  for (const Node& node : nodes_) {
    if (node.op != NodeOp::kTransform) continue;
    if (node.transform == TransformOp::kQuantileBin)
      nodes.push_back({{"label", node.label}, {"boundaries", node.boundaries}});
    else if (node.transform == TransformOp::kNormalize)
      nodes.push_back({{"label", node.label}, {"mean", node.mean}, {"inverseStd", node.inverse_std}});
  }
  return nlohmann::json{{"nodes", nodes}}.dump();
}

Status FeatureProgram::LoadFitJson(std::string_view text) {
  try {
    nlohmann::json doc = nlohmann::json::parse(text);
    for (const auto& item : doc.at("nodes")) {
      std::string label = item.at("label").get<std::string>();
      auto it = std::find_if(nodes_.begin(), nodes_.end(), [&](const Node& n) { return n.label == label; });
      if (it == nodes_.end()) return absl::DataLossError(StrCat("fitted node '", label, "' not in the recipe"));
      if (item.contains("boundaries")) it->boundaries = item["boundaries"].get<std::vector<double>>();
      if (item.contains("mean")) {
        it->mean = item["mean"].get<double>();
        it->inverse_std = item.at("inverseStd").get<double>();
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(StrCat("fitted recipe parameters are malformed: ", e.what()));
  }
  return absl::OkStatus();
}

FeatureExtractor::FeatureExtractor(std::shared_ptr<const FeatureProgram> program)
    : program_(std::move(program)), values_(program_->nodes_.size()) {}

void FeatureExtractor::Extract(std::span<const std::string_view> fields, std::vector<Feature>* out,
                               const std::vector<bool>* absent) {
  out->clear();
  const auto& nodes = program_->nodes_;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const FeatureProgram::Node& node = nodes[i];
    NodeValue& v = values_[i];
    if (node.op == FeatureProgram::NodeOp::kAttribute) {
      bool is_absent = (absent && (*absent)[node.attribute]) || node.attribute >= static_cast<int>(fields.size());
      std::string_view text = is_absent ? std::string_view() : fields[node.attribute];
      switch (node.kind) {
        case ValueKind::kNumeric:
          v.missing = is_absent || ParseNumeric(text, &v.number) != ValueState::kPresent;
          break;
        case ValueKind::kBinary: {
          bool b = false;
          v.missing = is_absent || ParseBinary(text, &b) != ValueState::kPresent;
          v.number = b ? 1 : 0;
          break;
        }
        case ValueKind::kCategorical:
          v.tokens.clear();
          if (!is_absent) v.tokens.push_back(text);
          break;
        case ValueKind::kText:
          TokenizeWhitespace(text, &v);
          break;
        case ValueKind::kTokens:
          break;
      }
      continue;
    }
    const NodeValue& a = values_[node.in0];
    switch (node.transform) {
      case TransformOp::kLowercase: ApplyLowercase(a, &v); break;
      case TransformOp::kNoPunct: ApplyNoPunct(a, &v); break;
      case TransformOp::kNgram: ApplyNgram(a, node.param, &v); break;
      case TransformOp::kOsb: ApplyOsb(a, node.param, &v); break;
      case TransformOp::kQuantileBin: ApplyQuantileBin(a, node.boundaries, &v); break;
      case TransformOp::kNormalize: ApplyNormalize(a, node.mean, node.inverse_std, &v); break;
      case TransformOp::kCartesian:
        ApplyCartesian(a, nodes[node.in0].kind, values_[node.in1], nodes[node.in1].kind, &v);
        break;
    }
  }
  for (const FeatureProgram::OutputNode& o : program_->outputs_) {
    const NodeValue& v = values_[o.node];
    switch (nodes[o.node].kind) {
      case ValueKind::kNumeric:
      case ValueKind::kBinary:
        if (v.missing)
          out->push_back({CombineHashes(o.seed, kMissingToken), 1.0f});
        else if (v.number != 0)
          out->push_back({CombineHashes(o.seed, 1), static_cast<float>(v.number)});
        break;
      case ValueKind::kCategorical:
      case ValueKind::kText:
        for (std::string_view t : v.tokens) out->push_back({CombineHashes(o.seed, HashToken(t)), 1.0f});
        break;
      case ValueKind::kTokens:
        for (uint64_t h : v.hashes)
          out->push_back({h < o.token_keys.size() ? o.token_keys[h] : CombineHashes(o.seed, h), 1.0f});
        break;
    }
  }
}

}  // namespace openaml::recipe
