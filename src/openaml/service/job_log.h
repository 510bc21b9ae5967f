// The log of one job, in Amazon ML's layout (spec §11.5): a MIME multipart document whose first part is the
// text "Amazon Machine Learning" and whose second part holds lines "yy/MM/dd HH:mm:ss LEVEL: text" (UTC).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "openaml/storage/metadata/metadata_store.h"

namespace openaml::service {

class JobLog {
 public:
  /// `started_at_ms` stamps the Message-ID and the MIME boundary.
  JobLog(storage::EntityKind kind, std::string entity_id, std::string account_id, int64_t started_at_ms);

  /// Append a line at `at_ms`. Thread-safe.
  void Add(int64_t at_ms, std::string_view level, std::string_view text);
  /// The whole document as it stands.
  std::string Render() const;
  /// "BATCH_PREDICTION bp-<id>": how log lines name the entity.
  std::string EntityLabel() const;

  /// "18/09/16 01:07:53" for epoch milliseconds.
  static std::string FormatTime(int64_t ms);

 private:
  storage::EntityKind kind_;
  std::string entity_id_;
  std::string account_id_;
  int64_t started_at_ms_;
  mutable std::mutex mu_;
  std::vector<std::string> lines_;  // guarded by mu_
};

}  // namespace openaml::service
