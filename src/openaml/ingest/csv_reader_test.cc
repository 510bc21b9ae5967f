#include "openaml/ingest/csv_reader.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "openaml/common/str_cat.h"
#include "gtest/gtest.h"
#include "openaml/ingest/csv_reader_internal.h"
#include "openaml/ingest/test_util_internal.h"

namespace openaml {
namespace {

using ::testing::ElementsAre;
using testing_internal::ParsedCsv;
using testing_internal::ReadAll;
using Rows = std::vector<std::vector<std::string>>;

CsvOptions Small(size_t buffer, size_t max_record = 100 * 1024) {
  CsvOptions options;
  options.buffer_bytes = buffer;
  options.max_record_bytes = max_record;
  return options;
}

/// Force a scan kernel for the lifetime of the object.
class KernelScope {
 public:
  explicit KernelScope(csv_internal::ScanKernel kernel) { EXPECT_TRUE(csv_internal::ForceKernel(kernel)); }
  ~KernelScope() { csv_internal::ResetKernel(); }
};

/// Every test input is read with every scan kernel, several buffer sizes and source chunk sizes: results
/// must not change.
void ExpectSameEverywhere(const std::string& text, const Rows& rows, size_t bad_count,
                          CsvOptions base = CsvOptions::Defaults()) {
  for (csv_internal::ScanKernel kernel : csv_internal::AvailableKernels()) {
    KernelScope scope(kernel);
    for (size_t buffer : {size_t{1}, size_t{3}, size_t{7}, size_t{16}, size_t{64}, size_t{1} << 20}) {
      for (size_t chunk : {size_t{1}, size_t{5}, SIZE_MAX}) {
        CsvOptions options = base;
        options.buffer_bytes = buffer;
        ParsedCsv parsed = ReadAll(text, options, chunk);
        const std::string where = StrCat(csv_internal::KernelName(kernel), " buffer ", buffer, " chunk ", chunk);
        EXPECT_EQ(parsed.records, rows) << where;
        EXPECT_EQ(parsed.bad.size(), bad_count) << where;
      }
    }
  }
}

TEST(CsvReader, ReadsPlainRecordsWithOffsets) {
  ParsedCsv parsed = ReadAll("a,b,c\n1,2,3\n");
  EXPECT_EQ(parsed.records, (Rows{{"a", "b", "c"}, {"1", "2", "3"}}));
  EXPECT_THAT(parsed.offsets, ElementsAre(0, 6));
  EXPECT_THAT(parsed.indexes, ElementsAre(0, 1));
  ExpectSameEverywhere("a,b,c\n1,2,3\n", {{"a", "b", "c"}, {"1", "2", "3"}}, 0);
}

TEST(CsvReader, HandlesCrlfAndMissingFinalNewline) {
  ExpectSameEverywhere("a,b\r\n1,2\r\n3,4", {{"a", "b"}, {"1", "2"}, {"3", "4"}}, 0);
  ExpectSameEverywhere("a,\"b\"\r\n\"1\",2\r\n", {{"a", "b"}, {"1", "2"}}, 0);
}

TEST(CsvReader, SkipsBomAndCountsItInOffsets) {
  ParsedCsv parsed = ReadAll("\xEF\xBB\xBFx,y\n1,2\n");
  EXPECT_EQ(parsed.records, (Rows{{"x", "y"}, {"1", "2"}}));
  EXPECT_THAT(parsed.offsets, ElementsAre(3, 7));
  ExpectSameEverywhere("\xEF\xBB\xBFx,y\n1,2\n", {{"x", "y"}, {"1", "2"}}, 0);
  // A lone BOM, or a BOM prefix that is not one, are not confused.
  EXPECT_TRUE(ReadAll("\xEF\xBB\xBF").records.empty());
  EXPECT_EQ(ReadAll("\xEF\xBB").records, (Rows{{"\xEF\xBB"}}));
}

TEST(CsvReader, SkipsEmptyLinesWithoutCountingThem) {
  ParsedCsv parsed = ReadAll("\n\na,b\n\r\n\n1,2\n\n");
  EXPECT_EQ(parsed.records, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_THAT(parsed.indexes, ElementsAre(0, 1));
  EXPECT_TRUE(parsed.bad.empty());
  ExpectSameEverywhere("\n\na,b\n\r\n\n1,2\n\n", {{"a", "b"}, {"1", "2"}}, 0);
}

TEST(CsvReader, ReadsQuotedFieldsWithDelimitersDoubledQuotesAndNewlines) {
  const std::string text = "id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"line1\nline2\r\nline3\"\n4,\"\"\n5,\"\"\"\"\n";
  const Rows rows = {{"id", "text"},  {"1", "a, b"}, {"2", "say \"hi\""}, {"3", "line1\nline2\r\nline3"},
                     {"4", ""},       {"5", "\""}};
  ExpectSameEverywhere(text, rows, 0);
  ParsedCsv parsed = ReadAll(text);
  EXPECT_EQ(parsed.offsets[4], text.find("4,"));
}

TEST(CsvReader, KeepsQuotesInsideUnquotedFieldsAndTextAfterClosingQuote) {
  ExpectSameEverywhere("a\"b,c\n\"x\"y,z\n", {{"a\"b", "c"}, {"xy", "z"}}, 0);
}

TEST(CsvReader, ReadsEmptyFieldsAndTrailingDelimiters) {
  ExpectSameEverywhere(",,\n1,,\n\"\",,\"\"\n", {{"", "", ""}, {"1", "", ""}, {"", "", ""}}, 0);
}

TEST(CsvReader, RejectsWrongFieldCountsAndGoesOn) {
  const std::string text = "a,b,c\n1,2\n1,2,3,4\n4,5,6\n";
  ParsedCsv parsed = ReadAll(text);
  EXPECT_EQ(parsed.records, (Rows{{"a", "b", "c"}, {"4", "5", "6"}}));
  ASSERT_EQ(parsed.bad.size(), 2u);
  EXPECT_EQ(parsed.bad[0].byte_offset, 6u);
  EXPECT_EQ(parsed.bad[0].reason, "InvalidDataException: Not enough fields in record.");
  EXPECT_EQ(parsed.bad[1].byte_offset, 10u);
  EXPECT_EQ(parsed.bad[1].reason, "InvalidDataException: Too many fields in record.");
  EXPECT_THAT(parsed.indexes, ElementsAre(0, 3));  // bad records count in record_index
  ExpectSameEverywhere(text, {{"a", "b", "c"}, {"4", "5", "6"}}, 2);
}

TEST(CsvReader, UsesExpectedFieldCountFromOptions) {
  CsvOptions options;
  options.expected_fields = 2;
  ParsedCsv parsed = ReadAll("1,2,3\n4,5\n", options);
  EXPECT_EQ(parsed.records, (Rows{{"4", "5"}}));
  ASSERT_EQ(parsed.bad.size(), 1u);
  EXPECT_EQ(parsed.bad[0].reason, "InvalidDataException: Too many fields in record.");
}

TEST(CsvReader, UnterminatedQuoteSpoilsOneRecordAndResumesAtNextLine) {
  const std::string text = "a,b\n1,\"oops\n2,3\n";
  ParsedCsv parsed = ReadAll(text);
  EXPECT_EQ(parsed.records, (Rows{{"a", "b"}, {"2", "3"}}));
  ASSERT_EQ(parsed.bad.size(), 1u);
  EXPECT_EQ(parsed.bad[0].byte_offset, 4u);
  EXPECT_EQ(parsed.bad[0].reason, "InvalidDataException: Unterminated quoted field.");
  ExpectSameEverywhere(text, {{"a", "b"}, {"2", "3"}}, 1);
  ExpectSameEverywhere("a,b\n1,\"oops", {{"a", "b"}}, 1);
}

TEST(CsvReader, RejectsOversizeRecordsAndGoesOn) {
  const std::string big(300, 'x');
  const std::string text = "a,b\n" + big + ",1\n\"" + big + "\n" + big + "\",2\n3,4\n";
  for (size_t buffer : {size_t{8}, size_t{64}, size_t{1024}}) {
    for (size_t chunk : {size_t{7}, SIZE_MAX}) {
      ParsedCsv parsed = ReadAll(text, Small(buffer, 100), chunk);
      EXPECT_EQ(parsed.records, (Rows{{"a", "b"}, {"3", "4"}})) << buffer << "/" << chunk;
      ASSERT_EQ(parsed.bad.size(), 2u);
      EXPECT_EQ(parsed.bad[0].byte_offset, 4u);
      EXPECT_EQ(parsed.bad[0].reason, "InvalidDataException: Record exceeds the maximum size of 100 bytes.");
      EXPECT_EQ(parsed.bad[1].byte_offset, 4u + big.size() + 3);
    }
  }
}

TEST(CsvReader, AcceptsRecordsExactlyAtTheSizeLimit) {
  const std::string exact(100, 'y');
  ExpectSameEverywhere(exact + "\r\n" + exact + "\n" + exact, {{exact}, {exact}, {exact}}, 0, Small(1, 100));
  ExpectSameEverywhere(exact + "z\n" + exact + "\n", {{exact}}, 1, Small(1, 100));
}

TEST(CsvReader, KeepsHeaderApart) {
  CsvOptions options;
  options.has_header = true;
  ParsedCsv parsed = ReadAll("\n\"na,me\",age\r\nbob,3\nann\n", options);
  EXPECT_THAT(parsed.header, ElementsAre("na,me", "age"));
  EXPECT_EQ(parsed.records, (Rows{{"bob", "3"}}));
  EXPECT_THAT(parsed.indexes, ElementsAre(0));
  EXPECT_EQ(parsed.bad.size(), 1u);
}

TEST(CsvReader, EmptyInputsGiveNoRecords) {
  for (const char* text : {"", "\n", "\r\n\r\n", "\xEF\xBB\xBF\n"}) {
    ParsedCsv parsed = ReadAll(text);
    EXPECT_TRUE(parsed.records.empty()) << text;
    EXPECT_TRUE(parsed.bad.empty()) << text;
  }
}

TEST(CsvReader, SemicolonDelimiter) {
  CsvOptions options;
  options.delimiter = ';';
  EXPECT_EQ(ReadAll("a;\"b;c\"\n", options).records, (Rows{{"a", "b;c"}}));
}

TEST(CsvReader, RejectsInvalidOptions) {
  CsvOptions options;
  options.delimiter = '"';
  EXPECT_FALSE(CsvReader::Make(MakeMemorySource("x"), options).ok());
  EXPECT_FALSE(CsvReader::Make(nullptr, CsvOptions::Defaults()).ok());
}

TEST(CsvReader, RandomInputsMatchAReferenceParser) {
  // Random records of random fields (quotes, commas, newlines, CR), written RFC 4180 style; reading them
  // back with tiny and large buffers gives the fields written.
  std::mt19937 rng(42);
  const std::string alphabet = "ab,\"\n\r x";
  for (int round = 0; round < 200; ++round) {
    Rows rows;
    std::string text;
    const size_t fields = 1 + rng() % 4;
    for (int r = 0; r < 1 + static_cast<int>(rng() % 6); ++r) {
      std::vector<std::string> row;
      for (size_t f = 0; f < fields; ++f) {
        std::string value;
        for (size_t i = 0, n = rng() % 6; i < n; ++i) value += alphabet[rng() % alphabet.size()];
        row.push_back(value);
        if (f) text += ',';
        const bool quote = value.find_first_of(",\"\n\r") != std::string::npos || value.empty() || rng() % 3 == 0;
        if (quote) {
          text += '"';
          for (char c : value) text += c == '"' ? std::string("\"\"") : std::string(1, c);
          text += '"';
        } else {
          text += value;
        }
      }
      rows.push_back(row);
      text += rng() % 2 ? "\r\n" : "\n";
    }
    ExpectSameEverywhere(text, rows, 0);
  }
}

TEST(CsvScanKernels, IndexTheSameStructuralsAsAByteLoop) {
  // Every kernel on random bytes rich in delimiters, '\n', '"' and ';', at every length up to 300 and at
  // unaligned starts; the bytes past the end (the padding) are structural too and must be ignored.
  ASSERT_FALSE(csv_internal::AvailableKernels().empty());
  std::mt19937 rng(5);
  const std::string alphabet = ",;\n\"\rab1 ";
  for (int round = 0; round < 300; ++round) {
    const size_t n = round;
    const size_t start = rng() % 7;
    std::string bytes(start + n + csv_internal::kScanPadding, ',');
    for (size_t i = start; i < start + n; ++i) bytes[i] = alphabet[rng() % alphabet.size()];
    for (char delimiter : {',', ';'}) {
      std::vector<uint32_t> expected;
      for (size_t i = 0; i < n; ++i) {
        const char c = bytes[start + i];
        if (c == delimiter || c == '\n' || c == '"') expected.push_back(static_cast<uint32_t>(i));
      }
      for (csv_internal::ScanKernel kernel : csv_internal::AvailableKernels()) {
        std::vector<uint32_t> index(n + csv_internal::kScanPadding, 0xFFFFFFFF);
        const size_t count = csv_internal::IndexStructurals(kernel, bytes.data() + start, n, delimiter, index.data());
        index.resize(count);
        ASSERT_EQ(index, expected) << csv_internal::KernelName(kernel) << " n " << n << " delimiter " << delimiter;
      }
    }
  }
}

TEST(CsvScanKernels, ForcingAKernelTheCpuLacksIsRefused) {
  const std::vector<csv_internal::ScanKernel> available = csv_internal::AvailableKernels();
  EXPECT_EQ(available.front(), csv_internal::ScanKernel::kScalar);
  for (csv_internal::ScanKernel k :
       {csv_internal::ScanKernel::kScalar, csv_internal::ScanKernel::kSse2, csv_internal::ScanKernel::kAvx2}) {
    const bool listed = std::find(available.begin(), available.end(), k) != available.end();
    EXPECT_EQ(csv_internal::ForceKernel(k), listed) << csv_internal::KernelName(k);
    if (listed) {
      EXPECT_EQ(csv_internal::ActiveKernel(), k);
    }
  }
  csv_internal::ResetKernel();
  EXPECT_EQ(csv_internal::ActiveKernel(), available.back());
}

/// Everything a reader reports, as one comparable value.
struct Reading {
  ParsedCsv parsed;
  bool operator==(const Reading& o) const {
    if (parsed.bad.size() != o.parsed.bad.size()) return false;
    for (size_t i = 0; i < parsed.bad.size(); ++i) {
      if (parsed.bad[i].byte_offset != o.parsed.bad[i].byte_offset || parsed.bad[i].reason != o.parsed.bad[i].reason) {
        return false;
      }
    }
    return parsed.records == o.parsed.records && parsed.offsets == o.parsed.offsets &&
           parsed.indexes == o.parsed.indexes && parsed.header == o.parsed.header;
  }
};

TEST(CsvScanKernels, AllKernelsReadRandomHostileCsvIdentically) {
  // Random RFC 4180 and broken input: quoted fields with delimiters, doubled quotes and embedded newlines,
  // CRLF, a BOM, empty lines, wrong field counts, quotes inside unquoted fields, text after a closing quote,
  // an unterminated quote, records over the size limit. Each kernel (and several buffer and chunk sizes)
  // must give the same records, offsets, header and bad records as the byte-at-a-time reference kernel.
  std::mt19937 rng(2024);
  const std::vector<std::string> pieces = {"a",     "bb",   "12.5", "",       "\"q,\"", "\"say \"\"hi\"\"\"",
                                           "\"l1\nl2\"", "x\"y",  "\"c\"d", "\"\"", "-0",    "\xEF\xBB\xBF"};
  for (int round = 0; round < 150; ++round) {
    std::string text = rng() % 4 == 0 ? "\xEF\xBB\xBF" : "";
    const size_t width = 1 + rng() % 5;
    const size_t records = rng() % 40;
    for (size_t r = 0; r < records; ++r) {
      size_t fields = width;
      if (rng() % 10 == 0) fields = 1 + rng() % 7;  // a bad field count now and then
      if (rng() % 25 == 0) fields = 0;             // an empty line
      for (size_t f = 0; f < fields; ++f) {
        if (f) text += ',';
        text += rng() % 30 == 0 ? std::string(40 + rng() % 40, 'z') : pieces[rng() % pieces.size()];
      }
      text += rng() % 3 == 0 ? "\r\n" : "\n";
    }
    if (rng() % 5 == 0) text += "1,\"open";  // unterminated at the end
    for (bool header : {false, true}) {
      CsvOptions base;
      base.has_header = header;
      base.max_record_bytes = 64;
      Reading reference;
      {
        KernelScope scope(csv_internal::ScanKernel::kScalar);
        reference.parsed = ReadAll(text, base);
      }
      for (csv_internal::ScanKernel kernel : csv_internal::AvailableKernels()) {
        KernelScope scope(kernel);
        for (size_t buffer : {size_t{1}, size_t{16}, size_t{100}, size_t{1} << 20}) {
          for (size_t chunk : {size_t{3}, SIZE_MAX}) {
            CsvOptions options = base;
            options.buffer_bytes = buffer;
            Reading reading;
            reading.parsed = ReadAll(text, options, chunk);
            ASSERT_TRUE(reading == reference) << csv_internal::KernelName(kernel) << " buffer " << buffer << " chunk "
                                              << chunk << " header " << header << " round " << round;
          }
        }
      }
    }
  }
}

TEST(CsvScanKernels, LongFilesAcrossIndexChunksAndRefills) {
  // Records crossing the 16 KB index chunks and the buffer refills, with a quoted record now and then:
  // every kernel reads the 2 MB file as written.
  std::mt19937 rng(9);
  Rows rows;
  std::string text;
  for (int r = 0; r < 20000; ++r) {
    std::vector<std::string> row;
    for (int f = 0; f < 6; ++f) {
      std::string value = std::to_string(rng() % 100000);
      if (f == 3) value += StrCat(".", r);
      row.push_back(value);
    }
    if (r % 997 == 0) row[2] = "quoted, \"with\" comma";
    for (int f = 0; f < 6; ++f) {
      if (f) text += ',';
      if (row[f].find_first_of(",\"") != std::string::npos) {
        text += '"';
        for (char c : row[f]) text += c == '"' ? std::string("\"\"") : std::string(1, c);
        text += '"';
      } else {
        text += row[f];
      }
    }
    text += r % 7 == 0 ? "\r\n" : "\n";
    rows.push_back(row);
  }
  for (csv_internal::ScanKernel kernel : csv_internal::AvailableKernels()) {
    KernelScope scope(kernel);
    for (size_t buffer : {size_t{4096}, size_t{1} << 20}) {
      CsvOptions options;
      options.buffer_bytes = buffer;
      ParsedCsv parsed = ReadAll(text, options, 65536 + 17);
      EXPECT_EQ(parsed.records, rows) << csv_internal::KernelName(kernel) << " buffer " << buffer;
      EXPECT_TRUE(parsed.bad.empty());
    }
  }
}

}  // namespace
}  // namespace openaml
