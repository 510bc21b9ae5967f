#include "openaml/common/str_cat.h"
#include "openaml/storage/databases/csv_stage_writer_internal.h"

namespace openaml::databases {

void AppendCsvField(std::string_view value, std::string* out) {
  bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!value.empty() && (value.front() == ' ' || value.front() == '\t' || value.back() == ' ' ||
                                   value.back() == '\t'));
  if (!quote) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string ScrubSecret(std::string message, std::string_view secret) {
  if (secret.empty()) return message;
  size_t pos = 0;
  while ((pos = message.find(secret, pos)) != std::string::npos) {
    message.replace(pos, secret.size(), "***");
    pos += 3;
  }
  return message;
}

std::string_view TrimQuery(std::string_view query) {
  while (!query.empty() &&
         (query.back() == ';' || query.back() == ' ' || query.back() == '\t' || query.back() == '\r' ||
          query.back() == '\n')) {
    query.remove_suffix(1);
  }
  return query;
}

std::string DescribeTarget(const QueryStagingRequest& request) {
  const DatabaseConnection& c = request.connection;
  std::string address = c.socket.empty() ? (c.port ? StrCat(c.host, ":", c.port) : c.host) : c.socket;
  return StrCat(c.engine == DatabaseEngine::kPostgresql ? "PostgreSQL" : "MySQL", " server '", c.name, "' (",
                address, "), database '", request.database_name, "'");
}

Status CsvStageWriter::Begin(std::vector<ColumnDescription> columns) {
  if (columns.empty()) return absl::InvalidArgumentError("the query returned no columns");
  if (columns.size() > Schema::kMaxAttributes) {
    return absl::InvalidArgumentError(StrCat("the query returned ", columns.size(), " columns; a schema has at most ",
                                             Schema::kMaxAttributes, " attributes (spec §13)"));
  }
  std::vector<std::string> raw_names;
  raw_names.reserve(columns.size());
  for (const ColumnDescription& column : columns) raw_names.push_back(column.name);
  std::vector<std::string> names = UniqueColumnNames(raw_names);
  for (size_t column_idx = 0; column_idx < columns.size(); ++column_idx) {
    columns[column_idx].name = names[column_idx];
    if (column_idx > 0) buffer_.push_back(',');
    AppendCsvField(names[column_idx], &buffer_);
  }
  buffer_.push_back('\n');
  columns_ = std::move(columns);
  samples_.assign(columns_.size(), {});
  return absl::OkStatus();
}

void CsvStageWriter::AddField(std::string_view value, bool is_null) {
  if (field_idx_ > 0) buffer_.push_back(',');
  if (!is_null) AppendCsvField(value, &buffer_);
  if (row_count_ < sample_rows_ && field_idx_ < samples_.size()) {
    // A prefix is enough to count words (TEXT above 20, InferAttributeType) and bounds the sample's memory.
    samples_[field_idx_].emplace_back(is_null ? std::string_view() : value.substr(0, kSampleValueBytes));
  }
  ++field_idx_;
}

Status CsvStageWriter::EndRow() {
  buffer_.push_back('\n');
  field_idx_ = 0;
  ++row_count_;
  if (buffer_.size() >= kFlushBytes) return Flush();
  return absl::OkStatus();
}

Status CsvStageWriter::Flush() {
  if (buffer_.empty()) return absl::OkStatus();
  OPENAML_RETURN_IF_ERROR(sink_.Write(buffer_));
  byte_count_ += buffer_.size();
  buffer_.clear();
  return absl::OkStatus();
}

Result<QueryStagingResult> CsvStageWriter::Finish() {
  if (row_count_ == 0) return absl::InvalidArgumentError("the query returned no rows");
  OPENAML_RETURN_IF_ERROR(Flush());
  QueryStagingResult result;
  result.schema.data_file_contains_header = true;
  for (size_t column_idx = 0; column_idx < columns_.size(); ++column_idx) {
    std::vector<std::string_view> sample(samples_[column_idx].begin(), samples_[column_idx].end());
    result.schema.attributes.push_back(
        {columns_[column_idx].name, DecideAttributeType(columns_[column_idx].type_class, sample)});
  }
  OPENAML_RETURN_IF_ERROR(result.schema.Validate());
  OPENAML_RETURN_IF_ERROR(sink_.Commit());
  result.columns = columns_;
  result.row_count = row_count_;
  result.byte_count = byte_count_;
  return result;
}

}  // namespace openaml::databases
