// Helpers shared by the databases tests.
#pragma once

#include <string>
#include <string_view>

#include "openaml/ingest/byte_source.h"

namespace openaml::databases::testing_internal {

/// A sink keeping what it was given in memory; `committed` tells whether Commit() ran.
class MemorySink : public ByteSink {
 public:
  Status Write(std::string_view data) override {
    data_.append(data);
    return absl::OkStatus();
  }
  Status Commit() override {
    committed_ = true;
    return absl::OkStatus();
  }
  const std::string& data() const { return data_; }
  bool committed() const { return committed_; }

 private:
  std::string data_;
  bool committed_ = false;
};

}  // namespace openaml::databases::testing_internal
