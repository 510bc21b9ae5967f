#include "openaml/storage/objects/key_path_internal.h"

#include <gtest/gtest.h>

#include <random>

namespace openaml::storage::internal {
namespace {

TEST(KeyPath, SplitKeepsEmptySegments) {
  EXPECT_EQ(SplitKey("a"), (std::vector<std::string_view>{"a"}));
  EXPECT_EQ(SplitKey("a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
  EXPECT_EQ(SplitKey("/"), (std::vector<std::string_view>{"", ""}));
}

TEST(KeyPath, DotSegmentsAndSeparatorsBecomeHarmlessNames) {
  struct Case {
    std::string segment;
    EntryKind kind;
    const char* name;
  };
  const Case cases[] = {
      {"", EntryKind::kDirectory, "d"},
      {".", EntryKind::kDirectory, "d."},
      {"..", EntryKind::kObject, "o.."},
      {"a\\b", EntryKind::kObject, "oa%5Cb"},
      {std::string("n\0l", 3), EntryKind::kObject, "on%00l"},
      {"100%", EntryKind::kObject, "o100%25"},
      {"tab\t", EntryKind::kDirectory, "dtab%09"},
      {"ключ", EntryKind::kObject, "oключ"},
  };
  for (const Case& c : cases) {
    std::string name = EncodeSegment(c.segment, c.kind);
    EXPECT_EQ(name, c.name);
    auto decoded = DecodeName(name);
    ASSERT_TRUE(decoded.has_value()) << name;
    EXPECT_EQ(decoded->segment, c.segment);
    EXPECT_EQ(decoded->kind, c.kind);
    EXPECT_FALSE(decoded->hashed);
  }
}

TEST(KeyPath, EveryByteStringRoundTrips) {
  std::mt19937 random(7);
  for (int i = 0; i < 2000; ++i) {
    std::string segment(random() % 40, '\0');
    for (char& c : segment) {
      do c = static_cast<char>(random() % 256);
      while (c == '/');
    }
    for (EntryKind kind : {EntryKind::kDirectory, EntryKind::kObject}) {
      std::string name = EncodeSegment(segment, kind);
      EXPECT_EQ(name.find('/'), std::string::npos);
      EXPECT_EQ(name.find('\0'), std::string::npos);
      auto decoded = DecodeName(name);
      ASSERT_TRUE(decoded.has_value());
      EXPECT_EQ(decoded->segment, segment);
    }
  }
}

TEST(KeyPath, LongSegmentsAreHashedToFitAFileName) {
  std::string fits(254, 'x');
  EXPECT_EQ(EncodeSegment(fits, EntryKind::kObject).size(), 255u);
  std::string too_long(255, 'x');
  std::string name = EncodeSegment(too_long, EntryKind::kObject);
  EXPECT_EQ(name.size(), 65u);
  EXPECT_EQ(name[0], 'O');
  auto decoded = DecodeName(name);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_TRUE(decoded->hashed);
  // Escapes count toward the limit: 100 '%' need 300 bytes.
  EXPECT_EQ(EncodeSegment(std::string(100, '%'), EntryKind::kDirectory)[0], 'D');
  EXPECT_NE(EncodeSegment(std::string(255, 'x'), EntryKind::kDirectory),
            EncodeSegment(std::string(256, 'x'), EntryKind::kDirectory));
}

TEST(KeyPath, ForeignNamesAreNotDecoded) {
  for (const char* name : {"", ".bucket", ".name", "xfile", "o%", "o%4", "o%4g", "o%2f", "D123", "d\x01"}) {
    EXPECT_FALSE(DecodeName(name).has_value()) << name;
  }
}

TEST(Utf8, AcceptsWellFormedRejectsTheRest) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("ünïcödé 鍵 🙂"));
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
  for (const char* bad : {"\x80", "\xc3", "\xc0\x80", "\xe0\x80\xaf", "\xed\xb0\x80", "\xf4\x90\x80\x80",
                          "\xf8\x88\x80\x80\x80", "\xfe", "a\xe2\x82"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << bad;
  }
}

}  // namespace
}  // namespace openaml::storage::internal
