// S3ClientObjectStore against real S3-compatible servers started here: moto's S3 server (when the python3 that
// has moto is present) and, when built, a second openaml server process (which also checks our signatures). Each is skipped with the reason printed
// when it cannot run on this machine.
#include "openaml/storage/objects/s3_client_store.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <thread>

#include "openaml/common/crypto.h"
#include "openaml/common/str_cat.h"
#include "openaml/storage/objects/local_object_store.h"
#include "openaml/storage/objects/test_util_internal.h"

extern char** environ;

namespace openaml::storage {
namespace {

using testing::GetString;
using testing::Message;
using testing::PutString;
using testing::ReadAll;
using testing::TempDir;

std::string Md5Hex(std::string_view data) { return crypto::HexEncode(crypto::Md5(data)); }

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  ::close(fd);
  return port;
}

bool PortAccepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return ok;
}

/// A server process for the duration of a test suite, stopped with SIGTERM (then SIGKILL).
class ServerProcess {
 public:
  /// Start `argv` and wait until it accepts connections on `port`; on failure return why.
  static std::unique_ptr<ServerProcess> Start(std::vector<std::string> argv, int port, std::string* why,
                                              std::vector<std::string> extra_env = {}) {
    std::vector<char*> args;
    for (std::string& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    std::vector<std::string> env_strings(extra_env);
    for (char** env = environ; *env != nullptr; ++env) env_strings.emplace_back(*env);
    std::vector<char*> env;
    for (std::string& entry : env_strings) env.push_back(entry.data());
    env.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    int error = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (error != 0) {
      *why = StrCat("cannot start ", argv[0], ": ", std::strerror(error));
      return nullptr;
    }
    auto server = std::unique_ptr<ServerProcess>(new ServerProcess(pid));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (PortAccepts(port)) return server;
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        server->pid_ = -1;
        *why = StrCat(argv[0], " exited before listening (status ", status, ")");
        return nullptr;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    *why = StrCat(argv[0], " did not listen on port ", port, " within 30 s");
    return nullptr;
  }

  ~ServerProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }

 private:
  explicit ServerProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
};

/// The python3 that has moto: $OPENAML_MOTO_PYTHON, else pyenv's default python3 (where moto is preinstalled).
std::string MotoPython() {
  if (const char* configured = std::getenv("OPENAML_MOTO_PYTHON")) return configured;
  return "/root/.pyenv/shims/python3";
}

/// The openaml executable: $OPENAML_BIN, else "openaml" in the nearest ancestor directory of this test binary
/// (the build directory's root).
std::string OpenamlBinary() {
  if (const char* configured = std::getenv("OPENAML_BIN")) return configured;
  std::error_code error;
  std::filesystem::path dir = std::filesystem::read_symlink("/proc/self/exe", error).parent_path();
  for (; !dir.empty() && dir != dir.root_path(); dir = dir.parent_path()) {
    if (std::filesystem::is_regular_file(dir / "openaml", error)) return (dir / "openaml").string();
  }
  return "";
}

enum class Backend { kMoto, kOpenaml };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kMoto ? "Moto" : "Openaml";
}

void PrintTo(Backend backend, std::ostream* out) { *out << (backend == Backend::kMoto ? "moto" : "openaml"); }

/// One running server per backend, started on first use and kept for the whole test process.
struct RunningServer {
  std::unique_ptr<ServerProcess> process;
  std::unique_ptr<TempDir> data_dir;
  int port = 0;
  std::string skip_reason;
  bool started = false;
};

constexpr char kAccessKey[] = "AKIDOBJECTSTEST00001";
constexpr char kSecretKey[] = "objects-test-secret-key-0123456789abcdef";

RunningServer& ServerFor(Backend backend) {
  static RunningServer servers[2];
  RunningServer& server = servers[static_cast<int>(backend)];
  if (server.started) return server;
  server.started = true;
  server.port = FreePort();
  std::string why;
  if (backend == Backend::kMoto) {
    std::string python = MotoPython();
    if (!std::filesystem::exists(python)) {
      server.skip_reason = StrCat("moto tests skipped: ", python, " not found (set OPENAML_MOTO_PYTHON)");
      return server;
    }
    server.process = ServerProcess::Start(
        {python, "-m", "moto.server", "-H", "127.0.0.1", "-p", std::to_string(server.port)}, server.port, &why);
    if (server.process == nullptr) {
      server.skip_reason = StrCat("moto tests skipped (is moto installed for ", python, "?): ", why);
    }
    return server;
  }
  std::string binary = OpenamlBinary();
  if (binary.empty() || !std::filesystem::exists(binary)) {
    server.skip_reason = "openaml server tests skipped: no openaml binary found (build it, or set OPENAML_BIN)";
    return server;
  }
  server.data_dir = std::make_unique<TempDir>();
  server.process = ServerProcess::Start(
      {binary, "serve", "--data-dir", server.data_dir->path(), "--listen", StrCat("127.0.0.1:", server.port)},
      server.port, &why, {StrCat("OPENAML_ACCESS_KEY_ID=", kAccessKey), StrCat("OPENAML_SECRET_ACCESS_KEY=", kSecretKey)});
  if (server.process == nullptr) {
    server.skip_reason = StrCat("openaml server tests skipped (does this build's `openaml serve` work?): ", why);
  }
  return server;
}

/// The S3 client against each backend (moto; a second openaml server process).
class ExternalS3Test : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    RunningServer& server = ServerFor(GetParam());
    if (server.process == nullptr) {
      GTEST_SKIP() << server.skip_reason;
    }
    S3ClientOptions options;
    options.endpoint = StrCat("http://127.0.0.1:", server.port);
    options.access_key_id = kAccessKey;
    options.secret_access_key = kSecretKey;
    options.part_size = 5 << 20;
    options_ = options;
    auto store = S3ClientObjectStore::Make(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
    bucket_ = StrCat("bucket-", ::testing::UnitTest::GetInstance()->current_test_info()->line());
    Status created = store_->CreateBucket(bucket_);
    ASSERT_TRUE(created.ok() || absl::IsAlreadyExists(created)) << created;
  }

  S3ClientOptions options_;
  std::unique_ptr<S3ClientObjectStore> store_;
  std::string bucket_;
};

INSTANTIATE_TEST_SUITE_P(Backends, ExternalS3Test, ::testing::Values(Backend::kMoto, Backend::kOpenaml), BackendName);

TEST(S3ClientOptions, MakeRejectsUnusableSettings) {
  S3ClientOptions options;
  options.access_key_id = "a";
  options.secret_access_key = "s";
  for (const char* endpoint : {"", "127.0.0.1:9000", "ftp://host", "http://", "http://host/path", "http://u@host"}) {
    options.endpoint = endpoint;
    EXPECT_TRUE(absl::IsInvalidArgument(S3ClientObjectStore::Make(options).status())) << endpoint;
  }
  options.endpoint = "http://127.0.0.1:9000/";
  EXPECT_TRUE(S3ClientObjectStore::Make(options).ok());
  options.secret_access_key = "";
  EXPECT_TRUE(absl::IsInvalidArgument(S3ClientObjectStore::Make(options).status()));
}

TEST(S3ClientStore, UnreachableEndpointIsUnavailable) {
  S3ClientOptions options;
  options.endpoint = StrCat("http://127.0.0.1:", FreePort());
  options.access_key_id = "a";
  options.secret_access_key = "s";
  auto store = S3ClientObjectStore::Make(options);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(absl::IsUnavailable((*store)->HeadBucket("bucket")));
  EXPECT_TRUE(absl::IsUnavailable((*store)->GetObject("bucket", "key", std::nullopt, nullptr).status()));
}

TEST_P(ExternalS3Test, BucketsAreCreatedListedAndDeleted) {
  EXPECT_TRUE(store_->HeadBucket(bucket_).ok());
  auto buckets = store_->ListBuckets();
  ASSERT_TRUE(buckets.ok()) << buckets.status();
  EXPECT_TRUE(std::any_of(buckets->begin(), buckets->end(), [&](const BucketInfo& b) { return b.name == bucket_; }));
  EXPECT_TRUE(absl::IsNotFound(store_->HeadBucket("no-such-bucket-here")));
  ASSERT_TRUE(PutString(*store_, bucket_, "k", "x").ok());
  EXPECT_FALSE(store_->DeleteBucket(bucket_).ok());  // not empty
  ASSERT_TRUE(store_->DeleteObject(bucket_, "k").ok());
  EXPECT_TRUE(store_->DeleteBucket(bucket_).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->HeadBucket(bucket_)));
}

TEST_P(ExternalS3Test, PutGetHeadRoundTripWithMetadata) {
  PutOptions options;
  options.content_type = "text/csv";
  options.user_metadata = {{"origin", "tutorial"}};
  auto put = PutString(*store_, bucket_, "dir/data.csv", "hello world", options);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ(put->etag, "5eb63bbbe01eeed093cb22bb8f5acdc3");
  ObjectInfo info;
  auto body = GetString(*store_, bucket_, "dir/data.csv", std::nullopt, &info);
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_EQ(*body, "hello world");
  EXPECT_EQ(info.size, 11u);
  EXPECT_EQ(info.etag, "5eb63bbbe01eeed093cb22bb8f5acdc3");
  auto head = store_->HeadObject(bucket_, "dir/data.csv");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->content_type, "text/csv");
  EXPECT_EQ(head->user_metadata, options.user_metadata);
  EXPECT_GT(head->last_modified_ms, 1600000000000);
  // An empty object, and odd keys.
  for (const std::string key : {"empty", "sp ace/ü+plus", "a//b", "a/../b", "q?x=1&y#z"}) {
    std::string data = key == "empty" ? "" : "body:" + key;
    ASSERT_TRUE(PutString(*store_, bucket_, key, data).ok()) << key;
    EXPECT_EQ(*GetString(*store_, bucket_, key), data) << key;
  }
}

TEST_P(ExternalS3Test, MissingObjectsAndBadDigests) {
  auto missing = store_->GetObject(bucket_, "nope", std::nullopt, nullptr);
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  EXPECT_TRUE(Message(missing.status()).starts_with("NoSuchKey")) << missing.status();
  EXPECT_TRUE(absl::IsNotFound(store_->HeadObject(bucket_, "nope").status()));
  EXPECT_TRUE(store_->DeleteObject(bucket_, "nope").ok());
  PutOptions options;
  options.expected_md5_hex = Md5Hex("other");
  auto bad = PutString(*store_, bucket_, "k", "data", options);
  EXPECT_TRUE(Message(bad.status()).starts_with("BadDigest")) << bad.status();
  EXPECT_TRUE(absl::IsNotFound(store_->HeadObject(bucket_, "k").status()));
}

TEST_P(ExternalS3Test, RangesStream) {
  ASSERT_TRUE(PutString(*store_, bucket_, "r", "0123456789").ok());
  ObjectInfo info;
  EXPECT_EQ(*GetString(*store_, bucket_, "r", ByteRange{2, 5, std::nullopt}, &info), "2345");
  EXPECT_EQ(info.size, 10u);
  EXPECT_EQ(*GetString(*store_, bucket_, "r", ByteRange{7, std::nullopt, std::nullopt}), "789");
  EXPECT_EQ(*GetString(*store_, bucket_, "r", ByteRange{0, std::nullopt, 3}), "789");
  auto invalid = store_->GetObject(bucket_, "r", ByteRange{20, std::nullopt, std::nullopt}, nullptr);
  EXPECT_TRUE(absl::IsInvalidArgument(invalid.status())) << invalid.status();
}

TEST_P(ExternalS3Test, LargeBodiesGoMultipartAndStreamBack) {
  std::string body((11 << 20) + 123, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 2654435761u) >> 13);
  auto put = PutString(*store_, bucket_, "big.bin", body);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_TRUE(put->etag.ends_with("-3")) << put->etag;  // 5 MiB + 5 MiB + the rest
  ObjectInfo info;
  auto source = store_->GetObject(bucket_, "big.bin", std::nullopt, &info);
  ASSERT_TRUE(source.ok()) << source.status();
  EXPECT_EQ(info.size, body.size());
  // Read in small steps: the stream holds about 1 MiB at a time, never the whole body.
  crypto::StreamingDigest digest(crypto::StreamingDigest::Algorithm::kMd5);
  uint64_t total = 0;
  char buffer[8192];
  while (true) {
    auto n = (*source)->Read(buffer, sizeof(buffer));
    ASSERT_TRUE(n.ok()) << n.status();
    if (*n == 0) break;
    digest.Update(std::string_view(buffer, *n));
    total += *n;
  }
  EXPECT_EQ(total, body.size());
  EXPECT_EQ(crypto::HexEncode(digest.Finish()), Md5Hex(body));
  // A range from the middle of the second part.
  EXPECT_EQ(*GetString(*store_, bucket_, "big.bin", ByteRange{(6 << 20), (6 << 20) + 99, std::nullopt}),
            body.substr(6 << 20, 100));
}

TEST_P(ExternalS3Test, ListingMatchesTheLocalStore) {
  TempDir dir;
  LocalObjectStoreOptions local_options;
  local_options.sync = false;
  auto local = LocalObjectStore::Make(dir.path(), local_options);
  ASSERT_TRUE(local.ok());
  ASSERT_TRUE((*local)->CreateBucket(bucket_).ok());
  std::vector<std::string> keys = {"a", "a/b", "a/c/d", "a-b", "a/c/e", "b/", "b/x", "c.txt", "photos/2024/1.jpg",
                                   "photos/2024/2.jpg", "photos/2025/3.jpg", "photos/readme", "z"};
  for (const std::string& key : keys) {
    ASSERT_TRUE(PutString(*store_, bucket_, key, "v").ok()) << key;
    ASSERT_TRUE(PutString(**local, bucket_, key, "v").ok()) << key;
  }
  for (const char* prefix : {"", "a", "a/", "photos/", "photos/2024/", "none"}) {
    for (const char* delimiter : {"", "/"}) {
      for (int max_keys : {1, 2, 1000}) {
        ListObjectsRequest request;
        request.prefix = prefix;
        request.delimiter = delimiter;
        request.max_keys = max_keys;
        for (int page = 0; page < 50; ++page) {
          auto remote = store_->ListObjects(bucket_, request);
          auto expected = (*local)->ListObjects(bucket_, request);
          ASSERT_TRUE(remote.ok()) << remote.status();
          std::string where = StrCat("prefix=", prefix, " delimiter=", delimiter, " max=", max_keys, " after=",
                                     request.start_after);
          std::vector<std::string> remote_keys, expected_keys;
          for (auto& o : remote->objects) remote_keys.push_back(o.key);
          for (auto& o : expected->objects) expected_keys.push_back(o.key);
          ASSERT_EQ(remote_keys, expected_keys) << where;
          ASSERT_EQ(remote->common_prefixes, expected->common_prefixes) << where;
          ASSERT_EQ(remote->truncated, expected->truncated) << where;
          if (!remote->truncated) break;
          request.start_after = remote->next_start_after;
        }
      }
    }
  }
  auto page = store_->ListObjects(bucket_, {});
  ASSERT_FALSE(page->objects.empty());
  EXPECT_EQ(page->objects[0].etag, Md5Hex("v"));
  EXPECT_EQ(page->objects[0].size, 1u);
}

TEST_P(ExternalS3Test, CopyReplacesMetadataOnRequest) {
  PutOptions options;
  options.content_type = "text/plain";
  ASSERT_TRUE(PutString(*store_, bucket_, "src", "copy me", options).ok());
  auto copied = store_->CopyObject(bucket_, "src", bucket_, "dst/copy", std::nullopt);
  ASSERT_TRUE(copied.ok()) << copied.status();
  EXPECT_EQ(copied->size, 7u);
  EXPECT_EQ(copied->etag, Md5Hex("copy me"));
  EXPECT_EQ(*GetString(*store_, bucket_, "dst/copy"), "copy me");
  PutOptions replaced;
  replaced.content_type = "application/json";
  replaced.user_metadata = {{"k", "v"}};
  auto second = store_->CopyObject(bucket_, "src", bucket_, "dst/replaced", replaced);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->content_type, "application/json");
  EXPECT_EQ(second->user_metadata, replaced.user_metadata);
  EXPECT_TRUE(absl::IsNotFound(store_->CopyObject(bucket_, "missing", bucket_, "x", std::nullopt).status()));
}

TEST_P(ExternalS3Test, DataFilesReadThroughTheClient) {
  ASSERT_TRUE(PutString(*store_, bucket_, "in/", "").ok());
  ASSERT_TRUE(PutString(*store_, bucket_, "in/part2.csv", "2\n").ok());
  ASSERT_TRUE(PutString(*store_, bucket_, "in/part1.csv", "1\n").ok());
  auto files = ListDataFiles(*store_, StrCat("s3://", bucket_, "/in/"));
  ASSERT_TRUE(files.ok()) << files.status();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].uri, StrCat("s3://", bucket_, "/in/part1.csv"));
  auto source = (*files)[1].open();
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(*ReadAll(**source), "2\n");
  auto sink = OpenObjectSink(*store_, StrCat("s3://", bucket_, "/out/result.txt"));
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write("result").ok());
  EXPECT_TRUE(absl::IsNotFound(store_->HeadObject(bucket_, "out/result.txt").status()));
  ASSERT_TRUE((*sink)->Commit().ok());
  EXPECT_EQ(*GetString(*store_, bucket_, "out/result.txt"), "result");
}

/// Signature checks: only against openaml (moto accepts any signature).
class ExternalS3SignatureTest : public ExternalS3Test {};
INSTANTIATE_TEST_SUITE_P(Backends, ExternalS3SignatureTest, ::testing::Values(Backend::kOpenaml), BackendName);

TEST_P(ExternalS3SignatureTest, WrongSecretIsRefused) {
  S3ClientOptions options = options_;
  options.secret_access_key = "not-the-secret";
  auto store = S3ClientObjectStore::Make(options);
  ASSERT_TRUE(store.ok());
  Status status = (*store)->HeadBucket(bucket_);
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
  auto get = (*store)->GetObject(bucket_, "k", std::nullopt, nullptr);
  EXPECT_TRUE(absl::IsPermissionDenied(get.status())) << get.status();
}

TEST_P(ExternalS3Test, ExplicitMultipartCallsAreUnimplemented) {
  EXPECT_TRUE(absl::IsUnimplemented(store_->CreateMultipartUpload(bucket_, "k", {}).status()));
  EXPECT_TRUE(absl::IsUnimplemented(store_->ListParts(bucket_, "k", "id").status()));
}

}  // namespace
}  // namespace openaml::storage
