#include "openaml/service/job_log.h"

#include <fmt/format.h>

#include <ctime>

#include "openaml/service/entity.h"

namespace openaml::service {
namespace {

std::tm UtcTime(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

}  // namespace

JobLog::JobLog(storage::EntityKind kind, std::string entity_id, std::string account_id, int64_t started_at_ms)
    : kind_(kind), entity_id_(std::move(entity_id)), account_id_(std::move(account_id)),
      started_at_ms_(started_at_ms) {}

std::string JobLog::FormatTime(int64_t ms) {
  std::tm tm = UtcTime(ms);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%y/%m/%d %H:%M:%S", &tm);
  return buffer;
}

std::string JobLog::EntityLabel() const {
  return fmt::format("{} {}-{}", KindJobName(kind_), KindPrefix(kind_), entity_id_);
}

void JobLog::Add(int64_t at_ms, std::string_view level, std::string_view text) {
  std::string line = fmt::format("{} {}: {}", FormatTime(at_ms), level, text);
  // One entry is one line: a message with newlines would break the layout.
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::lock_guard lock(mu_);
  lines_.push_back(std::move(line));
}

std::string JobLog::Render() const {
  std::tm tm = UtcTime(started_at_ms_);
  char date[64];
  std::strftime(date, sizeof date, "%a %b %d %H:%M:%S UTC %Y", &tm);
  std::string user = fmt::format("{}-{}-{}", account_id_, KindPrefix(kind_), entity_id_);
  std::string boundary =
      fmt::format("----=_Part_{}_{}.{}", entity_id_.size() * 97 + 1000, static_cast<uint32_t>(std::hash<std::string>{}(entity_id_)) % 2000000000u,
                  started_at_ms_);
  std::string out = fmt::format(
      "Message-ID: <{}_{}/userlog/{}>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; \n\tboundary=\"{}\"\n\n"
      "--{}\nAmazon Machine Learning\n\n\n--{}\n",
      date, user, user, boundary, boundary, boundary);
  {
    std::lock_guard lock(mu_);
    for (const std::string& line : lines_) {
      out += line;
      out += '\n';
    }
  }
  out += fmt::format("\n\n--{}--\n", boundary);
  return out;
}

}  // namespace openaml::service
