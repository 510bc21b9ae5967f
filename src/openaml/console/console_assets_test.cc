#include "openaml/console/console_assets.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace openaml::console {
namespace {

namespace fs = std::filesystem;

/// A throw-away dist folder shaped like Vite's output, with a secret file beside it.
class ConsoleAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("openaml_console_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    dist_ = base_ / "dist";
    fs::create_directories(dist_ / "assets");
    Write(dist_ / "index.html", "<!doctype html><title>console</title>");
    Write(dist_ / "assets" / "index-AbC123.js", "console.log(1)");
    Write(dist_ / "assets" / "index-AbC123.css", "body{}");
    Write(dist_ / "favicon.svg", "<svg/>");
    Write(dist_ / "my file.txt", "spaces");
    Write(dist_ / ".env", "SECRET=1");
    Write(base_ / "secret.txt", "do not serve");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void Write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string dist() const { return dist_.string(); }

  fs::path base_;
  fs::path dist_;
};

TEST_F(ConsoleAssetsTest, ServesIndexForTheRootForms) {
  for (const char* path : {"/console", "/console/", "/console/?x=1", "/console#top", "/console//"}) {
    Result<ConsoleAsset> asset = FindConsoleAsset(dist(), path);
    ASSERT_TRUE(asset.ok()) << path << ": " << asset.status();
    EXPECT_EQ(asset->path.filename(), "index.html") << path;
    EXPECT_EQ(asset->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(asset->cache_control, "no-cache");
  }
}

TEST_F(ConsoleAssetsTest, ServesHashedAssetsAsImmutable) {
  Result<ConsoleAsset> js = FindConsoleAsset(dist(), "/console/assets/index-AbC123.js?v=3");
  ASSERT_TRUE(js.ok()) << js.status();
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js->cache_control, "public, max-age=31536000, immutable");
  EXPECT_EQ(js->size, 14u);
  Result<std::string> bytes = ReadConsoleAsset(*js);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "console.log(1)");

  Result<ConsoleAsset> css = FindConsoleAsset(dist(), "/console/assets/index-AbC123.css");
  ASSERT_TRUE(css.ok());
  EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
}

TEST_F(ConsoleAssetsTest, TopLevelFilesAreRevalidated) {
  Result<ConsoleAsset> svg = FindConsoleAsset(dist(), "/console/favicon.svg");
  ASSERT_TRUE(svg.ok());
  EXPECT_EQ(svg->content_type, "image/svg+xml");
  EXPECT_EQ(svg->cache_control, "no-cache");
}

TEST_F(ConsoleAssetsTest, DecodesPercentEscapes) {
  Result<ConsoleAsset> asset = FindConsoleAsset(dist(), "/console/my%20file.txt");
  ASSERT_TRUE(asset.ok()) << asset.status();
  EXPECT_EQ(asset->path.filename(), "my file.txt");
}

TEST_F(ConsoleAssetsTest, ClientRoutesFallBackToIndex) {
  for (const char* path : {"/console/dashboard", "/console/models/ml-123/evaluation"}) {
    Result<ConsoleAsset> asset = FindConsoleAsset(dist(), path);
    ASSERT_TRUE(asset.ok()) << path;
    EXPECT_EQ(asset->path.filename(), "index.html") << path;
    EXPECT_EQ(asset->cache_control, "no-cache");
  }
}

TEST_F(ConsoleAssetsTest, MissingFilesWithAnExtensionAreNotFound) {
  EXPECT_TRUE(absl::IsNotFound(FindConsoleAsset(dist(), "/console/missing.js").status()));
  // A missing hashed asset must not turn into HTML (the browser would run it as a script).
  EXPECT_TRUE(absl::IsNotFound(FindConsoleAsset(dist(), "/console/assets/old-hash").status()));
  EXPECT_TRUE(absl::IsNotFound(FindConsoleAsset(dist(), "/console/assets").status()));
}

TEST_F(ConsoleAssetsTest, OtherPathsAreNotConsolePaths) {
  for (const char* path : {"/", "/consolex", "/consolex/index.html", "/bucket/console/index.html", ""}) {
    EXPECT_TRUE(absl::IsNotFound(FindConsoleAsset(dist(), path).status())) << path;
  }
}

TEST_F(ConsoleAssetsTest, RefusesTraversalAndHostileSegments) {
  const char* hostile[] = {
      "/console/../secret.txt",        "/console/assets/../../secret.txt", "/console/%2e%2e/secret.txt",
      "/console/%2E%2E%2Fsecret.txt",  "/console/..%2fsecret.txt",         "/console/..%5csecret.txt",
      "/console/.env",                 "/console/./index.html",            "/console/a\\..\\secret.txt",
      "/console/index.html%00.js",     "/console/%0aindex.html",           "/console/%",
      "/console/%4",                   "/console/%zz",                     "/console/\x01",
  };
  for (const char* path : hostile) {
    Result<ConsoleAsset> asset = FindConsoleAsset(dist(), path);
    EXPECT_TRUE(absl::IsInvalidArgument(asset.status())) << path << " → " << asset.status();
  }
}

TEST_F(ConsoleAssetsTest, RefusesOversizedPaths) {
  std::string path = "/console/" + std::string(5000, 'a');
  EXPECT_TRUE(absl::IsInvalidArgument(FindConsoleAsset(dist(), path).status()));
}

TEST_F(ConsoleAssetsTest, RefusesSymlinksLeavingTheDistFolder) {
  std::error_code ec;
  fs::create_symlink(base_ / "secret.txt", dist_ / "link.txt", ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_TRUE(absl::IsNotFound(FindConsoleAsset(dist(), "/console/link.txt").status()));
  fs::create_directory_symlink(base_, dist_ / "up", ec);
  ASSERT_FALSE(ec);
  EXPECT_TRUE(absl::IsNotFound(FindConsoleAsset(dist(), "/console/up/secret.txt").status()));
}

TEST_F(ConsoleAssetsTest, DirectoriesAreNotFiles) {
  // /console/assets/ is a directory: not served, and not replaced by index.html either.
  EXPECT_FALSE(FindConsoleAsset(dist(), "/console/assets/").ok());
}

TEST_F(ConsoleAssetsTest, ReportsAConsoleThatIsNotBuilt) {
  Result<ConsoleAsset> asset = FindConsoleAsset((base_ / "nowhere").string(), "/console/");
  EXPECT_TRUE(absl::IsNotFound(asset.status()));
  fs::remove(dist_ / "index.html");
  asset = FindConsoleAsset(dist(), "/console/assets/index-AbC123.js");
  EXPECT_TRUE(absl::IsNotFound(asset.status()));
  EXPECT_NE(asset.status().message().find("not built"), std::string::npos);
}

TEST(ConsoleContentType, MapsKnownExtensionsCaseInsensitively) {
  EXPECT_EQ(ContentTypeForPath("a.HTML"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeForPath("font.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeForPath("noext"), "application/octet-stream");
  EXPECT_EQ(ContentTypeForPath("x.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace openaml::console
