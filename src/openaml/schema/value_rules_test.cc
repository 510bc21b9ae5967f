#include "openaml/schema/value_rules.h"

#include <random>

#include <cmath>
#include <string>

#include "gtest/gtest.h"
#include "openaml/schema/value_rules_internal.h"

namespace openaml {
namespace {

struct BinaryCase {
  std::string text;
  ValueState state;
  bool value;
};

TEST(ParseBinary, AcceptsAmazonVocabularyCaseInsensitiveAndStripped) {
  // Spec §4.4: false 0,n,no,f,false; true 1,y,yes,t,true; " FaLSe " is valid.
  const BinaryCase cases[] = {
      {"0", ValueState::kPresent, false},     {"n", ValueState::kPresent, false},
      {"No", ValueState::kPresent, false},    {"f", ValueState::kPresent, false},
      {" FaLSe ", ValueState::kPresent, false}, {"1", ValueState::kPresent, true},
      {"Y", ValueState::kPresent, true},      {"yes", ValueState::kPresent, true},
      {"T", ValueState::kPresent, true},      {"\ttrue\r", ValueState::kPresent, true},
      {"", ValueState::kMissing, false},      {"   ", ValueState::kMissing, false},
      {"2", ValueState::kInvalid, false},     {"yess", ValueState::kInvalid, false},
      {"1.0", ValueState::kInvalid, false},   {"tru", ValueState::kInvalid, false},
      {"ja", ValueState::kInvalid, false},    {"nope", ValueState::kInvalid, false},
      {"-1", ValueState::kInvalid, false},    {std::string("t\0", 2), ValueState::kInvalid, false},
  };
  for (const BinaryCase& c : cases) {
    bool value = !c.value;
    EXPECT_EQ(ParseBinary(c.text, &value), c.state) << "'" << c.text << "'";
    if (c.state == ValueState::kPresent) {
      EXPECT_EQ(value, c.value) << "'" << c.text << "'";
    }
  }
}

struct NumericCase {
  std::string text;
  ValueState state;
  double value;
};

TEST(ParseNumeric, ParsesDecimalsAndExponentsExactly) {
  const NumericCase cases[] = {
      {"0", ValueState::kPresent, 0.0},
      {"42", ValueState::kPresent, 42.0},
      {"-36.4", ValueState::kPresent, -36.4},
      {"93.994", ValueState::kPresent, 93.994},
      {"+5", ValueState::kPresent, 5.0},
      {" 4.857 ", ValueState::kPresent, 4.857},
      {".5", ValueState::kPresent, 0.5},
      {"5.", ValueState::kPresent, 5.0},
      {"1e3", ValueState::kPresent, 1000.0},
      {"-2.5E-3", ValueState::kPresent, -0.0025},
      {"0.1", ValueState::kPresent, 0.1},
      {"123456789012345678901234567890", ValueState::kPresent, 123456789012345678901234567890.0},
      {"0.000000000000000000000000123", ValueState::kPresent, 1.23e-25},
      {"1e-400", ValueState::kPresent, 0.0},
      {"", ValueState::kMissing, 0},
      {"  ", ValueState::kMissing, 0},
      {"abc", ValueState::kInvalid, 0},
      {"1.2.3", ValueState::kInvalid, 0},
      {"1e", ValueState::kInvalid, 0},
      {"--1", ValueState::kInvalid, 0},
      {"+-1", ValueState::kInvalid, 0},
      {"++1", ValueState::kInvalid, 0},
      {"-", ValueState::kInvalid, 0},
      {".", ValueState::kInvalid, 0},
      {"nan", ValueState::kInvalid, 0},
      {"inf", ValueState::kInvalid, 0},
      {"-Infinity", ValueState::kInvalid, 0},
      {"1e400", ValueState::kInvalid, 0},
      {"12abc", ValueState::kInvalid, 0},
      {"1 2", ValueState::kInvalid, 0},
      {"0x10", ValueState::kInvalid, 0},
      {"1,5", ValueState::kInvalid, 0},
  };
  for (const NumericCase& c : cases) {
    double value = -999;
    EXPECT_EQ(ParseNumeric(c.text, &value), c.state) << "'" << c.text << "'";
    if (c.state == ValueState::kPresent) {
      EXPECT_EQ(value, c.value) << "'" << c.text << "'";
    }
  }
}

TEST(ParseNumeric, FastPathMatchesStrtodOnManyDecimals) {
  // The fast path must round exactly like the general parser.
  for (int i = 0; i < 20000; ++i) {
    const std::string text = std::to_string(i * 7919 % 100000) + "." + std::to_string(i * 104729 % 1000000);
    double value = 0;
    ASSERT_EQ(ParseNumeric(text, &value), ValueState::kPresent) << text;
    EXPECT_EQ(value, std::strtod(text.c_str(), nullptr)) << text;
  }
}

TEST(ParseNumeric, InlineFastPathAgreesWithGeneralParserOnRandomStrings) {
  // The inline path of the record typer must accept exactly what the general path accepts, with the same value.
  const std::string alphabet = "0123456789.-+eE x\x80\xff\t/:";
  std::mt19937 rng(7);
  int present = 0;
  for (int i = 0; i < 400000; ++i) {
    const size_t length = 1 + rng() % 10;
    std::string text;
    for (size_t k = 0; k < length; ++k) {
      // Mostly digits, so that many strings are numbers.
      text.push_back(rng() % 3 != 0 ? static_cast<char>('0' + rng() % 10) : alphabet[rng() % alphabet.size()]);
    }
    double fast = -999, general = -999;
    const ValueState fast_state = ParseNumeric(text, &fast);
    std::string_view stripped = text;
    while (!stripped.empty() && value_rules_internal::IsSpace(stripped.front())) stripped.remove_prefix(1);
    while (!stripped.empty() && value_rules_internal::IsSpace(stripped.back())) stripped.remove_suffix(1);
    const ValueState general_state =
        stripped.empty() ? ValueState::kMissing
                         : value_rules_internal::ParseNumericGeneral(stripped.data(), stripped.data() + stripped.size(), &general);
    ASSERT_EQ(fast_state, general_state) << "'" << text << "'";
    if (fast_state == ValueState::kPresent) {
      ++present;
      ASSERT_EQ(std::signbit(fast), std::signbit(general)) << "'" << text << "'";
      ASSERT_EQ(fast, general) << "'" << text << "'";
      ASSERT_EQ(fast, std::strtod(std::string(stripped).c_str(), nullptr)) << "'" << text << "'";
    }
  }
  EXPECT_GT(present, 100000);
}

TEST(ParseNumeric, ShortValuesOfEveryLengthAndDotPosition) {
  const NumericCase cases[] = {
      {"1", ValueState::kPresent, 1},           {"12345678", ValueState::kPresent, 12345678},
      {"-12345678", ValueState::kPresent, -12345678}, {"123456789", ValueState::kPresent, 123456789},
      {"1234.5678", ValueState::kPresent, 1234.5678}, {".1234567", ValueState::kPresent, 0.1234567},
      {"1234567.", ValueState::kPresent, 1234567},  {"-0", ValueState::kPresent, -0.0},
      {"00000001", ValueState::kPresent, 1},    {"9.9999999", ValueState::kPresent, 9.9999999},
      {"-.", ValueState::kInvalid, 0},          {"1..2", ValueState::kInvalid, 0},
      {"1/", ValueState::kInvalid, 0},          {"1:", ValueState::kInvalid, 0},
      {"-+1", ValueState::kInvalid, 0},         {std::string("1\0", 2), ValueState::kInvalid, 0},
  };
  for (const NumericCase& c : cases) {
    double value = -999;
    EXPECT_EQ(ParseNumeric(c.text, &value), c.state) << "'" << c.text << "'";
    if (c.state == ValueState::kPresent) {
      EXPECT_EQ(value, c.value) << "'" << c.text << "'";
      EXPECT_EQ(std::signbit(value), std::signbit(c.value)) << "'" << c.text << "'";
    }
  }
}

}  // namespace
}  // namespace openaml
