// Streaming RFC 4180 CSV reader (spec §4.1, §4.5).
//
// The reader keeps one buffer. A record is first delimited (its end found), then split into fields:
//   1. Fast path: one SSE2 scan, 16 bytes at a time, finds delimiters, the '\n' and any '"' at once and
//      splits a quote-free line into fields as it goes (ScanPlain).
//   2. Quoted records: a four-state scan (field start, unquoted, quoted, after a quote) finds the end,
//      stepping through quoted runs with memchr; fields are then unescaped in place in the buffer
//      ("" becomes ") — the unescaped text is never longer, so no allocation per field.
//   3. A record that runs past the buffer's end is moved to the buffer's start (compaction) and the scan
//      starts again after a refill; the buffer grows (up to the record size limit) only for long records.
//   4. A record over the limit is skipped with the same state machine, resumable across refills, without
//      keeping its bytes; an unterminated quote at the end of the file makes the record bad and reading
//      resumes at the line after the one where the record began.
#include "openaml/ingest/csv_reader.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "openaml/common/str_cat.h"

namespace openaml {
namespace {

constexpr std::string_view kNotEnoughFields = "InvalidDataException: Not enough fields in record.";
constexpr std::string_view kTooManyFields = "InvalidDataException: Too many fields in record.";
constexpr std::string_view kUnterminatedQuote = "InvalidDataException: Unterminated quoted field.";

enum class ScanState : unsigned char { kFieldStart, kUnquoted, kQuoted, kAfterQuote };

/// Advance the record scan over [p, end). Return the position of the record-ending '\n', or nullptr when
/// the record goes on past `end` (`*state` then holds where the scan stands).
const char* ScanRecord(const char* p, const char* end, char delimiter, ScanState* state) {
  ScanState s = *state;
  while (p < end) {
    switch (s) {
      case ScanState::kQuoted: {
        const char* q = static_cast<const char*>(std::memchr(p, '"', end - p));
        if (q == nullptr) {
          *state = s;
          return nullptr;
        }
        p = q + 1;
        s = ScanState::kAfterQuote;
        continue;
      }
      case ScanState::kAfterQuote:
        if (*p == '"') {
          s = ScanState::kQuoted;  // doubled quote: still inside the field
        } else if (*p == delimiter) {
          s = ScanState::kFieldStart;
        } else if (*p == '\n') {
          return p;
        } else {
          s = ScanState::kUnquoted;  // text after the closing quote: kept literally (lenient)
        }
        break;
      case ScanState::kFieldStart:
        if (*p == '"') {
          s = ScanState::kQuoted;
          break;
        }
        [[fallthrough]];
      case ScanState::kUnquoted:
        if (*p == delimiter) {
          s = ScanState::kFieldStart;
        } else if (*p == '\n') {
          return p;
        } else {
          s = ScanState::kUnquoted;
        }
        break;
    }
    ++p;
  }
  *state = s;
  return nullptr;
}

enum class PlainScan : unsigned char { kLineEnd, kQuote, kEndOfBuffer };

/// Split the record starting at `p` into `fields` while looking for its end, 16 bytes at a time (SSE2):
/// kLineEnd with `*line_end` at the '\n' (fields complete, the last one up to the '\n'); kQuote when a '"'
/// comes first (the caller takes the quoted path); kEndOfBuffer when `limit` comes first (the last field
/// runs to `limit`).
PlainScan ScanPlain(const char* p, const char* limit, char delimiter, std::vector<std::string_view>* fields,
                    const char** line_end) {
  fields->clear();
  const char* field = p;
#if defined(__SSE2__)
  const __m128i delimiters = _mm_set1_epi8(delimiter);
  const __m128i newlines = _mm_set1_epi8('\n');
  const __m128i quotes = _mm_set1_epi8('"');
  while (limit - p >= 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Delimiters in one mask, the characters that end the fast path ('\n', '"') in another: no per-bit
    // test of which character was found.
    unsigned delimiter_mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, delimiters)));
    const unsigned stop_mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, newlines), _mm_cmpeq_epi8(block, quotes))));
    if (stop_mask != 0) {
      const unsigned first = stop_mask & (0u - stop_mask);
      const char* c = p + __builtin_ctz(stop_mask);
      if (*c == '"') return PlainScan::kQuote;
      delimiter_mask &= first - 1;
      while (delimiter_mask != 0) {
        const char* d = p + __builtin_ctz(delimiter_mask);
        delimiter_mask &= delimiter_mask - 1;
        fields->emplace_back(field, d - field);
        field = d + 1;
      }
      fields->emplace_back(field, c - field);
      *line_end = c;
      return PlainScan::kLineEnd;
    }
    while (delimiter_mask != 0) {
      const char* d = p + __builtin_ctz(delimiter_mask);
      delimiter_mask &= delimiter_mask - 1;
      fields->emplace_back(field, d - field);
      field = d + 1;
    }
    p += 16;
  }
#endif
  for (; p < limit; ++p) {
    const char c = *p;
    if (c == delimiter) {
      fields->emplace_back(field, p - field);
      field = p + 1;
    } else if (c == '\n') {
      fields->emplace_back(field, p - field);
      *line_end = p;
      return PlainScan::kLineEnd;
    } else if (c == '"') {
      return PlainScan::kQuote;
    }
  }
  fields->emplace_back(field, limit - field);
  return PlainScan::kEndOfBuffer;
}

class CsvReaderImpl final : public CsvReader {
 public:
  static constexpr size_t kMinBuffer = 16;

  CsvReaderImpl(std::unique_ptr<ByteSource> source, CsvOptions options)
      : source_(std::move(source)), options_(options), expected_fields_(options.expected_fields) {
    // Room for the longest acceptable record plus its "\r\n", so that a good record always fits.
    capacity_limit_ = std::max({options_.buffer_bytes, options_.max_record_bytes + 2, kMinBuffer});
  }

  Result<bool> Next(CsvRecord* record) override {
    if (buffer_.empty()) {
      buffer_.resize(std::max(options_.buffer_bytes, kMinBuffer));
      OPENAML_RETURN_IF_ERROR(SkipBom());
    }
    while (true) {
      if (stopped_) return false;
      const char* base = buffer_.data();
      if (begin_ == end_) {
        if (eof_) return false;
        OPENAML_RETURN_IF_ERROR(Refill());
        continue;
      }
      const char* start = base + begin_;
      const char* limit = base + end_;
      // Find the end of the record: the fast scan splits a quote-free line as it goes.
      const char* record_end = nullptr;  // the '\n', or `limit` at the end of the file
      bool quoted = false;
      const char* line_end = nullptr;
      const PlainScan scan = ScanPlain(start, limit, options_.delimiter, &fields_, &line_end);
      if (scan == PlainScan::kLineEnd) {
        record_end = line_end;
      } else if (scan == PlainScan::kEndOfBuffer) {
        if (eof_) record_end = limit;
      } else {
        quoted = true;
        ScanState state = ScanState::kFieldStart;
        record_end = ScanRecord(start, limit, options_.delimiter, &state);
        if (record_end == nullptr && eof_) {
          if (state == ScanState::kQuoted) {
            ReportBad(begin_, kUnterminatedQuote);
            // Resume at the line after the one where the record began.
            const char* newline = static_cast<const char*>(std::memchr(start, '\n', limit - start));
            begin_ = newline != nullptr ? static_cast<size_t>(newline + 1 - base) : end_;
            ++record_index_;
            continue;
          }
          record_end = limit;  // last record without a final newline
        }
      }
      if (record_end == nullptr) {
        // The record goes on past the buffer.
        if (static_cast<size_t>(limit - start) > options_.max_record_bytes + 1) {
          OPENAML_RETURN_IF_ERROR(SkipOversizeRecord());
          continue;
        }
        OPENAML_RETURN_IF_ERROR(Refill());
        continue;
      }

      const size_t record_begin = begin_;
      begin_ = record_end < limit ? static_cast<size_t>(record_end + 1 - base) : end_;
      size_t length = record_end - start;
      if (length > 0 && start[length - 1] == '\r') --length;  // CRLF line end
      if (length == 0) continue;                               // empty line
      if (length > options_.max_record_bytes) {
        ReportBad(record_begin, OversizeReason());
        ++record_index_;
        continue;
      }
      char* mutable_start = buffer_.data() + record_begin;
      if (quoted) {
        SplitQuoted(mutable_start, mutable_start + length);
      } else {
        // Fields were split by the scan; drop a CR of a CRLF line end from the last one.
        std::string_view& last = fields_.back();
        last = std::string_view(last.data(), mutable_start + length - last.data());
      }

      if (header_pending()) {
        header_done_ = true;
        header_.assign(fields_.begin(), fields_.end());
        if (expected_fields_ == 0) expected_fields_ = fields_.size();
        continue;
      }
      if (expected_fields_ == 0) expected_fields_ = fields_.size();
      if (fields_.size() != expected_fields_) {
        ReportBad(record_begin, fields_.size() < expected_fields_ ? kNotEnoughFields : kTooManyFields);
        ++record_index_;
        continue;
      }
      record->fields = std::span<const std::string_view>(fields_.data(), fields_.size());
      record->byte_offset = buffer_offset_ + record_begin;
      record->record_index = record_index_++;
      return true;
    }
  }

  void set_bad_record_handler(std::function<void(const BadRecord&)> on_bad) override { on_bad_ = std::move(on_bad); }
  const std::vector<std::string>& header() const override { return header_; }
  uint64_t bytes_read() const override { return buffer_offset_ + begin_; }
  uint64_t bad_records() const override { return bad_records_; }
  void Stop() override { stopped_ = true; }

 private:
  bool header_pending() const { return options_.has_header && !header_done_; }

  std::string OversizeReason() const {
    return StrCat("InvalidDataException: Record exceeds the maximum size of ", options_.max_record_bytes,
                        " bytes.");
  }

  void ReportBad(size_t record_begin, std::string_view reason) {
    ++bad_records_;
    if (on_bad_) on_bad_(BadRecord{buffer_offset_ + record_begin, std::string(reason)});
  }

  /// Move the unconsumed bytes to the buffer's start, grow if full, read more. Sets eof_ at the end.
  Status Refill() {
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      buffer_offset_ += begin_;
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buffer_.size()) {
      // Only a long record fills the whole buffer; the caller bounds its length (SkipOversizeRecord).
      buffer_.resize(std::min(capacity_limit_, buffer_.size() * 2));
    }
    if (end_ == buffer_.size()) return absl::InternalError("CsvReader: buffer full (record size bound broken)");
    OPENAML_ASSIGN_OR_RETURN(size_t n, source_->Read(buffer_.data() + end_, buffer_.size() - end_));
    if (n == 0) eof_ = true;
    end_ += n;
    return absl::OkStatus();
  }

  Status SkipBom() {
    while (end_ < 3 && !eof_) OPENAML_RETURN_IF_ERROR(Refill());
    if (end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) begin_ = 3;
    return absl::OkStatus();
  }

  /// Skip the record starting at begin_, known to be over the size limit, without keeping its bytes.
  Status SkipOversizeRecord() {
    const size_t record_begin = begin_;
    const uint64_t record_offset = buffer_offset_ + record_begin;
    ScanState state = ScanState::kFieldStart;
    while (true) {
      const char* base = buffer_.data();
      const char* end = ScanRecord(base + begin_, base + end_, options_.delimiter, &state);
      if (end != nullptr) {
        begin_ = static_cast<size_t>(end + 1 - base);
        break;
      }
      begin_ = end_;  // drop what was scanned
      if (eof_) break;
      OPENAML_RETURN_IF_ERROR(Refill());
      if (eof_ && begin_ == end_) break;
    }
    ++bad_records_;
    if (on_bad_) on_bad_(BadRecord{record_offset, OversizeReason()});
    ++record_index_;
    return absl::OkStatus();
  }

  /// Split a record known to be complete, unescaping quoted fields in place.
  void SplitQuoted(char* p, char* end) {
    fields_.clear();
    const char delimiter = options_.delimiter;
    while (true) {
      if (p < end && *p == '"') {
        // Quoted field: copy down over doubled quotes; text after the closing quote is kept as is.
        char* out = p;
        char* field = p;
        ++p;
        while (p < end) {
          char* q = static_cast<char*>(std::memchr(p, '"', end - p));
          if (q == nullptr) q = end;  // cannot happen: the scan found the closing quote
          const size_t run = q - p;
          if (out != p) std::memmove(out, p, run);
          out += run;
          p = q;
          if (p < end && p + 1 < end && p[1] == '"') {
            *out++ = '"';
            p += 2;
            continue;
          }
          if (p < end) ++p;  // closing quote
          break;
        }
        while (p < end && *p != delimiter) *out++ = *p++;
        fields_.emplace_back(field, out - field);
      } else {
        char* d = static_cast<char*>(std::memchr(p, delimiter, end - p));
        if (d == nullptr) d = end;
        fields_.emplace_back(p, d - p);
        p = d;
      }
      if (p >= end) return;
      ++p;  // the delimiter
      if (p == end) {
        fields_.emplace_back();  // trailing delimiter: one more empty field
        return;
      }
    }
  }

  std::unique_ptr<ByteSource> source_;
  CsvOptions options_;
  size_t capacity_limit_ = 0;
  std::vector<char> buffer_;
  size_t begin_ = 0;            // first unconsumed byte
  size_t end_ = 0;              // end of valid bytes
  uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
  bool eof_ = false;
  bool stopped_ = false;
  bool header_done_ = false;
  size_t expected_fields_ = 0;
  uint64_t record_index_ = 0;
  uint64_t bad_records_ = 0;
  std::vector<std::string_view> fields_;
  std::vector<std::string> header_;
  std::function<void(const BadRecord&)> on_bad_;
};

}  // namespace

Result<std::unique_ptr<CsvReader>> CsvReader::Make(std::unique_ptr<ByteSource> source, CsvOptions options) {
  if (source == nullptr) return absl::InvalidArgumentError("CsvReader: no byte source");
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r') {
    return absl::InvalidArgumentError("CsvReader: the delimiter cannot be a quote or a line end");
  }
  if (options.max_record_bytes == 0) return absl::InvalidArgumentError("CsvReader: max_record_bytes must be positive");
  return std::unique_ptr<CsvReader>(std::make_unique<CsvReaderImpl>(std::move(source), options));
}

}  // namespace openaml
