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

uint64_t CombineHashes(uint64_t a, uint64_t b) {
  // splitmix64 finaliser over an order-sensitive mix.
  uint64_t x = a * 0x9E3779B97F4A7C15ULL + (b ^ (b >> 29)) + 0x632BE59BD9B4E019ULL;
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

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
