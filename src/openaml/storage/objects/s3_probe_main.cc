// openaml_s3_probe: a test tool that drives S3ClientObjectStore from the command line, so that the integration
// tests (tests/integration/test_external_s3.py) can check it against moto and an openaml server with boto3 on
// the other side. Prints one JSON document on success; exits 1 with the error on stderr otherwise.
//
//   openaml_s3_probe --endpoint URL --access-key K --secret-key S [--virtual-host] COMMAND ...
//     mb BUCKET | put BUCKET KEY FILE [--content-type T] [--meta k=v]... | get BUCKET KEY FILE [--range a-b]
//     head BUCKET KEY | delete BUCKET KEY | list BUCKET [--prefix P] [--delimiter D] [--max-keys N]
#include <cstdio>
#include <fstream>
#include <iostream>

#include "CLI/CLI.hpp"
#include "nlohmann/json.hpp"
#include "openaml/storage/objects/s3_client_store.h"

namespace {

using openaml::Status;
using openaml::storage::ObjectInfo;

nlohmann::json InfoJson(const ObjectInfo& info) {
  return {{"key", info.key},
          {"size", info.size},
          {"etag", info.etag},
          {"last_modified_ms", info.last_modified_ms},
          {"content_type", info.content_type},
          {"metadata", info.user_metadata}};
}

int Fail(const Status& status) {
  std::fprintf(stderr, "openaml_s3_probe: %s\n", status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Drive the external S3 client (test tool)"};
  openaml::storage::S3ClientOptions options;
  bool virtual_host = false;
  app.add_option("--endpoint", options.endpoint)->required();
  app.add_option("--access-key", options.access_key_id)->required();
  app.add_option("--secret-key", options.secret_access_key)->required();
  app.add_option("--region", options.region);
  app.add_flag("--virtual-host", virtual_host);
  app.require_subcommand(1);
  std::string bucket, key, file, content_type, range, prefix, delimiter;
  std::vector<std::string> metadata;
  int max_keys = 1000;
  CLI::App* mb = app.add_subcommand("mb");
  mb->add_option("bucket", bucket)->required();
  CLI::App* put = app.add_subcommand("put");
  put->add_option("bucket", bucket)->required();
  put->add_option("key", key)->required();
  put->add_option("file", file)->required();
  put->add_option("--content-type", content_type);
  put->add_option("--meta", metadata);
  CLI::App* get = app.add_subcommand("get");
  get->add_option("bucket", bucket)->required();
  get->add_option("key", key)->required();
  get->add_option("file", file)->required();
  get->add_option("--range", range);
  CLI::App* head = app.add_subcommand("head");
  head->add_option("bucket", bucket)->required();
  head->add_option("key", key)->required();
  CLI::App* del = app.add_subcommand("delete");
  del->add_option("bucket", bucket)->required();
  del->add_option("key", key)->required();
  CLI::App* list = app.add_subcommand("list");
  list->add_option("bucket", bucket)->required();
  list->add_option("--prefix", prefix);
  list->add_option("--delimiter", delimiter);
  list->add_option("--max-keys", max_keys);
  CLI11_PARSE(app, argc, argv);
  options.path_style = !virtual_host;
  options.part_size = 5 << 20;

  auto made = openaml::storage::S3ClientObjectStore::Make(options);
  if (!made.ok()) return Fail(made.status());
  auto& store = **made;
  nlohmann::json out;
  if (mb->parsed()) {
    Status status = store.CreateBucket(bucket);
    if (!status.ok()) return Fail(status);
    out = {{"created", bucket}};
  } else if (put->parsed()) {
    openaml::storage::PutOptions put_options;
    put_options.content_type = content_type;
    for (const std::string& pair : metadata) {
      size_t equals = pair.find('=');
      if (equals == std::string::npos) return Fail(absl::InvalidArgumentError("--meta takes name=value"));
      put_options.user_metadata[pair.substr(0, equals)] = pair.substr(equals + 1);
    }
    auto writer = store.PutObject(bucket, key, put_options);
    if (!writer.ok()) return Fail(writer.status());
    std::ifstream in(file, std::ios::binary);
    if (!in) return Fail(absl::NotFoundError("cannot open " + file));
    std::string buffer(1 << 20, '\0');
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      Status status = (*writer)->Write(std::string_view(buffer.data(), static_cast<size_t>(in.gcount())));
      if (!status.ok()) return Fail(status);
    }
    auto info = (*writer)->CommitObject();
    if (!info.ok()) return Fail(info.status());
    out = InfoJson(*info);
  } else if (get->parsed()) {
    std::optional<openaml::storage::ByteRange> byte_range;
    if (!range.empty()) {
      openaml::storage::ByteRange parsed;
      unsigned long long first = 0, last = 0;
      if (std::sscanf(range.c_str(), "%llu-%llu", &first, &last) != 2) {
        return Fail(absl::InvalidArgumentError("--range takes first-last"));
      }
      parsed.first = first;
      parsed.last = last;
      byte_range = parsed;
    }
    ObjectInfo info;
    auto source = store.GetObject(bucket, key, byte_range, &info);
    if (!source.ok()) return Fail(source.status());
    std::ofstream output(file, std::ios::binary);
    std::string buffer(1 << 16, '\0');
    while (true) {
      auto n = (*source)->Read(buffer.data(), buffer.size());
      if (!n.ok()) return Fail(n.status());
      if (*n == 0) break;
      output.write(buffer.data(), static_cast<std::streamsize>(*n));
    }
    out = InfoJson(info);
  } else if (head->parsed()) {
    auto info = store.HeadObject(bucket, key);
    if (!info.ok()) return Fail(info.status());
    out = InfoJson(*info);
  } else if (del->parsed()) {
    Status status = store.DeleteObject(bucket, key);
    if (!status.ok()) return Fail(status);
    out = {{"deleted", key}};
  } else if (list->parsed()) {
    openaml::storage::ListObjectsRequest request;
    request.prefix = prefix;
    request.delimiter = delimiter;
    request.max_keys = max_keys;
    out = {{"objects", nlohmann::json::array()}, {"prefixes", nlohmann::json::array()}, {"pages", 0}};
    while (true) {
      auto page = store.ListObjects(bucket, request);
      if (!page.ok()) return Fail(page.status());
      out["pages"] = out["pages"].get<int>() + 1;
      for (const ObjectInfo& info : page->objects) out["objects"].push_back(InfoJson(info));
      for (const std::string& common : page->common_prefixes) out["prefixes"].push_back(common);
      if (!page->truncated) break;
      request.start_after = page->next_start_after;
    }
  }
  std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}
