// DataSetReader: the records of a datasource — several files read as one dataset in order, headers skipped,
// the DataRearrangement applied, bad records counted and reported with their byte offsets.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/ingest/byte_source.h"
#include "openaml/ingest/csv_reader.h"
#include "openaml/ingest/data_rearrangement.h"
#include "openaml/schema/inference.h"
#include "openaml/schema/schema.h"

namespace openaml {

/// A selected record of the dataset. Field views are valid until the next Next().
struct DataRow {
  std::span<const std::string_view> fields;  // one per schema attribute, in schema order
  uint32_t file_index = 0;
  uint64_t byte_offset = 0;  // in its file
  uint64_t record_index = 0;  // in the whole dataset, good records only
};

struct IngestReport {
  uint64_t records_read = 0;      // good records seen (selected or not)
  uint64_t records_selected = 0;  // returned by Next()
  uint64_t bad_records = 0;
  uint64_t bytes_read = 0;
  std::vector<std::pair<std::string, BadRecord>> first_bad_records;  // (file uri, record), capped at 100
};

struct DataSetOptions {
  CsvOptions csv = CsvOptions::Defaults();
  /// A job fails once more than this many records were bad (spec §4.5: more than 10,000).
  uint64_t max_bad_records = 10000;
  static DataSetOptions Defaults() { return {}; }
};

class DataSetReader {
 public:
  /// Make a reader of `files` (in the order given) with `schema` (field count, header flag) and
  /// `rearrangement` (may be the all-data default). A sequential split counts the records first.
  static Result<std::unique_ptr<DataSetReader>> Make(std::vector<DataFile> files, const Schema& schema,
                                                     const DataRearrangement& rearrangement,
                                                     DataSetOptions options);
  virtual ~DataSetReader() = default;
  /// Next selected record: true, or false at the end. FailedPrecondition past max_bad_records, with a
  /// message a user can act on; I/O errors as returned by the source.
  virtual Result<bool> Next(DataRow* row) = 0;
  /// Start again from the first record (for another pass); the report restarts too.
  virtual Status Rewind() = 0;
  virtual const IngestReport& report() const = 0;
  /// Called for each bad record with its file's uri, as it is found (for job logs).
  virtual void set_bad_record_handler(std::function<void(const std::string&, const BadRecord&)> on_bad) = 0;
};

/// Read the first `max_records` good records of `file` (header line included: no header handling here),
/// as strings. The field count is taken from the first record.
Result<std::vector<std::vector<std::string>>> ReadFirstRecords(const DataFile& file, size_t max_records,
                                                              CsvOptions options = CsvOptions::Defaults());

/// Infer a schema (spec §4.6) from the first records of the first file of `files`.
Result<Schema> InferSchemaFromFiles(const std::vector<DataFile>& files, const InferenceOptions& options);

}  // namespace openaml
