// Ingest benchmark: CSV parse throughput with type conversion, and the statistics pass, on one core.
//   ingest_benchmark parse FILE SCHEMA [REPEAT]     prints "parse_seconds stats_seconds bytes records"
//   ingest_benchmark phases FILE SCHEMA [REPEAT]    the same, then "split_seconds" (CSV splitting only)
//   ingest_benchmark generate OUT BYTES SEED SOURCE   writes a banking-like CSV of about BYTES bytes
//   ingest_benchmark json FILE SCHEMA                 prints the statistics JSON (to compare two builds)
//   ingest_benchmark kernels FILE [REPEAT]            per CSV scan kernel: the structural index alone (file in
//                                                     memory) and the CSV reader alone (no typing)
//   ingest_benchmark typer FILE SCHEMA [REPEAT]       RecordTyper::Type alone over FILE's records in memory
//   ingest_benchmark typed FILE SCHEMA [BUFFER_BYTES]  prints a hash of every field, typed value and bad
//                                                     record (to compare the parse results of two builds)
// bench/ingest/run drives it and prints the figures beside `cat` and pandas.read_csv.
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <xxhash.h>

#include <cstring>

#include "openaml/ingest/csv_reader_internal.h"
#include "openaml/ingest/dataset_reader.h"
#include "openaml/schema/typed_record.h"
#include "openaml/schema/typed_record_internal.h"
#include "openaml/stats/statistics.h"

namespace {

/// CPU time of this thread: the figure is "per core" even when other processes share the machine.
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
  }
};

double Seconds(double since) { return Clock::now() - since; }

int Die(const std::string& message) {
  std::fprintf(stderr, "ingest_benchmark: %s\n", message.c_str());
  return 1;
}

/// The schema in the file at `path`.
openaml::Result<openaml::Schema> LoadSchema(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return openaml::Schema::FromJson(text.str());
}

/// A reader of FILE's records (a file or a folder) with `schema`, no rearrangement.
openaml::Result<std::unique_ptr<openaml::DataSetReader>> OpenReader(
    const std::string& file, const openaml::Schema& schema,
    const openaml::DataSetOptions& options = openaml::DataSetOptions::Defaults()) {
  OPENAML_ASSIGN_OR_RETURN(std::vector<openaml::DataFile> files, openaml::ListLocalDataFiles(file));
  return openaml::DataSetReader::Make(std::move(files), schema, openaml::DataRearrangement{}, options);
}

/// One pass over the records only (CSV field splitting, no type conversion): a diagnostic of the reader.
openaml::Result<double> SplitPass(const std::string& file, const openaml::Schema& schema, double* checksum) {
  const auto start = Clock::now();
  OPENAML_ASSIGN_OR_RETURN(auto reader, OpenReader(file, schema));
  openaml::DataRow row;
  size_t sum = 0;
  while (true) {
    OPENAML_ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) break;
    sum += row.fields.back().size();
  }
  *checksum += static_cast<double>(sum);
  return Seconds(start);
}

/// One pass: read every record and convert it to typed values; with `stats`, feed the accumulator too.
openaml::Result<double> Pass(const std::string& file, const openaml::Schema& schema, bool stats, uint64_t* bytes,
                             uint64_t* records, double* checksum) {
  const auto start = Clock::now();
  OPENAML_ASSIGN_OR_RETURN(auto reader, OpenReader(file, schema));
  openaml::RecordTyper typer(schema);
  openaml::TypedRecord typed;
  openaml::StatsAccumulator accumulator(schema);
  openaml::DataRow row;
  double sum = 0;
  while (true) {
    OPENAML_ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) break;
    typer.Type(row.fields, &typed);
    sum += typed[0].number;  // keep the conversion observable
    if (stats) accumulator.Add(typed);
  }
  if (stats) {
    const double finish_start = Clock::now();
    const std::string json = accumulator.Finish().ToJson();
    std::fprintf(stderr, "finish %.6f s\n", Seconds(finish_start));
    sum += static_cast<double>(json.size());
  }
  const double seconds = Seconds(start);
  *bytes = reader->report().bytes_read;
  *records = reader->report().records_read;
  *checksum += sum;
  return seconds;
}

int Parse(const std::string& file, const std::string& schema_path, int repeat, bool phases) {
  auto schema = LoadSchema(schema_path);
  if (!schema.ok()) return Die(std::string(schema.status().message()));
  double best_parse = 1e300, best_stats = 1e300, best_split = 1e300, checksum = 0;
  uint64_t bytes = 0, records = 0;
  for (int i = 0; i < repeat; ++i) {
    if (phases) {
      auto split = SplitPass(file, *schema, &checksum);
      if (!split.ok()) return Die(std::string(split.status().message()));
      best_split = std::min(best_split, *split);
    }
    auto parse = Pass(file, *schema, false, &bytes, &records, &checksum);
    if (!parse.ok()) return Die(std::string(parse.status().message()));
    auto stats = Pass(file, *schema, true, &bytes, &records, &checksum);
    if (!stats.ok()) return Die(std::string(stats.status().message()));
    best_parse = std::min(best_parse, *parse);
    best_stats = std::min(best_stats, *stats);
  }
  std::printf("%.6f %.6f %llu %llu", best_parse, best_stats, static_cast<unsigned long long>(bytes),
              static_cast<unsigned long long>(records));
  if (phases) std::printf(" %.6f", best_split);
  std::printf("\n");
  std::fprintf(stderr, "checksum %g\n", checksum);
  return 0;
}

/// Banking-like rows: lines of SOURCE (after its header) in random order, with `duration` (column 11) and
/// `age` (column 1) redrawn so that the file is not a plain repetition.
int Generate(const std::string& out_path, uint64_t target_bytes, uint32_t seed, const std::string& source) {
  std::ifstream in(source);
  std::string header;
  if (!std::getline(in, header)) return Die("cannot read " + source);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) return Die("no records in " + source);
  std::FILE* out = std::fopen(out_path.c_str(), "wb");
  if (out == nullptr) return Die("cannot write " + out_path);
  std::vector<char> buffer;
  buffer.reserve(1 << 22);
  std::mt19937_64 rng(seed);
  uint64_t written = 0;
  auto flush = [&] {
    std::fwrite(buffer.data(), 1, buffer.size(), out);
    written += buffer.size();
    buffer.clear();
  };
  buffer.insert(buffer.end(), header.begin(), header.end());
  buffer.push_back('\n');
  char number[32];
  while (written + buffer.size() < target_bytes) {
    const std::string& line = lines[rng() % lines.size()];
    const uint64_t r = rng();
    // Column 1 (age) and column 11 (duration) redrawn; the rest copied.
    size_t column = 0;
    size_t start = 0;
    for (size_t i = 0; i <= line.size(); ++i) {
      if (i < line.size() && line[i] != ',') continue;
      if (column == 0) {
        const int n = std::snprintf(number, sizeof(number), "%d", 18 + static_cast<int>(r % 70));
        buffer.insert(buffer.end(), number, number + n);
      } else if (column == 10) {
        const int n = std::snprintf(number, sizeof(number), "%d", static_cast<int>((r >> 8) % 3000));
        buffer.insert(buffer.end(), number, number + n);
      } else {
        buffer.insert(buffer.end(), line.begin() + start, line.begin() + i);
      }
      buffer.push_back(i < line.size() ? ',' : '\n');
      start = i + 1;
      ++column;
    }
    if (buffer.size() >= (1 << 22) - 1024) flush();
  }
  flush();
  std::fclose(out);
  return 0;
}

}  // namespace

/// The statistics JSON of FILE (to compare the output of two builds).
int Json(const std::string& file, const std::string& schema_path) {
  auto schema = LoadSchema(schema_path);
  if (!schema.ok()) return Die(std::string(schema.status().message()));
  auto reader = OpenReader(file, *schema);
  if (!reader.ok()) return Die(std::string(reader.status().message()));
  openaml::StatsAccumulator accumulator(*schema);
  openaml::DataRow row;
  while (true) {
    auto more = (*reader)->Next(&row);
    if (!more.ok()) return Die(std::string(more.status().message()));
    if (!*more) break;
    accumulator.AddFields(row.fields);
  }
  std::printf("%s\n", accumulator.Finish((*reader)->report().bad_records).ToJson(1).c_str());
  return 0;
}

/// A hash of everything the reader and the typer produce for FILE: per record its file offset, index, raw
/// fields and typed values (state, number bits); per bad record its offset and reason. Two builds that print
/// the same line parsed the file identically. A small BUFFER_BYTES exercises the buffer refills.
int Typed(const std::string& file, const std::string& schema_path, size_t buffer_bytes) {
  auto schema = LoadSchema(schema_path);
  if (!schema.ok()) return Die(std::string(schema.status().message()));
  openaml::DataSetOptions options = openaml::DataSetOptions::Defaults();
  if (buffer_bytes > 0) options.csv.buffer_bytes = buffer_bytes;
  options.max_bad_records = ~uint64_t{0};
  auto reader = OpenReader(file, *schema, options);
  if (!reader.ok()) return Die(std::string(reader.status().message()));
  XXH64_state_t* records_hash = XXH64_createState();
  XXH64_state_t* bad_hash = XXH64_createState();
  XXH64_reset(records_hash, 0);
  XXH64_reset(bad_hash, 0);
  uint64_t bad = 0;
  (*reader)->set_bad_record_handler([&](const std::string&, const openaml::BadRecord& record) {
    ++bad;
    XXH64_update(bad_hash, &record.byte_offset, sizeof(record.byte_offset));
    XXH64_update(bad_hash, record.reason.data(), record.reason.size());
  });
  openaml::RecordTyper typer(*schema);
  openaml::TypedRecord typed;
  openaml::DataRow row;
  uint64_t records = 0, present = 0, invalid = 0, missing = 0;
  while (true) {
    auto more = (*reader)->Next(&row);
    if (!more.ok()) return Die(std::string(more.status().message()));
    if (!*more) break;
    ++records;
    const uint64_t head[3] = {row.file_index, row.byte_offset, row.record_index};
    XXH64_update(records_hash, head, sizeof(head));
    const uint64_t width = row.fields.size();
    XXH64_update(records_hash, &width, sizeof(width));
    for (std::string_view field : row.fields) {
      const uint64_t size = field.size();
      XXH64_update(records_hash, &size, sizeof(size));
      XXH64_update(records_hash, field.data(), field.size());
    }
    typer.Type(row.fields, &typed);
    for (const openaml::TypedValue& value : typed) {
      uint64_t bits = 0;
      std::memcpy(&bits, &value.number, sizeof(bits));
      const uint64_t item[2] = {static_cast<uint64_t>(value.state), bits};
      XXH64_update(records_hash, item, sizeof(item));
      const uint64_t size = value.text.size();
      XXH64_update(records_hash, &size, sizeof(size));
      XXH64_update(records_hash, value.text.data(), value.text.size());
      present += value.state == openaml::ValueState::kPresent;
      invalid += value.state == openaml::ValueState::kInvalid;
      missing += value.state == openaml::ValueState::kMissing;
    }
  }
  std::printf("records %llu bad %llu bytes %llu values present %llu missing %llu invalid %llu hash %016llx %016llx\n",
              static_cast<unsigned long long>(records), static_cast<unsigned long long>(bad),
              static_cast<unsigned long long>((*reader)->report().bytes_read),
              static_cast<unsigned long long>(present), static_cast<unsigned long long>(missing),
              static_cast<unsigned long long>(invalid),
              static_cast<unsigned long long>(XXH64_digest(records_hash)),
              static_cast<unsigned long long>(XXH64_digest(bad_hash)));
  XXH64_freeState(records_hash);
  XXH64_freeState(bad_hash);
  return 0;
}

/// Each scan kernel on FILE: the structural index over the file in memory (16 KB chunks, as the reader
/// does), then the CSV reader alone (read() and split, no typing). CPU seconds, best of REPEAT.
int Kernels(const std::string& file, int repeat) {
  namespace ci = openaml::csv_internal;
  std::ifstream in(file, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  data.append(ci::kScanPadding, '\0');
  const size_t size = data.size() - ci::kScanPadding;
  constexpr size_t kChunk = 16 * 1024;
  std::vector<uint32_t> index(kChunk + ci::kScanPadding);
  for (ci::ScanKernel kernel : ci::AvailableKernels()) {
    double best_index = 1e300, best_reader = 1e300;
    uint64_t structurals = 0, records = 0;
    for (int r = 0; r < repeat; ++r) {
      double start = Clock::now();
      structurals = 0;
      for (size_t i = 0; i < size; i += kChunk) {
        structurals += ci::IndexStructurals(kernel, data.data() + i, std::min(kChunk, size - i), ',', index.data());
      }
      best_index = std::min(best_index, Seconds(start));
      ci::ForceKernel(kernel);
      start = Clock::now();
      auto source = openaml::OpenLocalFile(file);
      if (!source.ok()) return Die(std::string(source.status().message()));
      auto reader = openaml::CsvReader::Make(std::move(*source), openaml::CsvOptions::Defaults());
      if (!reader.ok()) return Die(std::string(reader.status().message()));
      openaml::CsvRecord record;
      records = 0;
      while (true) {
        auto more = (*reader)->Next(&record);
        if (!more.ok()) return Die(std::string(more.status().message()));
        if (!*more) break;
        ++records;
      }
      best_reader = std::min(best_reader, Seconds(start));
      ci::ResetKernel();
    }
    std::printf("%-6s index %.6f s (%.0f MB/s, %llu structurals)  reader %.6f s (%.0f MB/s, %llu records)\n",
                ci::KernelName(kernel), best_index, size / best_index / 1e6,
                static_cast<unsigned long long>(structurals), best_reader, size / best_reader / 1e6,
                static_cast<unsigned long long>(records));
  }
  return 0;
}

/// RecordTyper::Type alone: FILE's records (a small file: they are kept in memory) typed REPEAT times.
int TyperOnly(const std::string& file, const std::string& schema_path, int repeat) {
  auto schema = LoadSchema(schema_path);
  if (!schema.ok()) return Die(std::string(schema.status().message()));
  auto reader = OpenReader(file, *schema);
  if (!reader.ok()) return Die(std::string(reader.status().message()));
  std::string storage;
  std::vector<std::pair<size_t, size_t>> spans;
  openaml::DataRow row;
  while (true) {
    auto more = (*reader)->Next(&row);
    if (!more.ok()) return Die(std::string(more.status().message()));
    if (!*more) break;
    for (std::string_view f : row.fields) {
      spans.emplace_back(storage.size(), f.size());
      storage.append(f);
      storage.push_back(',');
    }
  }
  const size_t width = schema->attributes.size();
  std::vector<std::string_view> fields;
  for (auto [offset, size] : spans) fields.emplace_back(storage.data() + offset, size);
  openaml::RecordTyper typer(*schema);
  openaml::TypedRecord typed;
  namespace ti = openaml::typed_record_internal;
  double sum = 0;
  for (ti::TyperKernel kernel : ti::AvailableKernels()) {
    ti::ForceKernel(kernel);
    double best = 1e300;
    for (int r = 0; r < repeat; ++r) {
      const double start = Clock::now();
      for (size_t i = 0; i + width <= fields.size(); i += width) {
        typer.Type(std::span<const std::string_view>(fields.data() + i, width), &typed);
        sum += typed[0].number;
      }
      best = std::min(best, Seconds(start));
    }
    ti::ResetKernel();
    const double records = static_cast<double>(fields.size() / width);
    std::printf("%-6s %.0f records: %.6f s per pass, %.1f ns per record\n", ti::KernelName(kernel), records, best,
                best / records * 1e9);
  }
  std::fprintf(stderr, "checksum %g\n", sum);
  return 0;
}

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "json") return Json(args[1], args[2]);
  if ((args.size() == 3 || args.size() == 4) && args[0] == "typer") {
    return TyperOnly(args[1], args[2], args.size() == 4 ? std::atoi(args[3].c_str()) : 20);
  }
  if ((args.size() == 2 || args.size() == 3) && args[0] == "kernels") {
    return Kernels(args[1], args.size() == 3 ? std::atoi(args[2].c_str()) : 3);
  }
  if ((args.size() == 3 || args.size() == 4) && args[0] == "typed") {
    return Typed(args[1], args[2], args.size() == 4 ? std::strtoull(args[3].c_str(), nullptr, 10) : 0);
  }
  if (args.size() >= 3 && (args[0] == "parse" || args[0] == "phases")) {
    return Parse(args[1], args[2], args.size() > 3 ? std::atoi(args[3].c_str()) : 3, args[0] == "phases");
  }
  if (args.size() == 5 && args[0] == "generate") {
    return Generate(args[1], std::strtoull(args[2].c_str(), nullptr, 10), static_cast<uint32_t>(std::atoi(args[3].c_str())),
                    args[4]);
  }
  std::fprintf(stderr,
               "usage: ingest_benchmark parse|phases FILE SCHEMA [REPEAT]\n"
               "       ingest_benchmark generate OUT BYTES SEED SOURCE\n"
               "       ingest_benchmark json FILE SCHEMA\n"
               "       ingest_benchmark kernels FILE [REPEAT]\n"
               "       ingest_benchmark typer FILE SCHEMA [REPEAT]\n"
               "       ingest_benchmark typed FILE SCHEMA [BUFFER_BYTES]\n");
  return 2;
}
