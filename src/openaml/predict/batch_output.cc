#include "openaml/predict/batch_output.h"

#include <zlib.h>

#include "openaml/common/str_cat.h"
#include "openaml/predict/number_format.h"

namespace openaml::predict {
namespace {
constexpr size_t kFlushBytes = 1 << 18;
}

std::string BatchOutputFormat::Header() const {
  std::string h;
  if (has_tag) h += "tag,";
  if (has_true_label) h += "trueLabel,";
  switch (type) {
    case learn::ModelType::kBinary: h += "bestAnswer,score"; break;
    case learn::ModelType::kRegression: h += "score"; break;
    case learn::ModelType::kMulticlass:
      for (size_t c = 0; c < classes.size(); ++c) h += (c ? "," : "") + classes[c];
      break;
  }
  h += "\n";
  return h;
}

void BatchOutputFormat::AppendRow(std::string_view tag, std::string_view true_label, const double* scores,
                                  double threshold, std::string* out) const {
  if (has_tag) {
    out->append(tag);
    out->push_back(',');
  }
  if (has_true_label) {
    out->append(true_label);
    out->push_back(',');
  }
  switch (type) {
    case learn::ModelType::kBinary:
      out->push_back(scores[0] >= threshold ? '1' : '0');
      out->push_back(',');
      AppendScore(static_cast<float>(scores[0]), out);
      break;
    case learn::ModelType::kRegression:
      AppendScore(static_cast<float>(scores[0]), out);
      break;
    case learn::ModelType::kMulticlass:
      for (size_t c = 0; c < classes.size(); ++c) {
        if (c) out->push_back(',');
        AppendScore(static_cast<float>(scores[c]), out);
      }
      break;
  }
  out->push_back('\n');
}

struct BatchOutputWriter::Deflater {
  z_stream stream{};
  bool initialised = false;
  ~Deflater() {
    if (initialised) deflateEnd(&stream);
  }
};

Result<std::unique_ptr<BatchOutputWriter>> BatchOutputWriter::Make(std::unique_ptr<ByteSink> sink, bool gzip) {
  std::unique_ptr<BatchOutputWriter> w(new BatchOutputWriter());
  w->sink_ = std::move(sink);
  w->gzip_ = gzip;
  if (gzip) {
    w->deflater_ = std::make_unique<Deflater>();
    // windowBits 15 + 16: a gzip wrapper, as Amazon ML's .gz results.
    if (deflateInit2(&w->deflater_->stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      return absl::InternalError("cannot initialise gzip compression");
    w->deflater_->initialised = true;
  }
  w->buffer_.reserve(kFlushBytes + 4096);
  return w;
}

BatchOutputWriter::~BatchOutputWriter() = default;

Status BatchOutputWriter::Write(std::string_view text) {
  buffer_.append(text);
  bytes_in_ += text.size();
  if (buffer_.size() >= kFlushBytes) return Flush(false);
  return absl::OkStatus();
}

Status BatchOutputWriter::Flush(bool finish) {
  if (!gzip_) {
    if (!buffer_.empty()) OPENAML_RETURN_IF_ERROR(sink_->Write(buffer_));
    buffer_.clear();
    return absl::OkStatus();
  }
  z_stream& s = deflater_->stream;
  s.next_in = reinterpret_cast<Bytef*>(buffer_.data());
  s.avail_in = static_cast<uInt>(buffer_.size());
  compressed_.resize(1 << 16);
  int rc;
  do {
    s.next_out = reinterpret_cast<Bytef*>(compressed_.data());
    s.avail_out = static_cast<uInt>(compressed_.size());
    rc = deflate(&s, finish ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_ERROR) return absl::InternalError("gzip compression failed");
    size_t produced = compressed_.size() - s.avail_out;
    if (produced) OPENAML_RETURN_IF_ERROR(sink_->Write(std::string_view(compressed_.data(), produced)));
  } while (s.avail_out == 0 || (finish && rc != Z_STREAM_END));
  buffer_.clear();
  return absl::OkStatus();
}

Status BatchOutputWriter::Commit() {
  OPENAML_RETURN_IF_ERROR(Flush(true));
  return sink_->Commit();
}

}  // namespace openaml::predict
