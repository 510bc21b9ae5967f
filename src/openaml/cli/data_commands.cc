// `openaml schema infer` and `openaml stats`: the data layer on local files (see src/openaml/ingest, schema,
// stats). Each command parses its options into a struct, then runs; errors print one clear line and set a
// non-zero exit code (1: bad input or data, 2: command-line usage, handled by CLI11).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "openaml/cli/commands.h"
#include "openaml/common/str_cat.h"
#include "openaml/engine/jobs.h"
#include "openaml/ingest/dataset_reader.h"
#include "openaml/schema/inference.h"

namespace openaml::cli {
namespace {

constexpr int kExitDataError = 1;
constexpr size_t kBadRecordsShown = 10;

void Fail(const Status& status) {
  std::fprintf(stderr, "openaml: %s\n", std::string(status.message()).c_str());
  SetExitCode(kExitDataError);
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read '", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct InferParams {
  std::string path;
  std::string target;
  std::string row_id;
  std::string header = "auto";  // auto | yes | no
  size_t sample = 1000;
};

Status RunInfer(const InferParams& params) {
  OPENAML_ASSIGN_OR_RETURN(std::vector<DataFile> files, ListLocalDataFiles(params.path));
  InferenceOptions options;
  options.sample_records = params.sample;
  if (!params.target.empty()) options.target = params.target;
  if (!params.row_id.empty()) options.row_id = params.row_id;
  if (params.header != "auto") options.has_header = params.header == "yes";
  OPENAML_ASSIGN_OR_RETURN(Schema schema, InferSchemaFromFiles(files, options));
  std::printf("%s\n", schema.ToPrettyJson().c_str());
  return absl::OkStatus();
}

struct StatsParams {
  std::string path;
  std::string schema;  // a file, inline JSON, or empty: <FILE>.schema / <DIR>/.schema (spec §4.3)
  std::string split;
  bool pretty = false;
  bool quiet = false;
};

Result<Schema> LoadSchema(const StatsParams& params) {
  std::string text;
  if (!params.schema.empty() && params.schema.front() == '{') {
    text = params.schema;
  } else {
    std::string path = params.schema;
    if (path.empty()) {
      // The console's convention: <data-file>.schema, or <prefix>/.schema for a folder.
      path = std::filesystem::is_directory(params.path) ? params.path + "/.schema" : params.path + ".schema";
      if (!std::filesystem::exists(path)) {
        return absl::InvalidArgumentError(
            StrCat("no schema given and no '", path, "' found; pass --schema FILE (try `openaml schema infer`)"));
      }
    }
    OPENAML_ASSIGN_OR_RETURN(text, ReadTextFile(path));
  }
  Result<Schema> schema = Schema::FromJson(text);
  if (!schema.ok()) return WithContext(schema.status(), "schema");
  return schema;
}

Status RunStats(const StatsParams& params) {
  OPENAML_ASSIGN_OR_RETURN(Schema schema, LoadSchema(params));
  OPENAML_ASSIGN_OR_RETURN(std::vector<DataFile> files, ListLocalDataFiles(params.path));
  Result<DataRearrangement> split = DataRearrangement::FromSpec(params.split);
  if (!split.ok()) {
    // Also accept the DataRearrangement JSON itself.
    split = params.split.empty() || params.split.front() != '{' ? split : DataRearrangement::FromJson(params.split);
    if (!split.ok()) return WithContext(split.status(), "--split");
  }
  // The service's datasource job itself (engine::BuildDataSource), so both compute the same statistics the
  // same way.
  engine::DataSourceSpec spec;
  spec.files = std::move(files);
  spec.schema = std::move(schema);
  spec.rearrangement = *split;
  engine::DataSourceOptions options;
  options.statistics_json_indent = params.pretty ? 2 : -1;
  uint64_t shown = 0;
  options.on_bad_record = [&](const std::string& uri, const BadRecord& bad) {
    // The form of Amazon ML's log (spec §4.5).
    if (!params.quiet && shown++ < kBadRecordsShown) {
      std::fprintf(stderr, "WARN: Invalid Record Found in %s [Byte Offset : %llu] :%s\n", uri.c_str(),
                   static_cast<unsigned long long>(bad.byte_offset), bad.reason.c_str());
    }
  };
  engine::JobContext ctx;
  OPENAML_ASSIGN_OR_RETURN(engine::DataSourceResult result,
                           engine::BuildDataSource(spec, /*compute_statistics=*/true, options, ctx));
  if (!params.quiet) {
    std::fprintf(stderr, "openaml: %llu records read, %llu selected, %llu bad, %llu bytes\n",
                 static_cast<unsigned long long>(result.records_read),
                 static_cast<unsigned long long>(result.records),
                 static_cast<unsigned long long>(result.bad_records),
                 static_cast<unsigned long long>(result.bytes_read));
  }
  std::printf("%s\n", result.statistics_json.c_str());
  return absl::OkStatus();
}

}  // namespace

void RegisterDataCommands(CLI::App& app) {
  CLI::App* schema = app.add_subcommand("schema", "Amazon ML schemas");
  schema->require_subcommand(1);
  auto infer_params = std::make_shared<InferParams>();
  CLI::App* infer = schema->add_subcommand("infer", "Guess a schema from the first records of a CSV file or folder");
  infer->add_option("FILE", infer_params->path, "CSV file, or a folder read as one dataset")->required();
  infer->add_option("--target", infer_params->target, "Attribute to predict (targetAttributeName)");
  infer->add_option("--row-id", infer_params->row_id, "Attribute copied into batch predictions (rowId)");
  infer->add_option("--header", infer_params->header, "First line is a header: auto, yes or no")
      ->check(CLI::IsMember({"auto", "yes", "no"}));
  infer->add_option("--sample", infer_params->sample, "Records to guess from")->check(CLI::Range(1, 10000000));
  infer->callback([infer_params] {
    const Status status = RunInfer(*infer_params);
    if (!status.ok()) Fail(status);
  });

  auto stats_params = std::make_shared<StatsParams>();
  CLI::App* stats = app.add_subcommand("stats", "Compute a datasource's descriptive statistics (JSON)");
  stats->add_option("FILE", stats_params->path, "CSV file, or a folder read as one dataset")->required();
  stats->add_option("--schema", stats_params->schema,
                    "Schema file or inline JSON (default: FILE.schema, or FOLDER/.schema)");
  stats->add_option("--split", stats_params->split,
                    "Records to use: STRATEGY:BEGIN-END[:SEED][:complement], e.g. random:0-70:seed, or "
                    "DataRearrangement JSON");
  stats->add_flag("--pretty", stats_params->pretty, "Indent the JSON");
  stats->add_flag("--quiet", stats_params->quiet, "No progress or bad-record lines on stderr");
  stats->callback([stats_params] {
    const Status status = RunStats(*stats_params);
    if (!status.ok()) Fail(status);
  });
}

}  // namespace openaml::cli
