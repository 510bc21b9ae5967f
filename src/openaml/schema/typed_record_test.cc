#include "openaml/schema/typed_record.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "openaml/common/str_cat.h"
#include "openaml/schema/typed_record_internal.h"
#include "openaml/schema/value_rules.h"

namespace openaml {
namespace {

using typed_record_internal::TyperKernel;

class TyperKernelScope {
 public:
  explicit TyperKernelScope(TyperKernel kernel) { EXPECT_TRUE(typed_record_internal::ForceKernel(kernel)); }
  ~TyperKernelScope() { typed_record_internal::ResetKernel(); }
};

Schema MixedSchema(const std::vector<AttributeType>& types) {
  Schema schema;
  for (size_t i = 0; i < types.size(); ++i) {
    Attribute attribute;
    attribute.name = StrCat("a", i);
    attribute.type = types[i];
    schema.attributes.push_back(attribute);
  }
  return schema;
}

/// Type `fields` with every kernel; each must give exactly what the scalar kernel gives (state, the
/// number's bits, the text view).
void ExpectKernelsAgree(const RecordTyper& typer, const std::vector<std::string_view>& fields) {
  TypedRecord reference;
  {
    TyperKernelScope scope(TyperKernel::kScalar);
    typer.Type(fields, &reference);
  }
  for (TyperKernel kernel : typed_record_internal::AvailableKernels()) {
    TyperKernelScope scope(kernel);
    TypedRecord typed(3);  // a stale size and stale values must not matter
    typer.Type(fields, &typed);
    ASSERT_EQ(typed.size(), reference.size());
    for (size_t i = 0; i < typed.size(); ++i) {
      const std::string where = StrCat(typed_record_internal::KernelName(kernel), " field ", i, " '",
                                       i < fields.size() ? fields[i] : std::string_view(), "'");
      ASSERT_EQ(typed[i].state, reference[i].state) << where;
      uint64_t a, b;
      std::memcpy(&a, &typed[i].number, 8);
      std::memcpy(&b, &reference[i].number, 8);
      ASSERT_EQ(a, b) << where << " " << typed[i].number << " vs " << reference[i].number;
      ASSERT_EQ(typed[i].text.data(), reference[i].text.data()) << where;
      ASSERT_EQ(typed[i].text.size(), reference[i].text.size()) << where;
    }
  }
}

TEST(RecordTyper, TypesEachAttributeByItsRules) {
  const RecordTyper typer(MixedSchema({AttributeType::kNumeric, AttributeType::kCategorical, AttributeType::kBinary,
                                       AttributeType::kText, AttributeType::kNumeric}));
  for (TyperKernel kernel : typed_record_internal::AvailableKernels()) {
    TyperKernelScope scope(kernel);
    const std::vector<std::string_view> fields = {"-36.4", "married", "yes", "two words", "abc"};
    TypedRecord typed;
    typer.Type(fields, &typed);
    ASSERT_EQ(typed.size(), 5u);
    EXPECT_EQ(typed[0].state, ValueState::kPresent);
    EXPECT_EQ(typed[0].number, -36.4);
    EXPECT_EQ(typed[0].text, "-36.4");
    EXPECT_EQ(typed[1].state, ValueState::kPresent);
    EXPECT_EQ(typed[1].text, "married");
    EXPECT_EQ(typed[2].state, ValueState::kPresent);
    EXPECT_EQ(typed[2].number, 1.0);
    EXPECT_EQ(typed[3].text, "two words");
    EXPECT_EQ(typed[4].state, ValueState::kInvalid);
    // Fewer fields than attributes: the missing ones read as empty.
    typer.Type(std::vector<std::string_view>{"7"}, &typed);
    ASSERT_EQ(typed.size(), 5u);
    EXPECT_EQ(typed[0].number, 7.0);
    EXPECT_EQ(typed[1].text, "");
    EXPECT_EQ(typed[2].state, ValueState::kMissing);
    EXPECT_EQ(typed[4].state, ValueState::kMissing);
  }
}

TEST(RecordTyper, KernelsAgreeOnEdgeCases) {
  // Every numeric column count from 1 to 13 (groups of four and the rest), with short decimals of every
  // shape and the values that must leave the fast path.
  const std::vector<std::string> values = {
      "0",        "-0",        "+0",         "-0.0",      "00000001",  "12345678",  "-12345678", "+1234567",
      "123456789", "-123456789", "1.",        ".5",        "-.5",       "+.5",       "5.",        ".",
      "-.",       "-",         "+",          "1..2",      "1.2.3",     "9.9999999", ".1234567",  "1234567.",
      "93.994",   "-36.4",     "4.857",      "5191",      "1e3",       "1E-3",      " 5",        "5 ",
      "\t7",      "",          "abc",        "0x10",      "1,5",       "--1",       "+-1",       "1/",
      "1:",       "12345678.9", "0.00000001", "99999999",  "-99999999", "1 2",       "nan",       "inf",
      std::string("1\0", 2),  std::string("\0", 1), "\xff", "1\x80"};
  std::mt19937 rng(11);
  for (size_t numeric = 1; numeric <= 13; ++numeric) {
    std::vector<AttributeType> types;
    for (size_t i = 0; i < numeric; ++i) {
      types.push_back(AttributeType::kNumeric);
      if (rng() % 3 == 0) types.push_back(AttributeType::kCategorical);
    }
    types.push_back(AttributeType::kBinary);
    const RecordTyper typer(MixedSchema(types));
    for (int round = 0; round < 300; ++round) {
      std::vector<std::string> storage;
      for (size_t i = 0; i < types.size(); ++i) storage.push_back(values[rng() % values.size()]);
      std::vector<std::string_view> fields(storage.begin(), storage.end());
      ExpectKernelsAgree(typer, fields);
      fields.resize(rng() % (fields.size() + 1));  // fewer fields than attributes
      ExpectKernelsAgree(typer, fields);
    }
  }
}

TEST(RecordTyper, KernelsAgreeOnRandomDecimals) {
  // Random signs, digits and dots of 1 to 10 characters (most are short decimals), and random bytes.
  const RecordTyper typer(MixedSchema(std::vector<AttributeType>(10, AttributeType::kNumeric)));
  const std::string alphabet = "0123456789.-+eE x\x80\xff\t/:";
  std::mt19937 rng(3);
  for (int round = 0; round < 40000; ++round) {
    std::vector<std::string> storage;
    for (int f = 0; f < 10; ++f) {
      std::string text;
      const size_t length = 1 + rng() % 10;
      for (size_t k = 0; k < length; ++k) {
        text.push_back(rng() % 4 != 0 ? static_cast<char>('0' + rng() % 10) : alphabet[rng() % alphabet.size()]);
      }
      storage.push_back(text);
    }
    ExpectKernelsAgree(typer, std::vector<std::string_view>(storage.begin(), storage.end()));
  }
}

TEST(RecordTyper, FieldsEndingAtAnUnreadablePageAreReadExactly) {
  // A field may be read 8 bytes at a time only within its page: put fields of 1 to 9 bytes right before a
  // page that cannot be read; typing them must neither fault nor read the wrong bytes.
  const long page = sysconf(_SC_PAGESIZE);
  ASSERT_GT(page, 0);
  void* map = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(map, MAP_FAILED);
  char* first = static_cast<char*>(map);
  ASSERT_EQ(mprotect(first + page, page, PROT_NONE), 0);
  const RecordTyper typer(MixedSchema(std::vector<AttributeType>(4, AttributeType::kNumeric)));
  const std::vector<std::string> texts = {"7", "-7", "1.5", "-3.25", "12345", "1234.5", "-1234.5", "12345678",
                                          "-1234567", "123456789"};
  for (const std::string& text : texts) {
    char* at = first + page - text.size();
    std::memcpy(at, text.data(), text.size());
    const std::string_view field(at, text.size());
    const std::vector<std::string_view> fields = {field, field, "2.5", field};
    for (TyperKernel kernel : typed_record_internal::AvailableKernels()) {
      TyperKernelScope scope(kernel);
      TypedRecord typed;
      typer.Type(fields, &typed);
      double expected = 0;
      ASSERT_EQ(ParseNumeric(text, &expected), ValueState::kPresent);
      EXPECT_EQ(typed[0].number, expected) << text;
      EXPECT_EQ(typed[3].number, expected) << text;
      EXPECT_EQ(typed[2].number, 2.5);
    }
  }
  munmap(map, 2 * page);
}

}  // namespace
}  // namespace openaml
