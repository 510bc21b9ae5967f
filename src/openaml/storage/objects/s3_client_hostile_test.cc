// S3ClientObjectStore against a server that answers badly: malformed, truncated, oversized or lying responses.
// A tiny canned HTTP server (one response per connection) plays the server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "openaml/common/str_cat.h"
#include "openaml/storage/objects/curl_transport_internal.h"
#include "openaml/storage/objects/s3_client_store.h"
#include "openaml/storage/objects/test_util_internal.h"

namespace openaml::storage {
namespace {

using testing::Message;
using testing::ReadAll;

/// Answers each connection with whatever `respond(request_head)` returns, then closes it.
class CannedHttpServer {
 public:
  using Responder = std::function<std::string(const std::string& request_head)>;

  explicit CannedHttpServer(Responder respond) : respond_(std::move(respond)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(::listen(listener_, 16), 0);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~CannedHttpServer() {
    stop_ = true;
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
  }

  std::string endpoint() const { return StrCat("http://127.0.0.1:", port_); }
  int requests() const { return requests_; }

 private:
  void Serve() {
    while (!stop_) {
      int connection = ::accept(listener_, nullptr, nullptr);
      if (connection < 0) return;
      std::string head;
      char buffer[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(connection, buffer, sizeof(buffer), 0);
        if (n <= 0) break;
        head.append(buffer, static_cast<size_t>(n));
      }
      ++requests_;
      std::string response = respond_(head);
      for (size_t sent = 0; sent < response.size();) {
        ssize_t n = ::send(connection, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
      ::shutdown(connection, SHUT_WR);
      // Drain what the client still sends (a request body) so the close is clean.
      while (::recv(connection, buffer, sizeof(buffer), 0) > 0) {
      }
      ::close(connection);
    }
  }

  Responder respond_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

std::string Response(int status, std::string_view body, std::string_view extra_headers = "") {
  return StrCat("HTTP/1.1 ", status, " X\r\nContent-Length: ", body.size(), "\r\nConnection: close\r\n", extra_headers,
                "\r\n", body);
}

std::unique_ptr<S3ClientObjectStore> ClientFor(const CannedHttpServer& server) {
  S3ClientOptions options;
  options.endpoint = server.endpoint();
  options.access_key_id = "a";
  options.secret_access_key = "s";
  auto store = S3ClientObjectStore::Make(options);
  EXPECT_TRUE(store.ok());
  return std::move(store).value();
}

TEST(S3ClientHostile, MalformedListingsAreErrorsNotCrashes) {
  const std::string bodies[] = {
      "",
      "not xml at all",
      "<ListBucketResult><Contents><Key>a</Key>",  // truncated
      "<?xml version=\"1.0\"?><Other/>",
      "<ListBucketResult><Contents><Key>a</Key><Size>-5</Size></Contents></ListBucketResult>",
      "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><ListBucketResult>&b;"
      "</ListBucketResult>",
  };
  for (const std::string& body : bodies) {
    CannedHttpServer server([&](const std::string&) { return Response(200, body); });
    auto store = ClientFor(server);
    auto result = store->ListObjects("bucket", {});
    // The entity bomb is refused or expanded harmlessly; everything else is an error.
    if (!body.starts_with("<!DOCTYPE")) {
      EXPECT_FALSE(result.ok()) << body;
    }
  }
}

TEST(S3ClientHostile, ListingThatNeverProgressesStops) {
  CannedHttpServer server([](const std::string&) {
    return Response(200,
                    "<ListBucketResult><IsTruncated>true</IsTruncated>"
                    "<NextContinuationToken>same</NextContinuationToken></ListBucketResult>");
  });
  auto store = ClientFor(server);
  auto result = store->ListObjects("bucket", {});
  EXPECT_TRUE(absl::IsInternal(result.status())) << result.status();
  EXPECT_LE(server.requests(), 2);
}

TEST(S3ClientHostile, ErrorStatusesMapToCodes) {
  struct Case {
    std::string response;
    absl::StatusCode code;
  };
  const Case cases[] = {
      {Response(403, ""), absl::StatusCode::kPermissionDenied},
      {Response(404, "<Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>"), absl::StatusCode::kNotFound},
      {Response(503, "<Error><Code>SlowDown</Code></Error>"), absl::StatusCode::kUnavailable},
      {Response(500, "garbage"), absl::StatusCode::kInternal},
      {Response(409, "<Error><Code>BucketNotEmpty</Code></Error>"), absl::StatusCode::kFailedPrecondition},
      {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n<ListBucketResult>", absl::StatusCode::kUnavailable},
      {"this is not HTTP\r\n\r\n", absl::StatusCode::kInternal},
  };
  for (const Case& c : cases) {
    CannedHttpServer server([&](const std::string&) { return c.response; });
    auto store = ClientFor(server);
    auto result = store->ListObjects("bucket", {});
    EXPECT_EQ(result.status().code(), c.code) << c.response << " -> " << result.status();
  }
}

TEST(S3ClientHostile, BodyCutShortIsAnErrorNotEndOfData) {
  CannedHttpServer server([](const std::string&) {
    return std::string("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nETag: \"x\"\r\n\r\nonly ten b");
  });
  auto store = ClientFor(server);
  auto source = store->GetObject("bucket", "key", std::nullopt, nullptr);
  ASSERT_TRUE(source.ok()) << source.status();
  // The resume attempt gets the whole body again (Range ignored): refused too. Never a silent short read.
  auto body = ReadAll(**source);
  EXPECT_FALSE(body.ok());
}

TEST(S3ClientHostile, TransientFailuresAreRetried) {
  std::atomic<int> calls{0};
  CannedHttpServer server([&](const std::string&) {
    return ++calls == 1 ? Response(503, "<Error><Code>SlowDown</Code></Error>") : Response(200, "");
  });
  auto store = ClientFor(server);
  EXPECT_TRUE(store->HeadBucket("bucket").ok());
  EXPECT_EQ(server.requests(), 2);
}

TEST(S3ClientHostile, PersistentFailuresGiveUp) {
  CannedHttpServer server([](const std::string&) { return Response(503, ""); });
  auto store = ClientFor(server);
  EXPECT_TRUE(absl::IsUnavailable(store->HeadBucket("bucket")));
  EXPECT_EQ(server.requests(), 3);
}

TEST(S3ClientHostile, BrokenDownloadsResumeWithRangeAndIfMatch) {
  std::string body = "0123456789abcdefghij";
  std::vector<std::string> heads;
  std::mutex mutex;
  CannedHttpServer server([&](const std::string& head) {
    std::lock_guard<std::mutex> lock(mutex);
    heads.push_back(head);
    if (heads.size() == 1) {
      // Promise 20 bytes, send 10, hang up.
      return StrCat("HTTP/1.1 200 OK\r\nContent-Length: 20\r\nETag: \"etag1\"\r\n\r\n", body.substr(0, 10));
    }
    return Response(206, body.substr(10), "Content-Range: bytes 10-19/20\r\nETag: \"etag1\"\r\n");
  });
  auto store = ClientFor(server);
  auto source = store->GetObject("bucket", "key", std::nullopt, nullptr);
  ASSERT_TRUE(source.ok()) << source.status();
  auto read = ReadAll(**source);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, body);
  ASSERT_EQ(heads.size(), 2u);
  std::string second = heads[1];
  for (char& c : second) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(second.find("range: bytes=10-19"), std::string::npos) << heads[1];
  EXPECT_NE(second.find("if-match: \"etag1\""), std::string::npos) << heads[1];
}

TEST(S3ClientHostile, DownloadsThatBreakOftenButProgressComplete) {
  const std::string body = "0123456789abcdefghij";
  CannedHttpServer server([&](const std::string& head) {
    // Honour "Range: bytes=N-", send five bytes, hang up.
    std::string lower = head;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t first = 0;
    size_t at = lower.find("range: bytes=");
    if (at != std::string::npos) first = std::stoul(lower.substr(at + 13));
    return StrCat("HTTP/1.1 206 Partial\r\nContent-Length: ", body.size() - first, "\r\nContent-Range: bytes ", first,
                  "-19/20\r\nETag: \"e\"\r\n\r\n", body.substr(first, 5));
  });
  auto store = ClientFor(server);
  auto source = store->GetObject("bucket", "key", ByteRange{0, 19, std::nullopt}, nullptr);
  ASSERT_TRUE(source.ok()) << source.status();
  auto read = ReadAll(**source);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, body);
  EXPECT_EQ(server.requests(), 4);
}

TEST(S3ClientHostile, DownloadsThatKeepBreakingFail) {
  CannedHttpServer server([](const std::string&) {
    return std::string("HTTP/1.1 206 Partial\r\nContent-Length: 20\r\nContent-Range: bytes 0-19/20\r\n"
                       "ETag: \"e\"\r\n\r\nshort");
  });
  auto store = ClientFor(server);
  auto source = store->GetObject("bucket", "key", ByteRange{0, 19, std::nullopt}, nullptr);
  ASSERT_TRUE(source.ok()) << source.status();
  // The resume is answered with bytes 0-19 again (not the 5-19 asked for): refused, never spliced.
  auto read = ReadAll(**source);
  EXPECT_FALSE(read.ok());
  EXPECT_LE(server.requests(), 4);
}

TEST(S3ClientHostile, IgnoredRangeIsRefused) {
  CannedHttpServer server([](const std::string&) { return Response(200, "0123456789"); });
  auto store = ClientFor(server);
  auto source = store->GetObject("bucket", "key", ByteRange{2, 3, std::nullopt}, nullptr);
  EXPECT_FALSE(source.ok());
}

TEST(S3ClientHostile, OversizedResponsesAreCut) {
  std::string big(5000, 'x');
  CannedHttpServer server([&](const std::string&) { return Response(200, big); });
  auto share = internal::CurlShare::Make();
  ASSERT_TRUE(share.ok());
  internal::HttpRequest request;
  request.url = server.endpoint() + "/";
  auto response = internal::PerformRequest(**share, request, 1000);
  EXPECT_TRUE(absl::IsInternal(response.status())) << response.status();
  EXPECT_TRUE(Message(response.status()).find("larger than 1000") != std::string::npos);
}

TEST(S3ClientHostile, RequestsAreSignedAndKeysEncoded) {
  std::string seen;
  CannedHttpServer server([&](const std::string& head) {
    seen = head;
    return Response(200, "", "ETag: \"abc\"\r\nContent-Type: text/csv\r\nx-amz-meta-origin: test\r\n");
  });
  auto store = ClientFor(server);
  auto info = store->HeadObject("bucket", "dir/a b/../ü?#");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->etag, "abc");
  EXPECT_EQ(info->content_type, "text/csv");
  EXPECT_EQ(info->user_metadata.at("origin"), "test");
  EXPECT_TRUE(seen.starts_with("HEAD /bucket/dir/a%20b/../%C3%BC%3F%23 HTTP/1.1\r\n")) << seen;
  EXPECT_NE(seen.find("Authorization: AWS4-HMAC-SHA256 Credential=a/"), std::string::npos) << seen;
  std::string lower = seen;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(lower.find("x-amz-content-sha256: e3b0c442"), std::string::npos) << seen;
}

}  // namespace
}  // namespace openaml::storage
