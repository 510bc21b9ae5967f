// The record typer: raw fields to typed values (spec §4.4). Two kernels, chosen once at run time:
//   - scalar: every value as present text, then each NUMERIC and BINARY value parsed by the value rules;
//   - AVX2: the same, with four NUMERIC values parsed at a time when they are short decimals (an optional
//     sign and at most 8 more characters: digits and one '.'), exactly as the scalar fast path does
//     (same mantissa, same division by a power of ten); the others go through the value rules one by one.
#include "openaml/schema/typed_record.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define OPENAML_TYPER_AVX2 1
#define OPENAML_AVX2_TARGET __attribute__((target("avx2")))
#else
#define OPENAML_TYPER_AVX2 0
#endif

#if defined(__SANITIZE_ADDRESS__)
#define OPENAML_TYPER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OPENAML_TYPER_ASAN 1
#endif
#endif
#ifndef OPENAML_TYPER_ASAN
#define OPENAML_TYPER_ASAN 0
#endif

#include "openaml/common/cpu_dispatch.h"
#include "openaml/schema/typed_record_internal.h"
#include "openaml/schema/value_rules_internal.h"

namespace openaml {

// The vector stores write a TypedValue as {state, padding, number} then {text}; kPresent is 0.
static_assert(sizeof(TypedValue) == 32 && offsetof(TypedValue, number) == 8 && offsetof(TypedValue, text) == 16);
static_assert(std::is_trivially_copyable_v<TypedValue> && sizeof(std::string_view) == 16);
static_assert(static_cast<int>(ValueState::kPresent) == 0);

namespace typed_record_internal {
namespace {

bool Runs(TyperKernel kernel) {
  if (kernel == TyperKernel::kScalar) return true;
  return OPENAML_TYPER_AVX2 && CpuHasAvx2();
}

KernelChoice<TyperKernel>& Choice() {
  static KernelChoice<TyperKernel> choice({TyperKernel::kScalar, TyperKernel::kAvx2}, Runs);
  return choice;
}

TyperKernel ActiveKernel() { return Choice().Active(); }

}  // namespace

const char* KernelName(TyperKernel kernel) { return kernel == TyperKernel::kAvx2 ? "avx2" : "scalar"; }

std::vector<TyperKernel> AvailableKernels() { return Choice().Available(); }
bool ForceKernel(TyperKernel kernel) { return Choice().Force(kernel); }
void ResetKernel() { Choice().Reset(); }

}  // namespace typed_record_internal

namespace {

using typed_record_internal::TyperKernel;

void ParseNumericOne(std::string_view text, TypedValue* v) {
  v->state = value_rules_internal::ParseNumericInline(text, &v->number);
}

void ParseBinaryOne(std::string_view text, TypedValue* v) {
  bool b = false;
  v->state = value_rules_internal::ParseBinaryInline(text, &b);
  v->number = b ? 1.0 : 0.0;
}

#if OPENAML_TYPER_AVX2

/// The first 8 bytes of `field` as a little-endian word. A field of fewer bytes is read with 8-byte load
/// when those bytes stay in its 4 KB page (the read cannot fault; the bytes past the field are shifted out
/// by the caller), else byte-exactly; address-sanitizer builds always read byte-exactly.
inline uint64_t LoadEight(std::string_view field) {
  const char* p = field.data();
  const size_t n = field.size();
  uint64_t word = 0;
  if (n >= 8 || (!OPENAML_TYPER_ASAN && n > 0 && typed_record_internal::MayReadEightBytes(p))) {
    std::memcpy(&word, p, 8);
  } else if (n > 0) {
    word = value_rules_internal::LoadUpTo8(p, n);
  }
  return word;
}

/// Parse the NUMERIC fields fields[at[0..3]] into values[at[0..3]] (already filled as present text with
/// number 0): the short decimals four at a time, the others by the value rules.
OPENAML_AVX2_TARGET void ParseFourNumeric(const std::string_view* fields, const uint32_t* at, TypedValue* values) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i ones = _mm256_set1_epi64x(-1);
  const __m256i one = _mm256_set1_epi64x(1);
  const std::string_view f[4] = {fields[at[0]], fields[at[1]], fields[at[2]], fields[at[3]]};
  // Lanes hold the fields in the order 0, 2, 1, 3 (as the unpacks at the end want them).
  const __m256i size = _mm256_set_epi64x(static_cast<long long>(f[3].size()), static_cast<long long>(f[1].size()),
                                         static_cast<long long>(f[2].size()), static_cast<long long>(f[0].size()));
  // 1 to 8 bytes, sign included (then all of them are in one 8-byte load).
  __m256i ok = _mm256_and_si256(_mm256_cmpgt_epi64(size, zero), _mm256_cmpgt_epi64(_mm256_set1_epi64x(9), size));
  // The 8 bytes from each field's start (see LoadEight), in lane order.
  const __m256i word = _mm256_set_epi64x(static_cast<long long>(LoadEight(f[3])), static_cast<long long>(LoadEight(f[1])),
                                         static_cast<long long>(LoadEight(f[2])), static_cast<long long>(LoadEight(f[0])));
  // Sign: drop the first byte.
  const __m256i first = _mm256_and_si256(word, _mm256_set1_epi64x(0xFF));
  const __m256i negative = _mm256_cmpeq_epi64(first, _mm256_set1_epi64x('-'));
  const __m256i sign = _mm256_or_si256(negative, _mm256_cmpeq_epi64(first, _mm256_set1_epi64x('+')));
  __m256i digits_word = _mm256_srlv_epi64(word, _mm256_and_si256(sign, _mm256_set1_epi64x(8)));
  const __m256i length = _mm256_add_epi64(size, sign);  // without the sign (sign is -1 where there is one)
  ok = _mm256_and_si256(ok, _mm256_cmpgt_epi64(length, zero));
  // The characters at the top of the word, '0's below them (leading zeros: the same number). Shifts of 64
  // bits or more give 0.
  digits_word = _mm256_or_si256(
      _mm256_sllv_epi64(digits_word, _mm256_slli_epi64(_mm256_sub_epi64(_mm256_set1_epi64x(8), length), 3)),
      _mm256_srlv_epi64(_mm256_set1_epi64x(0x3030303030303030ll), _mm256_slli_epi64(length, 3)));
  // The first '.': move the bytes below it up one byte, a '0' at the bottom. `above` (the bytes after the
  // dot) counts the fraction digits.
  __m256i w = digits_word;
  const __m256i dots = _mm256_cmpeq_epi8(w, _mm256_set1_epi8('.'));
  const __m256i lowest = _mm256_and_si256(dots, _mm256_sub_epi64(zero, dots));
  const __m256i below = _mm256_sub_epi64(lowest, one);
  const __m256i above = _mm256_xor_si256(_mm256_sub_epi64(_mm256_slli_epi64(lowest, 8), one), ones);
  const __m256i no_dot = _mm256_cmpeq_epi64(lowest, zero);
  const __m256i moved = _mm256_or_si256(
      _mm256_or_si256(_mm256_and_si256(w, above), _mm256_slli_epi64(_mm256_and_si256(w, below), 8)),
      _mm256_set1_epi64x(0x30));
  w = _mm256_blendv_epi8(moved, w, no_dot);
  const __m256i fraction_digits = _mm256_sad_epu8(_mm256_and_si256(above, _mm256_set1_epi8(1)), zero);
  ok = _mm256_andnot_si256(_mm256_andnot_si256(no_dot, _mm256_cmpeq_epi64(length, one)), ok);  // "." alone
  // Eight digits (a second '.' or any other byte fails here).
  const __m256i digits = _mm256_sub_epi8(w, _mm256_set1_epi8('0'));
  const __m256i nine = _mm256_set1_epi8(9);
  ok = _mm256_and_si256(
      ok, _mm256_cmpeq_epi64(_mm256_cmpeq_epi8(_mm256_max_epu8(digits, nine), nine), ones));
  const int parsed = _mm256_movemask_pd(_mm256_castsi256_pd(ok));
  // Eight digits, most significant first, to an integer: pairs, then groups of four, then the two groups.
  const __m256i pairs = _mm256_maddubs_epi16(digits, _mm256_set1_epi16(0x010A));
  const __m256i quads = _mm256_madd_epi16(pairs, _mm256_set1_epi32(0x00010064));
  const __m256i mantissa = _mm256_add_epi64(_mm256_mul_epu32(quads, _mm256_set1_epi64x(10000)),
                                            _mm256_srli_epi64(quads, 32));
  // To double exactly (below 2^52: 2^52 + m as bits, minus 2^52), then the one division of the scalar path.
  __m256d number = _mm256_sub_pd(
      _mm256_castsi256_pd(_mm256_or_si256(mantissa, _mm256_set1_epi64x(0x4330000000000000ll))),
      _mm256_set1_pd(4503599627370496.0));
  // 10^fraction_digits (0 to 7) picked from two registers by 32-bit permutes (cheaper than a gather).
  const __m256i halves = _mm256_or_si256(_mm256_slli_epi64(fraction_digits, 33),
                                         _mm256_add_epi64(_mm256_slli_epi64(fraction_digits, 1),
                                                          _mm256_set1_epi64x(int64_t{1} << 32)));
  const __m256 pow_low = _mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_setr_pd(1e0, 1e1, 1e2, 1e3)), halves);
  const __m256 pow_high = _mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_setr_pd(1e4, 1e5, 1e6, 1e7)), halves);
  const __m256d power = _mm256_castps_pd(_mm256_blendv_ps(
      pow_low, pow_high, _mm256_castsi256_ps(_mm256_cmpgt_epi64(fraction_digits, _mm256_set1_epi64x(3)))));
  number = _mm256_div_pd(number, power);
  number = _mm256_xor_pd(number, _mm256_and_pd(_mm256_castsi256_pd(negative), _mm256_set1_pd(-0.0)));
  // {state kPresent, number} per field: fields 0 and 1 in `low`, 2 and 3 in `high`.
  const __m256i low = _mm256_unpacklo_epi64(zero, _mm256_castpd_si256(number));
  const __m256i high = _mm256_unpackhi_epi64(zero, _mm256_castpd_si256(number));
  const __m128i state_number[4] = {_mm256_castsi256_si128(low), _mm256_extracti128_si256(low, 1),
                                   _mm256_castsi256_si128(high), _mm256_extracti128_si256(high, 1)};
  // Stored whatever came out; the fields that were not short decimals are then parsed again by the value
  // rules (rare: one predictable branch for the group).
  for (int k = 0; k < 4; ++k) _mm_storeu_si128(reinterpret_cast<__m128i*>(values + at[k]), state_number[k]);
  if (parsed != 0xF) {
    constexpr int kLaneOfField[4] = {0, 2, 1, 3};
    for (int k = 0; k < 4; ++k) {
      if (!(parsed & (1 << kLaneOfField[k]))) {
        values[at[k]].number = 0.0;
        ParseNumericOne(fields[at[k]], values + at[k]);
      }
    }
  }
}

OPENAML_AVX2_TARGET void TypeAvx2(const std::string_view* fields, size_t width, const std::vector<uint32_t>& numeric,
                                  const std::vector<uint32_t>& binary, TypedValue* values) {
  // Every value as present text: one 32-byte store each. The text is loaded as two 8-byte halves: the CSV
  // reader has just stored each view as two 8-byte words, and one 16-byte load of two stores would wait
  // for them to reach the cache (no store forwarding).
  for (size_t i = 0; i < width; ++i) {
    const double* halves = reinterpret_cast<const double*>(fields + i);
    const __m128i text = _mm_castpd_si128(_mm_loadh_pd(_mm_load_sd(halves), halves + 1));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(values + i), _mm256_set_m128i(text, _mm_setzero_si128()));
  }
  const uint32_t* at = numeric.data();
  const size_t count = numeric.size();
  size_t k = 0;
  for (; k + 4 <= count; k += 4) ParseFourNumeric(fields, at + k, values);
  for (; k < count; ++k) ParseNumericOne(fields[at[k]], values + at[k]);  // the last 1 to 3
  for (uint32_t i : binary) ParseBinaryOne(fields[i], values + i);
}

#endif  // OPENAML_TYPER_AVX2

}  // namespace

RecordTyper::RecordTyper(const Schema& schema) {
  types_.reserve(schema.attributes.size());
  for (const Attribute& a : schema.attributes) {
    if (a.type == AttributeType::kNumeric) numeric_.push_back(static_cast<uint32_t>(types_.size()));
    if (a.type == AttributeType::kBinary) binary_.push_back(static_cast<uint32_t>(types_.size()));
    types_.push_back(a.type);
  }
}

void RecordTyper::Type(std::span<const std::string_view> fields, TypedRecord* out) const {
  const size_t width = types_.size();
  out->resize(width);
  TypedValue* values = out->data();
  const std::string_view* given_fields = fields.data();
  const size_t given = std::min(width, fields.size());
#if OPENAML_TYPER_AVX2
  if (given == width && typed_record_internal::ActiveKernel() == TyperKernel::kAvx2) {
    TypeAvx2(given_fields, width, numeric_, binary_, values);
    return;
  }
#endif
  // Every value first as present text (CATEGORICAL and TEXT are done then), then the NUMERIC and BINARY
  // attributes parsed, each in its own loop: no switch per value.
#if defined(__SSE2__)
  // Two 16-byte stores per value (state and number, then the text) instead of four scalar ones: filling
  // the record is bound by stores.
  for (size_t i = 0; i < given; ++i) {
    const __m128i text = _mm_loadu_si128(reinterpret_cast<const __m128i*>(given_fields + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(values + i), _mm_setzero_si128());
    _mm_storeu_si128(reinterpret_cast<__m128i*>(values + i) + 1, text);
  }
#else
  for (size_t i = 0; i < given; ++i) values[i] = TypedValue{ValueState::kPresent, 0.0, given_fields[i]};
#endif
  for (size_t i = given; i < width; ++i) values[i] = TypedValue{ValueState::kPresent, 0.0, std::string_view()};
  // The parsers read the input span (missing fields read as empty), not the values just stored.
  const auto field = [given_fields, given](uint32_t i) { return i < given ? given_fields[i] : std::string_view(); };
  for (uint32_t i : numeric_) ParseNumericOne(field(i), values + i);
  for (uint32_t i : binary_) ParseBinaryOne(field(i), values + i);
}

}  // namespace openaml
