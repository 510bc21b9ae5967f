// The Predict wire format (spec §12.2, §12.3) without a JSON DOM: a strict single-pass parser of the request
// body into reusable buffers, and a writer of the response. This is the real-time hot path: after warm-up it
// allocates nothing per request.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "openaml/common/status.h"

namespace openaml::service::realtime {

/// Record size limit (spec §13: one observation at most 100 KB), counted as the decoded bytes of its names and
/// values.
inline constexpr size_t kMaxRecordBytes = 100 * 1024;

/// A parsed Predict request. Reuse one per thread: Parse() keeps the buffers' capacity.
struct PredictRequest {
  std::string model_id;
  std::string predict_endpoint;
  bool has_model_id = false;
  bool has_predict_endpoint = false;
  bool has_record = false;
  /// Record entries in body order; only the first `record_size` are valid (the rest is spare capacity).
  std::vector<std::pair<std::string, std::string>> record;
  size_t record_size = 0;
  size_t record_bytes = 0;
};

/// Parse a Predict body: a JSON object with MLModelId (string), Record (object of string -> string) and
/// PredictEndpoint (string); other members are skipped, JSON nulls count as absent, a repeated member keeps its
/// last value. Errors: SerializationException for text that is not one JSON object (malformed, truncated,
/// nested deeper than 32, trailing bytes, invalid UTF-8 escapes); InvalidInputException for a member of the
/// wrong type or a Record over kMaxRecordBytes. Presence and patterns are checked by the caller.
Status ParsePredictRequest(std::string_view body, PredictRequest* out);

/// Append `text` as a JSON string literal (quoted; ", \ and control characters escaped).
void AppendJsonString(std::string_view text, std::string* out);
/// Append a float score as Amazon ML printed it: the single-precision value widened to double, shortest
/// round-trip form (0.47380468249320984). Non-finite values are written as NaN/Infinity/-Infinity (accepted by
/// Python's json module, which botocore uses).
void AppendScore(float value, std::string* out);

}  // namespace openaml::service::realtime
