// Test helpers for the service: a temporary data dir with a real LocalObjectStore and an MlApi, and a call helper.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "openaml/service/ml_api.h"
#include "openaml/storage/objects/local_object_store.h"

namespace openaml::service {

struct CallResult {
  int status = 0;
  nlohmann::json body;
  std::string error_type() const { return body.value("__type", ""); }
  std::string message() const { return body.value("message", ""); }
};

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("openaml-service-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    storage::LocalObjectStoreOptions object_options;
    object_options.sync = false;
    auto objects = storage::LocalObjectStore::Make((dir_ / "objects").string(), object_options);
    ASSERT_TRUE(objects.ok()) << objects.status();
    objects_ = std::move(objects).value();
    ASSERT_TRUE(objects_->CreateBucket("bucket").ok());
  }
  void TearDown() override {
    api_.reset();
    objects_.reset();
    std::filesystem::remove_all(dir_);
  }

  /// (Re)open the API on the same data dir. `run_jobs` false keeps every job PENDING.
  void OpenApi(bool run_jobs) {
    api_.reset();
    MlApiOptions options;
    options.data_dir = (dir_ / "data").string();
    options.objects = objects_.get();
    options.run_jobs = run_jobs;
    options.workers = 2;
    options.now_ms = [this] { return clock_ms_.fetch_add(1000) + 1000; };
    auto api = MlApi::Make(options);
    ASSERT_TRUE(api.ok()) << api.status();
    api_ = std::move(api).value();
  }

  CallResult CallRaw(const std::string& target, const std::string& body) {
    http::ApiRequest request{target, body, "AKIDTEST", "req-1", "localhost:8080"};
    http::ApiResponse response = api_->Handle(request);
    CallResult result;
    result.status = response.status;
    result.body = nlohmann::json::parse(response.body, nullptr, false);
    EXPECT_FALSE(result.body.is_discarded()) << response.body;
    EXPECT_EQ(response.content_type, "application/x-amz-json-1.1");
    return result;
  }
  CallResult Call(const std::string& operation, const nlohmann::json& body) {
    // `{}` in C++ builds a JSON null: send an empty object for it, as botocore does.
    return CallRaw("AmazonML_20141212." + operation, body.is_null() ? "{}" : body.dump());
  }

  void PutObject(const std::string& key, const std::string& data) {
    auto writer = objects_->PutObject("bucket", key, storage::PutOptions{});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(data).ok());
    ASSERT_TRUE((*writer)->Commit().ok());
  }

  std::string ReadObject(const std::string& bucket, const std::string& key) {
    storage::ObjectInfo info;
    auto source = objects_->GetObject(bucket, key, std::nullopt, &info);
    if (!source.ok()) return "<missing>";
    std::string out;
    char buffer[4096];
    while (true) {
      auto n = (*source)->Read(buffer, sizeof buffer);
      if (!n.ok() || *n == 0) break;
      out.append(buffer, *n);
    }
    return out;
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::LocalObjectStore> objects_;
  std::unique_ptr<MlApi> api_;
  std::atomic<int64_t> clock_ms_{1700000000000};
};

}  // namespace openaml::service
