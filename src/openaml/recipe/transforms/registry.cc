#include "openaml/recipe/transforms/registry.h"

#include "xxhash.h"

namespace openaml::recipe {

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNumeric: return "NUMERIC";
    case ValueKind::kBinary: return "BINARY";
    case ValueKind::kCategorical: return "CATEGORICAL";
    case ValueKind::kText: return "TEXT";
    case ValueKind::kTokens: return "TOKENS";
  }
  return "?";
}

uint64_t HashToken(std::string_view token) { return XXH3_64bits(token.data(), token.size()); }

void TokenizeWhitespace(std::string_view text, NodeValue* out) {
  out->tokens.clear();
  size_t i = 0, n = text.size();
  while (i < n) {
    while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r' ||
                     text[i] == '\f' || text[i] == '\v'))
      ++i;
    size_t start = i;
    while (i < n && !(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r' ||
                      text[i] == '\f' || text[i] == '\v'))
      ++i;
    if (i > start) out->tokens.push_back(text.substr(start, i - start));
  }
}

const TransformRegistry& TransformRegistry::Default() {
  static const TransformRegistry* registry = [] {
    auto* r = new TransformRegistry();
    r->transforms_ = {LowercaseTransform(), NoPunctTransform(),   NgramTransform(),    OsbTransform(),
                      QuantileBinTransform(), NormalizeTransform(), CartesianTransform()};
    return r;
  }();
  return *registry;
}

const TransformInfo* TransformRegistry::Find(std::string_view name) const {
  for (const TransformInfo& t : transforms_)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace openaml::recipe
