// BuildDataSource: read a datasource once, counting records and bad records (spec §4.5) and, when asked,
// computing the descriptive statistics (spec §6) in the same streaming pass.
#include <optional>

#include "openaml/engine/job_util_internal.h"
#include "openaml/engine/jobs.h"
#include "openaml/stats/statistics.h"

namespace openaml::engine {

Result<DataSourceResult> BuildDataSource(const DataSourceSpec& spec, bool compute_statistics, JobContext& ctx) {
  OPENAML_ASSIGN_OR_RETURN(auto reader, DataSetReader::Make(spec.files, spec.schema, spec.rearrangement,
                                                            DataSetOptions::Defaults()));
  reader->set_bad_record_handler([&ctx](const std::string& uri, const BadRecord& bad) {
    Log(ctx, "WARN", StrCat("Invalid Record Found [Byte Offset : ", bad.byte_offset, "] :", bad.reason));
  });
  ProgressTicker ticker(ctx, "reading", TotalBytes(spec));
  std::optional<StatsAccumulator> stats;
  if (compute_statistics) stats.emplace(spec.schema);
  DataRow row;
  while (true) {
    OPENAML_ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) break;
    if (stats) stats->AddFields(row.fields);
    ticker.Tick(reader->report().bytes_read);
    if ((reader->report().records_selected & 65535) == 0) OPENAML_RETURN_IF_ERROR(CheckCancelled(ctx));
  }
  DataSourceResult result;
  result.records = reader->report().records_selected;
  result.bad_records = reader->report().bad_records;
  result.data_size_bytes = TotalBytes(spec);
  result.number_of_files = static_cast<uint32_t>(spec.files.size());
  if (stats) result.statistics_json = stats->Finish(result.bad_records).ToJson();
  return result;
}

}  // namespace openaml::engine
