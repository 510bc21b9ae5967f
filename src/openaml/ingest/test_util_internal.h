// Helpers shared by the ingest tests: read a whole CSV from memory with given options.
#pragma once

#include <string>
#include <vector>

#include "openaml/ingest/byte_source.h"
#include "openaml/ingest/csv_reader.h"

namespace openaml::testing_internal {

struct ParsedCsv {
  std::vector<std::vector<std::string>> records;
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> indexes;
  std::vector<BadRecord> bad;
  std::vector<std::string> header;
};

/// Read `text` to the end; `chunk` bounds each source read, `buffer` is the reader's buffer size.
inline ParsedCsv ReadAll(const std::string& text, CsvOptions options = CsvOptions::Defaults(),
                         size_t chunk = SIZE_MAX) {
  ParsedCsv out;
  auto reader = CsvReader::Make(MakeMemorySource(text, chunk), options);
  if (!reader.ok()) return out;
  (*reader)->set_bad_record_handler([&out](const BadRecord& bad) { out.bad.push_back(bad); });
  CsvRecord record;
  while (true) {
    Result<bool> more = (*reader)->Next(&record);
    if (!more.ok() || !*more) break;
    out.records.emplace_back(record.fields.begin(), record.fields.end());
    out.offsets.push_back(record.byte_offset);
    out.indexes.push_back(record.record_index);
  }
  out.header = (*reader)->header();
  return out;
}

}  // namespace openaml::testing_internal
