// DataSetReader: several files as one dataset (spec §4.2), headers skipped per file (§4.1), the split applied
// (§5.2), bad records counted, reported and bounded (§4.5).
#include "openaml/ingest/dataset_reader.h"

#include <algorithm>

#include "openaml/common/str_cat.h"

namespace openaml {
namespace {

constexpr size_t kMaxKeptBadRecords = 100;

class DataSetReaderImpl final : public DataSetReader {
 public:
  DataSetReaderImpl(std::vector<DataFile> files, const Schema& schema, const DataRearrangement& rearrangement,
                    DataSetOptions options)
      : files_(std::move(files)),
        rearrangement_(rearrangement),
        selects_all_(rearrangement.SelectsAll()),
        options_(options) {
    options_.csv.expected_fields = schema.attributes.size();
    options_.csv.has_header = schema.data_file_contains_header;
  }

  Result<bool> Next(DataRow* row) override {
    if (rearrangement_.NeedsRecordCount() && !record_count_) OPENAML_RETURN_IF_ERROR(CountRecords());
    while (true) {
      if (reader_ == nullptr) {
        if (file_index_ >= files_.size()) return false;
        OPENAML_ASSIGN_OR_RETURN(reader_, OpenFile(file_index_, /*report=*/true));
        header_checked_ = false;
      }
      CsvRecord record;
      Result<bool> more = reader_->Next(&record);
      if (!more.ok()) return WithContext(more.status(), files_[file_index_].uri);
      if (!header_checked_) {
        OPENAML_RETURN_IF_ERROR(CheckHeader(*reader_, file_index_));
        header_checked_ = true;
      }
      if (std::max(report_.bad_records, count_pass_bad_records_) > options_.max_bad_records) {
        return BadRecordLimitError();
      }
      if (!*more) {
        bytes_done_ += reader_->bytes_read();
        report_.bytes_read = bytes_done_;
        reader_.reset();
        ++file_index_;
        continue;
      }
      ++report_.records_read;
      const uint64_t index = next_record_index_++;
      if (!selects_all_ &&
          !rearrangement_.Selects(file_index_, record.byte_offset, index, record_count_.value_or(0))) {
        continue;
      }
      ++report_.records_selected;
      row->fields = record.fields;
      row->file_index = static_cast<uint32_t>(file_index_);
      row->byte_offset = record.byte_offset;
      row->record_index = index;
      report_.bytes_read = bytes_done_ + reader_->bytes_read();
      return true;
    }
  }

  Status Rewind() override {
    reader_.reset();
    file_index_ = 0;
    next_record_index_ = 0;
    bytes_done_ = 0;
    report_ = IngestReport{};
    return absl::OkStatus();
  }

  const IngestReport& report() const override { return report_; }

  void set_bad_record_handler(std::function<void(const std::string&, const BadRecord&)> on_bad) override {
    on_bad_ = std::move(on_bad);
  }

 private:
  Result<std::unique_ptr<CsvReader>> OpenFile(size_t index, bool report) {
    const DataFile& file = files_[index];
    if (!file.open) return absl::InternalError(StrCat(file.uri, ": no way to open the file"));
    Result<std::unique_ptr<ByteSource>> source = file.open();
    if (!source.ok()) return WithContext(source.status(), file.uri);
    OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Make(std::move(*source), options_.csv));
    CsvReader* raw = reader.get();
    if (report) {
      reader->set_bad_record_handler([this, index, raw](const BadRecord& bad) {
        ++report_.bad_records;
        if (report_.first_bad_records.size() < kMaxKeptBadRecords) {
          report_.first_bad_records.emplace_back(files_[index].uri, bad);
        }
        if (on_bad_) on_bad_(files_[index].uri, bad);
        // Stop early when the job is bound to fail: past the limit, or a header that does not fit the schema.
        if (report_.bad_records > options_.max_bad_records || !CheckHeader(*raw, index).ok()) raw->Stop();
      });
    } else {
      reader->set_bad_record_handler([this, index, raw](const BadRecord&) {
        ++count_pass_bad_records_;
        if (count_pass_bad_records_ > options_.max_bad_records || !CheckHeader(*raw, index).ok()) raw->Stop();
      });
    }
    return reader;
  }

  /// The error of a job past max_bad_records rejected records (spec §4.5); the caller checks the limit.
  Status BadRecordLimitError() const {
    std::string first;
    if (!report_.first_bad_records.empty()) {
      const auto& [uri, record] = report_.first_bad_records.front();
      first = StrCat(" The first was in ", uri, " at byte offset ", record.byte_offset, ": ", record.reason);
    }
    return absl::FailedPreconditionError(
        StrCat("More than ", options_.max_bad_records,
                     " records were rejected as invalid, so the data cannot be used; check that the schema matches "
                     "the data (field count, header).",
                     first));
  }

  /// With a header, its field count must match the schema: otherwise every record would be rejected.
  Status CheckHeader(const CsvReader& reader, size_t index) const {
    if (!options_.csv.has_header || reader.header().empty()) return absl::OkStatus();
    if (reader.header().size() == options_.csv.expected_fields) return absl::OkStatus();
    return absl::FailedPreconditionError(StrCat(files_[index].uri, ": the header has ", reader.header().size(),
                                                      " columns but the schema has ", options_.csv.expected_fields,
                                                      " attributes"));
  }

  /// Count the good records of all files (sequential splits need the total first).
  Status CountRecords() {
    uint64_t count = 0;
    count_pass_bad_records_ = 0;
    for (size_t i = 0; i < files_.size(); ++i) {
      OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, OpenFile(i, /*report=*/false));
      CsvRecord record;
      while (true) {
        Result<bool> more = reader->Next(&record);
        if (!more.ok()) return WithContext(more.status(), files_[i].uri);
        OPENAML_RETURN_IF_ERROR(CheckHeader(*reader, i));
        if (count_pass_bad_records_ > options_.max_bad_records) {
          return absl::FailedPreconditionError(StrCat(
              "More than ", options_.max_bad_records,
              " records were rejected as invalid, so the data cannot be used; check that the schema matches the "
              "data (field count, header). Some are in ",
              files_[i].uri));
        }
        if (!*more) break;
        ++count;
      }
    }
    count_pass_bad_records_ = 0;
    record_count_ = count;
    return absl::OkStatus();
  }

  std::vector<DataFile> files_;
  DataRearrangement rearrangement_;
  bool selects_all_;  // the common case, checked without a call per record
  DataSetOptions options_;
  std::unique_ptr<CsvReader> reader_;
  size_t file_index_ = 0;
  bool header_checked_ = false;
  uint64_t next_record_index_ = 0;
  uint64_t bytes_done_ = 0;
  uint64_t count_pass_bad_records_ = 0;
  std::optional<uint64_t> record_count_;
  IngestReport report_;
  std::function<void(const std::string&, const BadRecord&)> on_bad_;
};

}  // namespace

Result<std::unique_ptr<DataSetReader>> DataSetReader::Make(std::vector<DataFile> files, const Schema& schema,
                                                           const DataRearrangement& rearrangement,
                                                           DataSetOptions options) {
  if (files.empty()) return absl::InvalidArgumentError("the datasource has no data files");
  if (schema.attributes.empty()) return absl::InvalidArgumentError("the schema has no attributes");
  if (rearrangement.percent_begin < 0 || rearrangement.percent_end > 100 ||
      rearrangement.percent_begin > rearrangement.percent_end) {
    return absl::InvalidArgumentError("DataRearrangement: the range must satisfy 0 <= begin <= end <= 100");
  }
  return std::unique_ptr<DataSetReader>(
      std::make_unique<DataSetReaderImpl>(std::move(files), schema, rearrangement, options));
}

Result<std::vector<std::vector<std::string>>> ReadFirstRecords(const DataFile& file, size_t max_records,
                                                              CsvOptions options) {
  if (!file.open) return absl::InternalError(StrCat(file.uri, ": no way to open the file"));
  Result<std::unique_ptr<ByteSource>> source = file.open();
  if (!source.ok()) return WithContext(source.status(), file.uri);
  options.has_header = false;
  OPENAML_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Make(std::move(*source), options));
  std::vector<std::vector<std::string>> records;
  CsvRecord record;
  while (records.size() < max_records) {
    Result<bool> more = reader->Next(&record);
    if (!more.ok()) return WithContext(more.status(), file.uri);
    if (!*more) break;
    records.emplace_back(record.fields.begin(), record.fields.end());
  }
  return records;
}

Result<Schema> InferSchemaFromFiles(const std::vector<DataFile>& files, const InferenceOptions& options) {
  if (files.empty()) return absl::InvalidArgumentError("no data files to infer a schema from");
  OPENAML_ASSIGN_OR_RETURN(auto records, ReadFirstRecords(files[0], options.sample_records + 1));
  Result<Schema> schema = InferSchemaFromRecords(records, options);
  if (!schema.ok()) return WithContext(schema.status(), files[0].uri);
  return schema;
}

}  // namespace openaml
