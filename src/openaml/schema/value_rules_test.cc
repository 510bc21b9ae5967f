#include "openaml/schema/value_rules.h"

#include <cmath>
#include <string>

#include "gtest/gtest.h"

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
    if (c.state == ValueState::kPresent) EXPECT_EQ(value, c.value) << "'" << c.text << "'";
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
    if (c.state == ValueState::kPresent) EXPECT_EQ(value, c.value) << "'" << c.text << "'";
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

}  // namespace
}  // namespace openaml
