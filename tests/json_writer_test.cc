// The project's one JSON writer: whatever bytes it is given, it writes valid JSON (nlohmann's
// strict parser is the judge), keeps valid UTF-8 as it is and replaces what is not with U+FFFD.
#include "engine/common/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace fugong {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

std::string Decoded(const std::string& json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << json;
  return j.is_string() ? j.get<std::string>() : "<not a string>";
}

TEST(JsonWriterTest, ValidTextIsKeptAndControlsAreEscaped) {
  const std::string text = std::string("tab\t \"quote\" back\\slash nul") + '\0' + " 浙江 €";
  const std::string json = JsonString(text);
  EXPECT_EQ(Decoded(json), text);
  EXPECT_NE(json.find("\\u0000"), std::string::npos);
  EXPECT_NE(json.find("浙江"), std::string::npos);  // not escaped: readable and byte-stable
  EXPECT_TRUE(IsValidUtf8(text));
}

TEST(JsonWriterTest, InvalidUtf8BecomesTheReplacementCharacter) {
  struct Case {
    std::string in, out;
  };
  const std::vector<Case> cases = {
      {"a\xFF"
       "b",
       "a" + kReplacement + "b"},
      {"\xC0\xAF", kReplacement},          // overlong '/': one bad lead byte and its tail
      {"\xED\xA0\x80", kReplacement},      // a surrogate
      {"\xF4\x90\x80\x80", kReplacement},  // past U+10FFFF
      {"x\xE2\x82", "x" + kReplacement},   // truncated at the end
      {"\xE2\x82"
       "y",
       kReplacement + "y"},                             // truncated before ASCII
      {"\x80\x80\xC3\xA9", kReplacement + "\xC3\xA9"},  // stray continuations, then a valid é
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(IsValidUtf8(c.in));
    EXPECT_EQ(Decoded(JsonString(c.in)), c.out) << PrintableText(c.in);
  }
}

TEST(JsonWriterTest, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 24, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    JsonWriter w;
    w.BeginObject().Key(bytes).String(bytes).Key("list").BeginArray().String(bytes).Int(i);
    w.EndArray().EndObject();
    const std::string json = w.Take();
    const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << PrintableText(json);
    // Valid input survives unchanged.
    if (IsValidUtf8(bytes)) EXPECT_EQ(j["list"][0].get<std::string>(), bytes);
  }
}

TEST(JsonWriterTest, ArraysAndObjectsNest) {
  JsonWriter w;
  w.BeginObject().Key("a").BeginArray().BeginObject().Key("b").Int(1).EndObject();
  w.BeginArray().EndArray().Null().Bool(true).EndArray().Key("c").String("d").EndObject();
  EXPECT_EQ(w.Take(), R"({"a":[{"b":1},[],null,true],"c":"d"})");
  EXPECT_EQ(JsonErrorBody("no \xFF"), "{\"error\":\"no " + kReplacement + "\"}\n");
}

TEST(JsonWriterTest, PrintableTextShowsControlBytes) {
  EXPECT_EQ(PrintableText(std::string("a\x1b[2Jb\nc\td\xFF", 11)),
            "a\\x1b[2Jb\\x0ac\td" + kReplacement);
}

}  // namespace
}  // namespace fugong

namespace fugong {
namespace {

TEST(JsonWriterTest, IndentedOutputIsNlohmannsPrettyLayout) {
  JsonWriter w(2);
  w.BeginObject().Key("a").Int(1).Key("b").BeginObject().Key("c").Fixed(2.5, 1);
  w.Key("d").BeginArray().Int(1).String("x").EndArray().Key("e").BeginObject().EndObject();
  w.Key("f").BeginArray().EndArray().EndObject().Key("g").Null().EndObject();
  const std::string pretty = w.Take();
  const nlohmann::json parsed = nlohmann::json::parse(pretty);
  EXPECT_EQ(parsed["b"]["c"].get<double>(), 2.5);
  // The same layout nlohmann gives with dump(2) (which sorts keys: these are in order already).
  EXPECT_EQ(pretty, parsed.dump(2));
}

}  // namespace
}  // namespace fugong
