// Streaming RFC 4180 CSV reader (spec §4.1, §4.5).
//
// The reader keeps one buffer. Records are found in two stages:
//   1. Structural index: a SIMD kernel lists the offsets of every delimiter, '\n' and '"' of the next chunk
//      (16 KB) of the buffer, 64 bytes per step (IndexStructurals: AVX2 when the CPU has it, chosen once at
//      run time; SSE2, the baseline x86-64 target, otherwise). The chunk and its index stay in L1 cache.
//   2. Fast path: a record is split by walking the index: each delimiter ends a field, the '\n' ends the
//      record; no byte of the record is looked at again here.
// A record with a '"' leaves the fast path:
//   3. Quoted records: a four-state scan (field start, unquoted, quoted, after a quote) finds the end,
//      stepping through quoted runs with memchr; fields are then unescaped in place in the buffer
//      ("" becomes ") — the unescaped text is never longer, so no allocation per field. The index entries
//      inside the record are then skipped.
//   4. A record that runs past the buffer's end is moved to the buffer's start (compaction) and the scan
//      starts again after a refill; the buffer grows (up to the record size limit) only for long records.
//   5. A record over the limit is skipped with the same state machine, resumable across refills, without
//      keeping its bytes; an unterminated quote at the end of the file makes the record bad and reading
//      resumes at the line after the one where the record began.
#include "openaml/ingest/csv_reader.h"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define OPENAML_CSV_X86 1
#else
#define OPENAML_CSV_X86 0
#endif

#include "openaml/common/cpu_dispatch.h"
#include "openaml/common/str_cat.h"
#include "openaml/ingest/csv_reader_internal.h"

namespace openaml {
namespace csv_internal {
namespace {

size_t IndexScalar(const char* p, size_t n, char delimiter, uint32_t* out) {
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = p[i];
    out[count] = static_cast<uint32_t>(i);
    count += static_cast<size_t>((c == delimiter) | (c == '\n') | (c == '"'));
  }
  return count;
}

#if defined(__SSE2__)
size_t IndexSse2(const char* p, size_t n, char delimiter, uint32_t* out) {
  const __m128i delimiters = _mm_set1_epi8(delimiter);
  const __m128i newlines = _mm_set1_epi8('\n');
  const __m128i quotes = _mm_set1_epi8('"');
  uint32_t* o = out;
  for (size_t i = 0; i < n; i += 64) {
    uint64_t mask = 0;
    for (int k = 0; k < 4; ++k) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + 16 * k));
      const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, delimiters), _mm_cmpeq_epi8(b, newlines)),
                                       _mm_cmpeq_epi8(b, quotes));
      mask |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(hit))) << (16 * k);
    }
    if (n - i < 64) mask &= (uint64_t{1} << (n - i)) - 1;  // the bytes past the end are not input
    while (mask != 0) {
      *o++ = static_cast<uint32_t>(i + __builtin_ctzll(mask));
      mask &= mask - 1;
    }
  }
  return static_cast<size_t>(o - out);
}
#endif

#if OPENAML_CSV_X86 && defined(__GNUC__)
#define OPENAML_CSV_AVX2 1
#define OPENAML_AVX2_TARGET __attribute__((target("avx2,bmi,popcnt")))

OPENAML_AVX2_TARGET inline __m256i Structurals(__m256i block, __m256i delimiters, __m256i newlines, __m256i quotes) {
  return _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(block, delimiters), _mm256_cmpeq_epi8(block, newlines)),
                         _mm256_cmpeq_epi8(block, quotes));
}

OPENAML_AVX2_TARGET size_t IndexAvx2(const char* p, size_t n, char delimiter, uint32_t* out) {
  const __m256i delimiters = _mm256_set1_epi8(delimiter);
  const __m256i newlines = _mm256_set1_epi8('\n');
  const __m256i quotes = _mm256_set1_epi8('"');
  uint32_t* o = out;
  for (size_t i = 0; i < n; i += 64) {
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
    uint64_t mask = static_cast<uint32_t>(_mm256_movemask_epi8(Structurals(lo, delimiters, newlines, quotes))) |
                    static_cast<uint64_t>(static_cast<uint32_t>(
                        _mm256_movemask_epi8(Structurals(hi, delimiters, newlines, quotes))))
                        << 32;
    if (n - i < 64) mask &= (uint64_t{1} << (n - i)) - 1;
    const uint32_t base = static_cast<uint32_t>(i);
    const size_t count = static_cast<size_t>(_mm_popcnt_u64(mask));
    // Eight positions at a time whatever the count (tzcnt of 0 is 64; the extra entries are overwritten by
    // the next block or lie past the end): no unpredictable branch per bit.
    for (int k = 0; k < 8; ++k) {
      o[k] = base + static_cast<uint32_t>(_tzcnt_u64(mask));
      mask = _blsr_u64(mask);
    }
    if (count > 8) {
      for (int k = 8; k < 16; ++k) {
        o[k] = base + static_cast<uint32_t>(_tzcnt_u64(mask));
        mask = _blsr_u64(mask);
      }
      for (uint32_t* q = o + 16; mask != 0; ++q) {
        *q = base + static_cast<uint32_t>(_tzcnt_u64(mask));
        mask = _blsr_u64(mask);
      }
    }
    o += count;
  }
  return static_cast<size_t>(o - out);
}

#else
#define OPENAML_CSV_AVX2 0
#endif

bool Runs(ScanKernel kernel) {
  switch (kernel) {
    case ScanKernel::kScalar:
      return true;
    case ScanKernel::kSse2:
#if defined(__SSE2__)
      return true;
#else
      return false;
#endif
    case ScanKernel::kAvx2:
#if OPENAML_CSV_AVX2
      return CpuHasAvx2();
#else
      return false;
#endif
  }
  return false;
}

KernelChoice<ScanKernel>& Choice() {
  static KernelChoice<ScanKernel> choice({ScanKernel::kScalar, ScanKernel::kSse2, ScanKernel::kAvx2}, Runs);
  return choice;
}

}  // namespace

const char* KernelName(ScanKernel kernel) {
  switch (kernel) {
    case ScanKernel::kScalar:
      return "scalar";
    case ScanKernel::kSse2:
      return "sse2";
    case ScanKernel::kAvx2:
      return "avx2";
  }
  return "?";
}

std::vector<ScanKernel> AvailableKernels() { return Choice().Available(); }
ScanKernel ActiveKernel() { return Choice().Active(); }
bool ForceKernel(ScanKernel kernel) { return Choice().Force(kernel); }
void ResetKernel() { Choice().Reset(); }

size_t IndexStructurals(ScanKernel kernel, const char* p, size_t n, char delimiter, uint32_t* out) {
  switch (kernel) {
#if OPENAML_CSV_AVX2
    case ScanKernel::kAvx2:
      return IndexAvx2(p, n, delimiter, out);
#endif
#if defined(__SSE2__)
    case ScanKernel::kSse2:
      return IndexSse2(p, n, delimiter, out);
#endif
    default:
      return IndexScalar(p, n, delimiter, out);
  }
}

}  // namespace csv_internal

namespace {

using csv_internal::kScanPadding;
using csv_internal::ScanKernel;

constexpr std::string_view kNotEnoughFields = "InvalidDataException: Not enough fields in record.";
constexpr std::string_view kTooManyFields = "InvalidDataException: Too many fields in record.";
constexpr std::string_view kUnterminatedQuote = "InvalidDataException: Unterminated quoted field.";

/// Bytes indexed at a time: the chunk and its index (at most 4 bytes per byte) stay in L1/L2 cache while
/// the records in it are split and typed.
constexpr size_t kIndexChunk = 16 * 1024;

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

/// How the fast path left a record.
enum class Split : unsigned char {
  kLineEnd,      // fields complete up to the record's '\n'
  kQuote,        // a '"' comes first: the quoted path takes the record
  kEndOfBuffer,  // neither before the end of the buffered bytes: fields complete up to there
};

class CsvReaderImpl final : public CsvReader {
 public:
  static constexpr size_t kMinBuffer = 16;

  CsvReaderImpl(std::unique_ptr<ByteSource> source, CsvOptions options)
      : source_(std::move(source)),
        options_(options),
        kernel_(csv_internal::ActiveKernel()),
        expected_fields_(options.expected_fields) {
    // Room for the longest acceptable record plus its "\r\n", so that a good record always fits.
    capacity_limit_ = std::max({options_.buffer_bytes, options_.max_record_bytes + 2, kMinBuffer});
  }

  Result<bool> Next(CsvRecord* record) override {
    if (buffer_.empty()) {
      capacity_ = std::max(options_.buffer_bytes, kMinBuffer);
      buffer_.resize(capacity_ + kScanPadding);
      index_.resize(kIndexChunk + kScanPadding);
      fields_.resize(std::max<size_t>(16, expected_fields_ + 1));
      OPENAML_RETURN_IF_ERROR(SkipBom());
    }
    while (true) {
      if (stopped_) return false;
      if (begin_ == end_) {
        if (eof_) return false;
        OPENAML_RETURN_IF_ERROR(Refill());
        continue;
      }
      const char* base = buffer_.data();
      const char* start = base + begin_;
      const char* limit = base + end_;
      // Find the end of the record: the fast path splits a quote-free record as it goes.
      const char* record_end = nullptr;  // the '\n', or `limit` at the end of the file
      bool quoted = false;
      const char* line_end = nullptr;
      const Split split = SplitIndexed(&line_end);
      if (split == Split::kLineEnd) {
        record_end = line_end;
      } else if (split == Split::kEndOfBuffer) {
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
            SkipIndexBefore(begin_);
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
      if (quoted) SkipIndexBefore(begin_);
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
        // Fields were split by the index; drop a CR of a CRLF line end from the last one.
        std::string_view& last = fields_[field_count_ - 1];
        last = std::string_view(last.data(), mutable_start + length - last.data());
      }

      if (header_pending()) {
        header_done_ = true;
        header_.assign(fields_.begin(), fields_.begin() + field_count_);
        if (expected_fields_ == 0) expected_fields_ = field_count_;
        continue;
      }
      if (expected_fields_ == 0) expected_fields_ = field_count_;
      if (field_count_ != expected_fields_) {
        ReportBad(record_begin, field_count_ < expected_fields_ ? kNotEnoughFields : kTooManyFields);
        ++record_index_;
        continue;
      }
      record->fields = std::span<const std::string_view>(fields_.data(), field_count_);
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

  /// Split the record at begin_ into fields_ (field_count_ of them) by walking the structural index from
  /// the record's start (the index's next entry is the first structural at or after begin_). kQuote leaves
  /// the quote's entry unconsumed.
  Split SplitIndexed(const char** line_end) {
    const char* base = buffer_.data();
    const char delimiter = options_.delimiter;
    std::string_view* fields = fields_.data();
    size_t capacity = fields_.size();
    size_t count = 0;
    size_t field = begin_;
    // Locals, not members, in the loop: the stores to `fields` could alias them.
    const uint32_t* index = index_.data();
    size_t next = index_next_;
    size_t index_count = index_count_;
    size_t index_base = index_base_;
    Split result;
    // The usual record: the expected number of fields, all in the index, quote-free. Its last structural
    // is then its '\n' and all the others delimiters, checked at once after the fields are written
    // (no branch per field); otherwise the loop below splits it again.
    const size_t expected = expected_fields_;
    if (expected != 0 && expected <= capacity && index_count - next >= expected) {
      const size_t end = index_base + index[next + expected - 1];
      if (base[end] == '\n') {
        unsigned other = 0;
        size_t start = field;
        for (size_t k = 0; k + 1 < expected; ++k) {
          const size_t pos = index_base + index[next + k];
          other |= static_cast<unsigned char>(base[pos] ^ delimiter);
          fields[k] = std::string_view(base + start, pos - start);
          start = pos + 1;
        }
        if (other == 0) {
          fields[expected - 1] = std::string_view(base + start, end - start);
          index_next_ = next + expected;
          field_count_ = expected;
          *line_end = base + end;
          return Split::kLineEnd;
        }
      }
    }
    while (true) {
      if (next == index_count) {
        if (scanned_ == end_) {
          // No '\n' or '"' in the buffered bytes: the last field runs to their end.
          if (count == capacity) fields = GrowFields(&capacity);
          fields[count++] = std::string_view(base + field, end_ - field);
          result = Split::kEndOfBuffer;
          break;
        }
        IndexNextChunk();
        next = 0;
        index_count = index_count_;
        index_base = index_base_;
        continue;  // the chunk may hold no structural character
      }
      const size_t pos = index_base + index[next];
      const char c = base[pos];
      if (c == '"') {
        count = 0;
        result = Split::kQuote;
        break;
      }
      ++next;
      if (count == capacity) fields = GrowFields(&capacity);
      fields[count++] = std::string_view(base + field, pos - field);
      field = pos + 1;
      if (c != delimiter) {  // '\n'
        *line_end = base + pos;
        result = Split::kLineEnd;
        break;
      }
    }
    index_next_ = next;
    field_count_ = count;
    return result;
  }

  std::string_view* GrowFields(size_t* capacity) {
    fields_.resize(fields_.size() * 2);
    *capacity = fields_.size();
    return fields_.data();
  }

  /// Index the structural characters of the next chunk of buffered bytes.
  void IndexNextChunk() {
    const size_t n = std::min(kIndexChunk, end_ - scanned_);
    index_count_ = csv_internal::IndexStructurals(kernel_, buffer_.data() + scanned_, n, options_.delimiter,
                                                  index_.data());
    index_next_ = 0;
    index_base_ = scanned_;
    scanned_ += n;
  }

  /// Start the index again at begin_ (after the buffer's bytes moved).
  void ResetIndex() {
    index_next_ = index_count_ = 0;
    scanned_ = begin_;
  }

  /// Drop the index entries before `position` (a record taken by the quoted path ends there).
  void SkipIndexBefore(size_t position) {
    if (scanned_ <= position) {
      index_next_ = index_count_ = 0;
      scanned_ = position;
      return;
    }
    while (index_next_ < index_count_ && index_base_ + index_[index_next_] < position) ++index_next_;
  }

  /// Move the unconsumed bytes to the buffer's start, grow if full, read more. Sets eof_ at the end.
  Status Refill() {
    if (begin_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
      buffer_offset_ += begin_;
      end_ -= begin_;
      begin_ = 0;
    }
    ResetIndex();
    if (end_ == capacity_) {
      // Only a long record fills the whole buffer; the caller bounds its length (SkipOversizeRecord).
      capacity_ = std::min(capacity_limit_, capacity_ * 2);
      buffer_.resize(capacity_ + kScanPadding);
    }
    if (end_ == capacity_) return absl::InternalError("CsvReader: buffer full (record size bound broken)");
    OPENAML_ASSIGN_OR_RETURN(size_t n, source_->Read(buffer_.data() + end_, capacity_ - end_));
    if (n == 0) eof_ = true;
    end_ += n;
    return absl::OkStatus();
  }

  Status SkipBom() {
    while (end_ < 3 && !eof_) OPENAML_RETURN_IF_ERROR(Refill());
    if (end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) begin_ = 3;
    ResetIndex();
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
    ResetIndex();
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
      if (p >= end) break;
      ++p;  // the delimiter
      if (p == end) {
        fields_.emplace_back();  // trailing delimiter: one more empty field
        break;
      }
    }
    field_count_ = fields_.size();
    // The fast path writes through fields_.size() as its capacity: keep it from shrinking for good.
    if (fields_.size() < 16) fields_.resize(16);
  }

  std::unique_ptr<ByteSource> source_;
  CsvOptions options_;
  ScanKernel kernel_;
  size_t capacity_limit_ = 0;
  size_t capacity_ = 0;         // usable bytes of buffer_ (kScanPadding more follow, for the scan kernels)
  std::vector<char> buffer_;
  size_t begin_ = 0;            // first unconsumed byte
  size_t end_ = 0;              // end of valid bytes
  uint64_t buffer_offset_ = 0;  // file offset of buffer_[0]
  // The structural index: index_[index_next_, index_count_) are the offsets from index_base_ of the
  // delimiters, '\n' and '"' in [the fast path's position, scanned_).
  std::vector<uint32_t> index_;
  size_t index_base_ = 0;
  size_t index_next_ = 0;
  size_t index_count_ = 0;
  size_t scanned_ = 0;
  bool eof_ = false;
  bool stopped_ = false;
  bool header_done_ = false;
  size_t expected_fields_ = 0;
  uint64_t record_index_ = 0;
  uint64_t bad_records_ = 0;
  std::vector<std::string_view> fields_;  // the record's fields: the first field_count_ of them
  size_t field_count_ = 0;
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
