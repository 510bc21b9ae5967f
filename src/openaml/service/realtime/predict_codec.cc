#include "openaml/service/realtime/predict_codec.h"

#include <charconv>
#include <cmath>
#include <cstdint>

#include "openaml/service/api_error.h"

namespace openaml::service::realtime {
namespace {

constexpr int kMaxDepth = 32;

Status Malformed(std::string_view what) {
  return MakeApiError(ApiErrorType::kSerialization, std::string("Request body is not valid JSON: ") + std::string(what));
}

class Parser {
 public:
  explicit Parser(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }
  bool AtEnd() const { return p_ >= end_; }
  char Peek() const { return p_ < end_ ? *p_ : '\0'; }
  bool Consume(char c) {
    SkipSpace();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  // A string literal (at the opening quote) decoded into `out` (cleared first).
  Status String(std::string* out) {
    out->clear();
    if (p_ >= end_ || *p_ != '"') return Malformed("expected a string");
    ++p_;
    while (true) {
      // Copy the run of plain bytes at once.
      const char* run = p_;
      while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) ++p_;
      out->append(run, p_);
      if (p_ >= end_) return Malformed("unterminated string");
      char c = *p_++;
      if (c == '"') return Status();
      if (c != '\\') return Malformed("control character in a string");
      if (p_ >= end_) return Malformed("unterminated escape");
      char e = *p_++;
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          if (!Hex4(&cp)) return Malformed("bad \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return Malformed("lone surrogate");
            p_ += 2;
            if (!Hex4(&low) || low < 0xDC00 || low > 0xDFFF) return Malformed("lone surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Malformed("lone surrogate");
          }
          AppendUtf8(cp, out);
          break;
        }
        default: return Malformed("bad escape");
      }
    }
  }

  // Skip any JSON value.
  Status SkipValue(int depth) {
    if (depth > kMaxDepth) return MakeApiError(ApiErrorType::kSerialization, "Request body is nested too deeply");
    SkipSpace();
    if (p_ >= end_) return Malformed("truncated");
    char c = *p_;
    if (c == '"') return String(&scratch_);
    if (c == '{' || c == '[') {
      const char close = c == '{' ? '}' : ']';
      ++p_;
      if (Consume(close)) return Status();
      while (true) {
        if (c == '{') {
          SkipSpace();
          OPENAML_RETURN_IF_ERROR(String(&scratch_));
          if (!Consume(':')) return Malformed("expected ':'");
        }
        OPENAML_RETURN_IF_ERROR(SkipValue(depth + 1));
        if (Consume(',')) continue;
        if (Consume(close)) return Status();
        return Malformed("expected ',' or a closing bracket");
      }
    }
    if (Literal("true") || Literal("false") || Literal("null")) return Status();
    return Number();
  }

  bool Literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) >= word.size() && std::string_view(p_, word.size()) == word) {
      p_ += word.size();
      return true;
    }
    return false;
  }

  Status Number() {
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    if (p_ >= end_ || !IsDigit(*p_)) return Malformed("unexpected character");
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ >= end_ || !IsDigit(*p_)) return Malformed("bad number");
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ >= end_ || !IsDigit(*p_)) return Malformed("bad number");
      while (p_ < end_ && IsDigit(*p_)) ++p_;
    }
    return p_ > start ? Status() : Malformed("bad number");
  }

 private:
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }
  bool Hex4(uint32_t* value) {
    if (end_ - p_ < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return false;
    }
    *value = v;
    return true;
  }
  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  const char* p_;
  const char* end_;
  std::string scratch_;
};

Status WrongType(std::string_view member, std::string_view expected) {
  return absl::InvalidArgumentError(std::string(member) + " must be " + std::string(expected));
}

// Parse the Record object (at its '{').
Status ParseRecord(Parser& parser, PredictRequest* out) {
  out->record_size = 0;
  out->record_bytes = 0;
  out->has_record = true;
  if (!parser.Consume('{')) return WrongType("Record", "an object of attribute name to string value");
  if (parser.Consume('}')) return Status();
  while (true) {
    if (out->record_size == out->record.size()) out->record.emplace_back();
    auto& [name, value] = out->record[out->record_size];
    parser.SkipSpace();
    OPENAML_RETURN_IF_ERROR(parser.String(&name));
    if (!parser.Consume(':')) return Malformed("expected ':'");
    parser.SkipSpace();
    if (parser.Peek() == '"') {
      OPENAML_RETURN_IF_ERROR(parser.String(&value));
      out->record_bytes += name.size() + value.size();
      if (out->record_bytes > kMaxRecordBytes) {
        return absl::InvalidArgumentError("Record is larger than the 100 KB limit for one observation");
      }
      ++out->record_size;
    } else if (parser.Literal("null")) {
      // A null value: the attribute is absent.
    } else {
      OPENAML_RETURN_IF_ERROR(parser.SkipValue(2));  // a malformed body stays a SerializationException
      return absl::InvalidArgumentError("Record values must be strings (attribute '" + name.substr(0, 256) + "')");
    }
    if (parser.Consume(',')) continue;
    if (parser.Consume('}')) return Status();
    return Malformed("expected ',' or '}'");
  }
}

}  // namespace

Status ParsePredictRequest(std::string_view body, PredictRequest* out) {
  out->has_model_id = out->has_predict_endpoint = out->has_record = false;
  out->model_id.clear();
  out->predict_endpoint.clear();
  out->record_size = 0;
  out->record_bytes = 0;
  Parser parser(body);
  if (!parser.Consume('{')) {
    parser.SkipSpace();
    return parser.AtEnd() ? Malformed("empty body") : MakeApiError(ApiErrorType::kSerialization,
                                                                    "Request body must be a JSON object");
  }
  std::string key;
  if (!parser.Consume('}')) {
    while (true) {
      parser.SkipSpace();
      OPENAML_RETURN_IF_ERROR(parser.String(&key));
      if (!parser.Consume(':')) return Malformed("expected ':'");
      parser.SkipSpace();
      if (parser.Literal("null")) {
        // JSON null: treated as absent (as Request does for every operation).
      } else if (key == "MLModelId" || key == "PredictEndpoint") {
        const bool is_id = key == "MLModelId";
        if (parser.Peek() != '"') {
          OPENAML_RETURN_IF_ERROR(parser.SkipValue(1));
          return WrongType(key, "a string");
        }
        OPENAML_RETURN_IF_ERROR(parser.String(is_id ? &out->model_id : &out->predict_endpoint));
        (is_id ? out->has_model_id : out->has_predict_endpoint) = true;
      } else if (key == "Record") {
        if (parser.Peek() != '{') {
          OPENAML_RETURN_IF_ERROR(parser.SkipValue(1));
          return WrongType("Record", "an object of attribute name to string value");
        }
        OPENAML_RETURN_IF_ERROR(ParseRecord(parser, out));
      } else {
        OPENAML_RETURN_IF_ERROR(parser.SkipValue(1));
      }
      if (parser.Consume(',')) continue;
      if (parser.Consume('}')) break;
      return Malformed("expected ',' or '}'");
    }
  }
  parser.SkipSpace();
  if (!parser.AtEnd()) return Malformed("trailing characters after the object");
  return Status();
}

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendScore(float value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "Infinity" : "-Infinity");
    return;
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), static_cast<double>(value));
  (void)ec;  // 64 bytes always hold a double's shortest form
  std::string_view text(buffer, end - buffer);
  out->append(text);
  // Keep it a float in JSON terms for readers that care ("1" -> "1.0"), as nlohmann and botocore print it.
  if (text.find_first_of(".eE") == std::string_view::npos) out->append(".0");
}

}  // namespace openaml::service::realtime
