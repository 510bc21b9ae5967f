#include "openaml/common/logging.h"

#include "spdlog/sinks/stdout_color_sinks.h"

namespace openaml {

void InitLogging(LogLevel level) {
  auto logger = spdlog::get("openaml");
  if (!logger) {
    logger = spdlog::stderr_color_mt("openaml");
    spdlog::set_default_logger(logger);
  }
  // ISO-8601 UTC time, level, message: greppable and unambiguous across machines.
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  switch (level) {
    case LogLevel::kDebug: logger->set_level(spdlog::level::debug); break;
    case LogLevel::kInfo: logger->set_level(spdlog::level::info); break;
    case LogLevel::kWarn: logger->set_level(spdlog::level::warn); break;
    case LogLevel::kError: logger->set_level(spdlog::level::err); break;
    case LogLevel::kOff: logger->set_level(spdlog::level::off); break;
  }
}

LogLevel ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  if (name == "off") return LogLevel::kOff;
  return LogLevel::kInfo;
}

}  // namespace openaml
