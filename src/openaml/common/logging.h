// Logging: one spdlog logger for the process, structured as "key=value" fields in messages.
//
// Never log secrets (secret keys, signatures, database passwords): log access key ids at most.
#pragma once

#include <string_view>

#include "spdlog/spdlog.h"

namespace openaml {

enum class LogLevel { kDebug, kInfo, kWarn, kError, kOff };

/// Configure the process logger to write to stderr at `level`. Safe to call more than once.
void InitLogging(LogLevel level);

/// Parse "debug" | "info" | "warn" | "error" | "off"; unknown names give kInfo.
LogLevel ParseLogLevel(std::string_view name);

}  // namespace openaml
