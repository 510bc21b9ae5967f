// libFuzzer target: the CSV reader and the dataset reader on arbitrary bytes, with options taken from the
// first bytes (tiny buffers and record limits reach the refill, compaction and oversize paths). Checks the
// reader's promises: no crash, every good record has the expected field count, offsets increase.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "openaml/ingest/csv_reader.h"
#include "openaml/ingest/dataset_reader.h"
#include "openaml/stats/statistics.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  const uint8_t flags = data[0];
  openaml::CsvOptions options;
  options.buffer_bytes = 1 + data[1] % 64;
  options.max_record_bytes = 1 + data[2] * 4;
  options.has_header = flags & 1;
  options.expected_fields = (flags >> 1) & 3;
  options.delimiter = (flags & 8) ? ';' : ',';
  const std::string text(reinterpret_cast<const char*>(data + 3), size - 3);

  auto reader = openaml::CsvReader::Make(openaml::MakeMemorySource(text, 1 + (flags >> 4)), options);
  Check(reader.ok());
  uint64_t bad = 0;
  (*reader)->set_bad_record_handler([&bad](const openaml::BadRecord& b) {
    Check(!b.reason.empty());
    ++bad;
  });
  openaml::CsvRecord record;
  size_t fields = options.expected_fields;
  uint64_t last_offset = 0;
  bool first = true;
  while (true) {
    auto more = (*reader)->Next(&record);
    Check(more.ok());
    if (!*more) break;
    if (fields == 0) fields = options.has_header && !(*reader)->header().empty() ? (*reader)->header().size()
                                                                                 : record.fields.size();
    Check(record.fields.size() == fields);
    Check(first || record.byte_offset > last_offset);
    Check(record.byte_offset < text.size());
    for (std::string_view f : record.fields) Check(f.size() <= options.max_record_bytes);
    last_offset = record.byte_offset;
    first = false;
  }
  Check((*reader)->bad_records() == bad);

  // The whole pipeline: two files, a random split, statistics over a 3-attribute schema.
  openaml::Schema schema;
  schema.attributes = {{"a", openaml::AttributeType::kNumeric},
                       {"b", openaml::AttributeType::kText},
                       {"c", openaml::AttributeType::kBinary}};
  schema.target = "c";
  schema.data_file_contains_header = flags & 1;
  auto split = openaml::DataRearrangement::FromSpec("random:10-60:fuzz");
  Check(split.ok());
  openaml::DataSetOptions dataset_options;
  dataset_options.csv.buffer_bytes = options.buffer_bytes;
  dataset_options.max_bad_records = 5;
  auto dataset = openaml::DataSetReader::Make(
      {openaml::MakeMemoryDataFile("a", text, 7), openaml::MakeMemoryDataFile("b", text)}, schema, *split,
      dataset_options);
  Check(dataset.ok());
  openaml::StatsAccumulator stats(schema);
  openaml::DataRow row;
  while (true) {
    auto more = (*dataset)->Next(&row);
    if (!more.ok() || !*more) break;
    Check(row.fields.size() == 3);
    stats.AddFields(row.fields);
  }
  const std::string json = stats.Finish().ToJson();
  auto back = openaml::DataSourceStatistics::FromJson(json);
  Check(back.ok() && back->ToJson() == json);
  return 0;
}
