#include <zlib.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "gtest/gtest.h"
#include "openaml/predict/batch_output.h"
#include "openaml/predict/number_format.h"

namespace openaml::predict {
namespace {

TEST(FormatScore, MatchesAmazonMlOutput) {
  struct Case {
    double value;
    const char* text;
  };
  const Case cases[] = {
      {0.1237027, "1.237027E-1"}, {0.02154765, "2.154765E-2"}, {0.0812002, "8.12002E-2"},
      {0.0129417, "1.29417E-2"},  {0.002886257, "2.886257E-3"}, {8.359159, "8.359159E0"},
      {-15.26385, "-1.526385E1"}, {1.0, "1.0E0"},               {0.0, "0.0E0"},
      {0.5, "5.0E-1"},            {0.12345678, "1.234568E-1"},  {0.99999999, "1.0E0"},  // rounding carries
      {123456789.0, "1.234568E8"}, {1e-300, "1.0E-300"},        {-0.000310, "-3.1E-4"},
  };
  for (const Case& c : cases) EXPECT_EQ(FormatScore(c.value), c.text) << c.value;
  EXPECT_EQ(FormatScore(std::nan("")), "NaN");
  EXPECT_EQ(FormatScore(-0.0), "-0.0E0");
  EXPECT_EQ(FormatScore(1e100), "1.0E100");
  EXPECT_EQ(FormatScore(-2.5e-12), "-2.5E-12");
}

// The same digits as printf("%.6E") (correct rounding) over many magnitudes, reformatted the Amazon way.
TEST(FormatScore, AgreesWithPrintfRounding) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> mantissa(-10, 10);
  std::uniform_int_distribution<int> exponent(-30, 30);
  for (int i = 0; i < 20000; ++i) {
    double v = mantissa(rng) * std::pow(10.0, exponent(rng));
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6E", v);
    std::string printf_text(buf);
    size_t e = printf_text.find('E');
    std::string mantissa_text = printf_text.substr(0, e);
    while (mantissa_text.back() == '0' && mantissa_text[mantissa_text.size() - 2] != '.') mantissa_text.pop_back();
    std::string expected = mantissa_text + "E" + std::to_string(std::atoi(printf_text.c_str() + e + 1));
    ASSERT_EQ(FormatScore(v), expected) << v;
  }
}

TEST(BatchOutputFormat, HeadersAndRows) {
  BatchOutputFormat binary;
  EXPECT_EQ(binary.Header(), "bestAnswer,score\n");
  std::string line;
  double s = 0.77;
  binary.AppendRow("", "", &s, 0.77, &line);  // equal to the threshold: 1 (spec §10)
  EXPECT_EQ(line, "1,7.7E-1\n");
  binary.has_tag = true;
  binary.has_true_label = true;
  EXPECT_EQ(binary.Header(), "tag,trueLabel,bestAnswer,score\n");
  line.clear();
  s = 0.7695356;
  binary.AppendRow("55", "0", &s, 0.77, &line);
  EXPECT_EQ(line, "55,0,0,7.695356E-1\n");

  BatchOutputFormat multi;
  multi.type = learn::ModelType::kMulticlass;
  multi.classes = {"1_star", "2_stars"};
  EXPECT_EQ(multi.Header(), "1_star,2_stars\n");
  double scores[] = {0.0087642, 0.9912358};
  line.clear();
  multi.AppendRow("", "", scores, 0.5, &line);
  EXPECT_EQ(line, "8.7642E-3,9.912358E-1\n");

  BatchOutputFormat reg;
  reg.type = learn::ModelType::kRegression;
  EXPECT_EQ(reg.Header(), "score\n");
}

class MemorySink final : public ByteSink {
 public:
  explicit MemorySink(std::string* out) : out_(out) {}
  Status Write(std::string_view d) override {
    out_->append(d);
    return absl::OkStatus();
  }
  Status Commit() override {
    committed = true;
    return absl::OkStatus();
  }
  bool committed = false;

 private:
  std::string* out_;
};

TEST(BatchOutputWriter, GzipRoundTripsLargeOutput) {
  std::string compressed;
  auto writer = BatchOutputWriter::Make(std::make_unique<MemorySink>(&compressed), true);
  ASSERT_TRUE(writer.ok());
  std::string expected;
  for (int i = 0; i < 100000; ++i) {
    std::string line = std::to_string(i % 2) + "," + FormatScore(i / 100000.0) + "\n";
    expected += line;
    ASSERT_TRUE((*writer)->Write(line).ok());
  }
  ASSERT_TRUE((*writer)->Commit().ok());
  ASSERT_GT(compressed.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);  // gzip magic
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);
  z_stream s{};
  ASSERT_EQ(inflateInit2(&s, 15 + 16), Z_OK);
  std::string plain(expected.size() + 100, '\0');
  s.next_in = reinterpret_cast<Bytef*>(compressed.data());
  s.avail_in = static_cast<uInt>(compressed.size());
  s.next_out = reinterpret_cast<Bytef*>(plain.data());
  s.avail_out = static_cast<uInt>(plain.size());
  EXPECT_EQ(inflate(&s, Z_FINISH), Z_STREAM_END);
  plain.resize(s.total_out);
  inflateEnd(&s);
  EXPECT_EQ(plain, expected);
}

TEST(BatchOutputWriter, PlainPassesThrough) {
  std::string out;
  auto writer = BatchOutputWriter::Make(std::make_unique<MemorySink>(&out), false);
  ASSERT_TRUE((*writer)->Write("a\n").ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ(out, "a\n");
}

}  // namespace
}  // namespace openaml::predict
