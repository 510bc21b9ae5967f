// Streaming RFC 4180 CSV reader (spec §4.1): header or not, quoted fields with commas, doubled quotes and
// embedded newlines, LF and CRLF, UTF-8 with or without BOM, empty lines skipped. Memory is bounded by the
// buffer size and the record size limit, never by the file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/ingest/byte_source.h"

namespace openaml {

struct CsvOptions {
  char delimiter = ',';
  /// A record longer than this is bad (spec §4.1: 100 KB per observation).
  size_t max_record_bytes = 100 * 1024;
  /// Bytes read from the source at a time.
  size_t buffer_bytes = 1 << 20;
  /// Expected field count; 0 takes it from the first record. Records with another count are bad.
  size_t expected_fields = 0;
  /// The first non-empty record is a header: it is not returned by Next() but kept in header(), and it is
  /// not checked against expected_fields (the caller compares it with its schema).
  bool has_header = false;
  static CsvOptions Defaults() { return {}; }
};

/// Why a record was rejected; `reason` reads as in Amazon ML's log, e.g.
/// "InvalidDataException: Not enough fields in record."
struct BadRecord {
  uint64_t byte_offset = 0;  // where the record starts in its file
  std::string reason;
};

/// One record. The field views are valid until the next call to Next().
struct CsvRecord {
  std::span<const std::string_view> fields;
  uint64_t byte_offset = 0;   // where the record starts in the file (after any BOM counts as offset 3)
  uint64_t record_index = 0;  // 0-based among good and bad records of this file, header excluded
};

class CsvReader {
 public:
  /// Make a reader over `source`. Construction does no I/O.
  static Result<std::unique_ptr<CsvReader>> Make(std::unique_ptr<ByteSource> source, CsvOptions options);
  virtual ~CsvReader() = default;

  /// Read the next good record into `record`: true, or false at end of input. A bad record (wrong field
  /// count, unterminated quote, over the size limit) is skipped and passed to `on_bad` if set; reading goes
  /// on after it. An error status only for I/O failures of the source.
  virtual Result<bool> Next(CsvRecord* record) = 0;

  /// Called for each bad record, in file order.
  virtual void set_bad_record_handler(std::function<void(const BadRecord&)> on_bad) = 0;

  /// The header's fields (has_header), once the first Next() has read it; empty otherwise.
  virtual const std::vector<std::string>& header() const = 0;
  /// Bytes consumed from the source so far (including any BOM, header and skipped lines).
  virtual uint64_t bytes_read() const = 0;
  /// Bad records seen so far.
  virtual uint64_t bad_records() const = 0;
  /// Make Next() return false from now on (e.g. from the bad-record handler, once too many were seen).
  virtual void Stop() = 0;
};

}  // namespace openaml
