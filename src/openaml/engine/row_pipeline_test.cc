// The row pipeline's hand-off (HandOffBatches) and ForEachRow: order, errors from either side, bounded
// read-ahead, exceptions.
#include "openaml/engine/row_pipeline_internal.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "openaml/common/str_cat.h"

namespace openaml::engine {
namespace {

struct Numbers {
  std::vector<int> values;
};

/// Fill batches of 10 consecutive numbers up to `total`.
auto Counter(int total, std::atomic<int>* filled) {
  return [total, filled](Numbers& batch, bool* end) -> Status {
    batch.values.clear();
    for (int k = 0; k < 10 && *filled < total; ++k) batch.values.push_back((*filled)++);
    *end = *filled == total;
    return absl::OkStatus();
  };
}

TEST(HandOffBatches, EveryBatchArrivesInOrderEitherWay) {
  for (bool fill_here : {true, false}) {
    std::vector<Numbers> slots(3);
    std::atomic<int> filled{0};
    std::vector<int> seen;
    Status status = HandOffBatches(slots, fill_here, Counter(10007, &filled), [&](Numbers& batch) {
      seen.insert(seen.end(), batch.values.begin(), batch.values.end());
      return absl::OkStatus();
    });
    ASSERT_TRUE(status.ok()) << status;
    ASSERT_EQ(seen.size(), 10007u) << fill_here;
    for (int i = 0; i < 10007; ++i) ASSERT_EQ(seen[i], i);
  }
}

TEST(HandOffBatches, AConsumerErrorStopsTheFillingSoon) {
  for (bool fill_here : {true, false}) {
    std::vector<Numbers> slots(3);
    std::atomic<int> filled{0};
    int batches = 0;
    Status status = HandOffBatches(slots, fill_here, Counter(1000000, &filled), [&](Numbers&) {
      return ++batches == 5 ? absl::DataLossError("bad batch") : absl::OkStatus();
    });
    EXPECT_EQ(status, absl::DataLossError("bad batch"));
    EXPECT_EQ(batches, 5);
    // At most the slots (and the one being filled) ahead of the failing batch.
    EXPECT_LE(filled.load(), (5 + 3 + 1) * 10) << fill_here;
  }
}

TEST(HandOffBatches, AFillErrorIsReturnedAndNothingAfterItIsConsumed) {
  for (bool fill_here : {true, false}) {
    std::vector<Numbers> slots(2);
    int fills = 0;
    int consumed = 0;
    Status status = HandOffBatches(
        slots, fill_here,
        [&](Numbers& batch, bool*) {
          batch.values = {fills};
          return ++fills == 4 ? absl::InternalError("disk") : absl::OkStatus();
        },
        [&](Numbers& batch) {
          EXPECT_LT(batch.values[0], 3);
          ++consumed;
          return absl::OkStatus();
        });
    EXPECT_EQ(status, absl::InternalError("disk"));
    EXPECT_EQ(fills, 4);
    EXPECT_LE(consumed, 3);
  }
}

TEST(HandOffBatches, AnExceptionOnThisThreadJoinsTheOtherAndPropagates) {
  {
    std::vector<Numbers> slots(2);
    std::atomic<int> filled{0};
    auto fill = Counter(1000000, &filled);
    int fills = 0;
    EXPECT_THROW(HandOffBatches(
                     slots, /*fill_here=*/true,
                     [&](Numbers& batch, bool* end) -> Status {
                       if (++fills == 3) throw std::runtime_error("fill");
                       return fill(batch, end);
                     },
                     [](Numbers&) { return absl::OkStatus(); }),
                 std::runtime_error);
  }
  {
    std::vector<Numbers> slots(2);
    std::atomic<int> filled{0};
    EXPECT_THROW(HandOffBatches(slots, /*fill_here=*/false, Counter(1000000, &filled),
                                [](Numbers&) -> Status { throw std::runtime_error("consume"); }),
                 std::runtime_error);
    EXPECT_LT(filled.load(), 1000000);
  }
}

/// A dataset of `rows` records "r<i>,<i>" (and bad records where asked), as one file.
std::unique_ptr<DataSetReader> Reader(int rows, int bad_from = -1) {
  std::string csv;
  for (int i = 0; i < rows; ++i) {
    csv += StrCat("r", i, ",", i, "\n");
    if (bad_from >= 0 && i >= bad_from) csv += "bad\n";
  }
  Schema schema;
  schema.attributes = {{"id", AttributeType::kCategorical}, {"x", AttributeType::kNumeric}};
  auto reader = DataSetReader::Make({MakeMemoryDataFile("mem://rows.csv", csv, 1 << 12)}, schema,
                                    DataRearrangement{}, DataSetOptions::Defaults());
  EXPECT_TRUE(reader.ok()) << reader.status();
  return std::move(reader).value();
}

TEST(ForEachRow, EveryRowInOrderOnOneOrTwoThreads) {
  for (int threads : {1, 2}) {
    auto reader = Reader(20000);
    int next = 0;
    uint64_t last_bytes = 0;
    Status status = ForEachRow(*reader, threads, [&](const PipelineRow& row) -> Status {
      EXPECT_EQ(row.fields[0], StrCat("r", next));
      EXPECT_GE(row.bytes_read, last_bytes);
      last_bytes = row.bytes_read;
      ++next;
      return absl::OkStatus();
    });
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(next, 20000) << threads;
    EXPECT_EQ(reader->report().bytes_read, last_bytes);
  }
}

TEST(ForEachRow, AConsumerErrorStopsTheReader) {
  auto reader = Reader(200000);
  int rows = 0;
  Status status = ForEachRow(*reader, 2, [&](const PipelineRow&) {
    return ++rows == 5000 ? absl::InvalidArgumentError("row 5000") : absl::OkStatus();
  });
  EXPECT_EQ(status, absl::InvalidArgumentError("row 5000"));
  EXPECT_EQ(rows, 5000);
  // The reader is at most its six batches of 2,048 rows (and the one it fills) ahead.
  EXPECT_LE(reader->report().records_read, 5000u + 7 * 2048);
}

TEST(ForEachRow, AReaderErrorIsReturned) {
  for (int threads : {1, 2}) {
    auto reader = Reader(30000, /*bad_from=*/15000);  // a bad record after each row from 15,000 on
    int rows = 0;
    Status status = ForEachRow(*reader, threads, [&](const PipelineRow&) {
      ++rows;
      return absl::OkStatus();
    });
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_LE(rows, 15000 + 10001) << threads;
  }
}

}  // namespace
}  // namespace openaml::engine
