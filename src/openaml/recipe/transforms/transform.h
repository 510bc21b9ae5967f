// The recipe transformations (spec §7.3-§7.5): what each one accepts and produces, its documentation, and
// the kernel that applies it to one record's value. One file per transformation; registry.cc lists them all.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace openaml::recipe {

/// The kind of value an expression yields for one record.
enum class ValueKind : uint8_t {
  kNumeric,      // one number or missing (NUMERIC attributes, normalize)
  kBinary,       // 0/1 or missing (BINARY attributes)
  kCategorical,  // one string token (CATEGORICAL attributes)
  kText,         // a list of string tokens (TEXT attributes, lowercase, no_punct)
  kTokens,       // a list of hashed tokens (ngram, osb, quantile_bin, cartesian): usable as output or cartesian input
};

std::string_view ValueKindName(ValueKind kind);

enum class TransformOp : uint8_t { kLowercase, kNoPunct, kNgram, kOsb, kQuantileBin, kNormalize, kCartesian };

/// Self-documenting description of one transformation; feeds error messages and the console.
struct TransformInfo {
  TransformOp op;
  std::string_view name;         // as written in recipes
  std::string_view signature;    // e.g. "ngram(text, n)"
  std::string_view description;
  std::string_view example;
  int expression_args = 1;       // leading expression arguments
  bool integer_param = false;    // followed by one integer argument
  int param_min = 0, param_max = 0;
  std::vector<ValueKind> accepts;  // kinds accepted by every expression argument
  ValueKind produces = ValueKind::kText;
};

/// One record's value of an expression. Buffers are reused from record to record: after the first few
/// records no kernel allocates.
struct NodeValue {
  double number = 0;
  bool missing = true;                    // kNumeric / kBinary
  std::vector<std::string_view> tokens;   // kCategorical (one) / kText
  std::string storage;                    // backing bytes of derived tokens
  std::vector<uint64_t> hashes;           // kTokens; kNumeric under quantile_bin yields one
};

/// Hash of a string token (XXH3-64, seed 0). Stable across versions: it is part of the model format.
uint64_t HashToken(std::string_view token);
/// Combine two hashes into one, order-sensitive. Stable across versions (model format). Inline: it runs
/// for every feature of every row.
inline uint64_t CombineHashes(uint64_t a, uint64_t b) {
  // splitmix64 finaliser over an order-sensitive mix.
  uint64_t x = a * 0x9E3779B97F4A7C15ULL + (b ^ (b >> 29)) + 0x632BE59BD9B4E019ULL;
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

/// Kernels. Each writes `out` from its inputs; `out` buffers are cleared first.
void ApplyLowercase(const NodeValue& in, NodeValue* out);
void ApplyNoPunct(const NodeValue& in, NodeValue* out);
void ApplyNgram(const NodeValue& in, int n, NodeValue* out);
void ApplyOsb(const NodeValue& in, int window, NodeValue* out);
/// `boundaries` ascending; bin = number of boundaries <= value, token = bin + 1; missing gives token 0.
void ApplyQuantileBin(const NodeValue& in, std::span<const double> boundaries, NodeValue* out);
void ApplyNormalize(const NodeValue& in, double mean, double inverse_std, NodeValue* out);
void ApplyCartesian(const NodeValue& a, ValueKind a_kind, const NodeValue& b, ValueKind b_kind, NodeValue* out);

/// Split `text` on ASCII whitespace into `out->tokens` (views into `text`).
void TokenizeWhitespace(std::string_view text, NodeValue* out);

/// Compute `bins`-quantile boundaries (ascending, distinct) from a sample of values. Sorts `sample`.
std::vector<double> QuantileBoundaries(std::vector<double>& sample, int bins);

TransformInfo LowercaseTransform();
TransformInfo NoPunctTransform();
TransformInfo NgramTransform();
TransformInfo OsbTransform();
TransformInfo QuantileBinTransform();
TransformInfo NormalizeTransform();
TransformInfo CartesianTransform();

}  // namespace openaml::recipe
