// libFuzzer target: the CSV reader and the dataset reader on arbitrary bytes, with options taken from the
// first bytes (tiny buffers and record limits reach the refill, compaction and oversize paths). Checks the
// reader's promises: no crash, every good record has the expected field count, offsets increase.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <cstring>
#include <vector>

#include "openaml/ingest/csv_reader.h"
#include "openaml/ingest/csv_reader_internal.h"
#include "openaml/ingest/dataset_reader.h"
#include "openaml/schema/typed_record.h"
#include "openaml/schema/typed_record_internal.h"
#include "openaml/stats/statistics.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

/// Type `fields` with every typer kernel: each must give exactly what the scalar kernel gives.
void CheckTyperKernelsAgree(const openaml::RecordTyper& typer, std::span<const std::string_view> fields) {
  namespace ti = openaml::typed_record_internal;
  openaml::TypedRecord reference, values;
  Check(ti::ForceKernel(ti::TyperKernel::kScalar));
  typer.Type(fields, &reference);
  for (ti::TyperKernel kernel : ti::AvailableKernels()) {
    Check(ti::ForceKernel(kernel));
    typer.Type(fields, &values);
    Check(values.size() == reference.size());
    for (size_t i = 0; i < values.size(); ++i) {
      Check(values[i].state == reference[i].state);
      Check(std::memcmp(&values[i].number, &reference[i].number, sizeof(double)) == 0);
      Check(values[i].text.data() == reference[i].text.data());
      Check(values[i].text.size() == reference[i].text.size());
    }
  }
  ti::ResetKernel();
}

/// Everything a CSV reader gives for `text`, flattened: records (offset, index, fields) and bad records.
std::string ReadFlat(const std::string& text, const openaml::CsvOptions& options, size_t chunk) {
  auto reader = openaml::CsvReader::Make(openaml::MakeMemorySource(text, chunk), options);
  Check(reader.ok());
  std::string out;
  (*reader)->set_bad_record_handler([&out](const openaml::BadRecord& b) {
    out += "bad " + std::to_string(b.byte_offset) + " " + b.reason + "\n";
  });
  openaml::CsvRecord record;
  while (true) {
    auto more = (*reader)->Next(&record);
    Check(more.ok());
    if (!*more) break;
    out += std::to_string(record.byte_offset) + " " + std::to_string(record.record_index);
    for (std::string_view f : record.fields) {
      out += " " + std::to_string(f.size()) + ":";
      out.append(f);
    }
    out += "\n";
  }
  for (const std::string& h : (*reader)->header()) out += "header " + h + "\n";
  return out;
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
    // The record's fields as NUMERIC attributes (groups of four reach the vector typer).
    if (record.fields.size() <= 16) {
      openaml::Schema numeric;
      for (size_t i = 0; i < record.fields.size(); ++i) {
        numeric.attributes.push_back({"n" + std::to_string(i), openaml::AttributeType::kNumeric});
      }
      CheckTyperKernelsAgree(openaml::RecordTyper(numeric), record.fields);
    }
    last_offset = record.byte_offset;
    first = false;
  }
  Check((*reader)->bad_records() == bad);

  // Every CSV scan kernel reads the text exactly as the byte-at-a-time one does.
  namespace ci = openaml::csv_internal;
  Check(ci::ForceKernel(ci::ScanKernel::kScalar));
  const std::string reference = ReadFlat(text, options, 1 + (flags >> 4));
  for (ci::ScanKernel kernel : ci::AvailableKernels()) {
    Check(ci::ForceKernel(kernel));
    Check(ReadFlat(text, options, 1 + (flags >> 4)) == reference);
  }
  ci::ResetKernel();

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
  const openaml::RecordTyper typer(schema);
  openaml::DataRow row;
  while (true) {
    auto more = (*dataset)->Next(&row);
    if (!more.ok() || !*more) break;
    Check(row.fields.size() == 3);
    stats.AddFields(row.fields);
    CheckTyperKernelsAgree(typer, row.fields);
  }
  const std::string json = stats.Finish().ToJson();
  auto back = openaml::DataSourceStatistics::FromJson(json);
  Check(back.ok() && back->ToJson() == json);
  return 0;
}
