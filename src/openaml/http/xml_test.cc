#include "openaml/http/xml.h"

#include <gtest/gtest.h>

namespace openaml::http {
namespace {

TEST(XmlWriter, EscapesTextAndClosesElements) {
  XmlWriter xml("ListBucketResult");
  xml.Element("Name", "a<b>&\"c'").Open("Contents").Element("Key", "k\x01y");
  std::string out = xml.Finish();
  EXPECT_NE(out.find("<Name>a&lt;b&gt;&amp;&quot;c&apos;</Name>"), std::string::npos) << out;
  EXPECT_NE(out.find("<Key>k\xEF\xBF\xBDy</Key></Contents></ListBucketResult>"), std::string::npos) << out;
  EXPECT_TRUE(out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
}

TEST(XmlParser, ParsesDeleteObjectsBodies) {
  auto doc = ParseXml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
      "<Object><Key>a&amp;b&#x41;&#66;</Key></Object><!-- c --><Object><Key><![CDATA[<raw>]]></Key></Object>"
      "</Delete>");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->name, "Delete");
  EXPECT_EQ(doc->Child("Quiet")->text, "true");
  ASSERT_EQ(doc->children.size(), 3u);
  EXPECT_EQ(doc->children[1].Child("Key")->text, "a&bAB");
  EXPECT_EQ(doc->children[2].Child("Key")->text, "<raw>");
}

TEST(XmlParser, StripsNamespacePrefixes) {
  auto doc = ParseXml("<s3:CompleteMultipartUpload xmlns:s3='x'><s3:Part><s3:PartNumber>1</s3:PartNumber>"
                      "</s3:Part></s3:CompleteMultipartUpload>");
  ASSERT_TRUE(doc.ok()) << doc.status();
  EXPECT_EQ(doc->name, "CompleteMultipartUpload");
  EXPECT_EQ(doc->children[0].Child("PartNumber")->text, "1");
}

TEST(XmlParser, RejectsHostileInput) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  std::string wide = "<r>";
  for (int i = 0; i < 60000; ++i) wide += "<a/>";
  wide += "</r>";
  const std::vector<std::string> hostile = {
      "",
      "   ",
      "not xml",
      "<Delete>",
      "<Delete></Other>",
      "<Delete><a></Delete>",
      "<Delete>text</Delete>trailing",
      "<Delete/><Second/>",
      "<!DOCTYPE lolz [<!ENTITY lol \"lol\">]><Delete>&lol;</Delete>",
      "<Delete>&unknown;</Delete>",
      "<Delete>&#0;</Delete>",
      "<Delete>&#xD800;</Delete>",
      "<Delete>&#x110000;</Delete>",
      "<Delete>&#99999999999999999999;</Delete>",
      "<Delete>&amp</Delete>",
      "<Delete a=unquoted></Delete>",
      "<Delete a=\"open></Delete>",
      "<Delete><![CDATA[never closed</Delete>",
      "<Delete><!-- never closed </Delete>",
      "<?xml version=\"1.0\"",
      "<Delete><?pi x?></Delete>",
      std::string("<Del\0ete/>", 10),
      deep,
      wide,
  };
  for (const std::string& input : hostile) {
    auto doc = ParseXml(input);
    EXPECT_FALSE(doc.ok()) << input.substr(0, 60);
    if (!doc.ok()) EXPECT_TRUE(std::string(doc.status().message()).starts_with("MalformedXML"));
  }
}

}  // namespace
}  // namespace openaml::http
