// docs/kafka.md "Message formats": the JSON decoders of the streaming service. The scanner on
// valid and malformed JSON, every message-level dead-letter reason, and the property that matters
// most: a CSV line and the message `fugong produce` makes of it get the same verdict and the same
// values (the decoders share their field checks with the CSV decoders).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "connectors/kafka/csv_message_encoder.h"
#include "engine/decode/enterprise_csv_decoder.h"
#include "engine/decode/enterprise_json_decoder.h"
#include "engine/decode/json_object_scanner.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/decode/reading_json_decoder.h"
#include "engine/decode/weather_json_decoder.h"

namespace fugong {
namespace {

// ---------------------------------------------------------------------------------------------
// The scanner.

constexpr char kGoodForFuzz[] =
    R"({"meter_id":"M0000121","enterprise_id":"E000082","ts":"2020-01-20T00:15:00+08:00",)"
    R"("kwh":1.250,"kind":"interval"})";

struct Scanned {
  bool ok = false;
  std::vector<JsonMember> members;
  std::string error;
};

Scanned Scan(JsonObjectScanner* s, std::string_view json) {
  Scanned out;
  s->Reset(json);
  JsonMember m;
  while (true) {
    const JsonObjectScanner::Step step = s->Next(&m);
    if (step == JsonObjectScanner::Step::kMember) {
      out.members.push_back(m);
      continue;
    }
    out.ok = step == JsonObjectScanner::Step::kEnd;
    if (!out.ok) out.error = s->error();
    // Once ended, the scanner stays ended.
    EXPECT_EQ(s->Next(&m), step);
    return out;
  }
}

Scanned Scan(std::string_view json) {
  JsonObjectScanner s;
  return Scan(&s, json);
}

TEST(JsonObjectScannerTest, MembersWithTheirKindsAndText) {
  const Scanned r = Scan(
      R"({"s":"abc","n":1.250,"e":3.5e2,"z":-0,"t":true,"f":false,"x":null,"o":{"a":[1,{"b":"}"}]},)"
      R"("a":[],"E":{}})");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.members.size(), 10u);
  const std::pair<JsonKind, std::string_view> expected[] = {
      {JsonKind::kString, "abc"},   {JsonKind::kNumber, "1.250"},
      {JsonKind::kNumber, "3.5e2"}, {JsonKind::kNumber, "-0"},
      {JsonKind::kOther, "true"},   {JsonKind::kOther, "false"},
      {JsonKind::kOther, "null"},   {JsonKind::kOther, R"({"a":[1,{"b":"}"}]})"},
      {JsonKind::kOther, "[]"},     {JsonKind::kOther, "{}"},
  };
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(r.members[i].kind, expected[i].first) << i;
    EXPECT_EQ(r.members[i].text, expected[i].second) << i;
  }
  EXPECT_EQ(r.members[0].name, "s");
  EXPECT_EQ(r.members[7].name, "o");
}

TEST(JsonObjectScannerTest, WhitespaceAnywhereJsonAllowsIt) {
  const Scanned r =
      Scan(" \t\r\n{ \"a\" : \"x\" ,\n\t\"b\"\r:\n[ 1 , { \"c\" : null } ] , \"n\" : 5 } \n");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.members.size(), 3u);
  EXPECT_EQ(r.members[0].text, "x");
  EXPECT_EQ(r.members[1].text, R"([ 1 , { "c" : null } ])");
  EXPECT_EQ(r.members[2].text, "5");
  EXPECT_TRUE(Scan("{}").ok);
  EXPECT_TRUE(Scan(" { } ").ok);
  EXPECT_TRUE(Scan("{}").members.empty());
}

TEST(JsonObjectScannerTest, UnescapesStringsIntoUtf8) {
  JsonObjectScanner s;
  const Scanned r =
      Scan(&s, R"({"q\"n":"a\"b\\c\/d\be\ff\ng\rh\ti","u":"\u0041\u00e9\u4e2d\ud83d\ude00\u0000z",)"
               R"("plain":"M1","raw":"电表é"})");
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.members.size(), 4u);
  // Every view is still valid at the end: escaped strings share one buffer that never moves.
  EXPECT_EQ(r.members[0].name, "q\"n");
  EXPECT_EQ(r.members[0].text, "a\"b\\c/d\be\ff\ng\rh\ti");
  EXPECT_EQ(r.members[1].text,
            std::string("A\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80", 10) + std::string(1, '\0') + "z");
  EXPECT_EQ(r.members[2].text, "M1");
  EXPECT_EQ(r.members[3].text, "电表é");
  // The scanner is reused: a longer message after a short one grows the buffer safely.
  std::string big = "{";
  for (int i = 0; i < 50; ++i) {
    big += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":\"v\\u00e9" + std::to_string(i) + "\"";
  }
  big += "}";
  const Scanned r2 = Scan(&s, big);
  ASSERT_TRUE(r2.ok) << r2.error;
  ASSERT_EQ(r2.members.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(r2.members[i].text, "v\xC3\xA9" + std::to_string(i));
}

TEST(JsonObjectScannerTest, RejectsMalformedJson) {
  const char* bad[] = {
      "",
      "   ",
      "[]",
      "\"x\"",
      "1",
      "null",
      "{",
      "{\"a\"}",
      "{\"a\":}",
      "{\"a\" 1}",
      "{\"a\":1,}",
      "{,}",
      "{\"a\":1 \"b\":2}",
      "{\"a\":1}x",
      "{\"a\":1} {}",
      "{\"a\":1}}",
      "{'a':1}",
      "{a:1}",
      "\xEF\xBB\xBF{}",  // a byte order mark is not JSON
      // Numbers outside JSON's grammar.
      "{\"n\":01}",
      "{\"n\":-01}",
      "{\"n\":00}",
      "{\"n\":1.}",
      "{\"n\":.5}",
      "{\"n\":+1}",
      "{\"n\":-}",
      "{\"n\":1e}",
      "{\"n\":1e+}",
      "{\"n\":1.5.2}",
      "{\"n\":0x10}",
      "{\"n\":NaN}",
      "{\"n\":Infinity}",
      "{\"n\":-Infinity}",
      "{\"n\":1,5}",
      // Literals.
      "{\"t\":tru}",
      "{\"t\":True}",
      "{\"t\":nul}",
      "{\"t\":falsey}",
      // Strings.
      "{\"s\":\"abc}",
      "{\"s\":\"a\\x\"}",
      "{\"s\":\"a\\\"}",
      "{\"s\":\"\\u12\"}",
      "{\"s\":\"\\u12G4\"}",
      "{\"s\":\"\\ud800\"}",
      "{\"s\":\"\\udc00\"}",
      "{\"s\":\"\\ud800\\u0041\"}",
      "{\"s\":\"\\ud800x\"}",
      "{\"s\":\"a\tb\"}",
      "{\"s\":\"a\nb\"}",
      "{\"s\x01\":1}",
      "{\"s\":'x'}",
      // Nested values.
      "{\"a\":[1,2}",
      "{\"a\":[1,]}",
      "{\"a\":[,1]}",
      "{\"a\":{\"b\"}}",
      "{\"a\":{\"b\":1,}}",
      "{\"a\":{1:2}}",
      "{\"a\":[}",
      "{\"a\":{]}",
      "{\"a\":[01]}",
      "{\"a\":[\"\\q\"]}",
      "{\"a\":[1 2]}",
      "{\"a\":[[[[",
  };
  for (const char* json : bad) {
    const Scanned r = Scan(json);
    EXPECT_FALSE(r.ok) << "accepted: " << json;
    EXPECT_FALSE(r.error.empty()) << json;
  }
  // A NUL byte inside a string is a control character too.
  EXPECT_FALSE(Scan(std::string("{\"s\":\"a\0b\"}", 10)).ok);
  // Bytes that are not UTF-8 pass through as they are, as a backfill takes a CSV field's bytes.
  const Scanned latin1 = Scan("{\"s\":\"caf\xE9\"}");
  ASSERT_TRUE(latin1.ok);
  EXPECT_EQ(latin1.members[0].text, "caf\xE9");
}

TEST(JsonObjectScannerTest, NestingIsFollowedAndBounded) {
  std::string ok = "{\"a\":";
  for (int i = 0; i < 1000; ++i) ok += (i % 2 ? "{\"k\":" : "[");
  ok += "0";
  for (int i = 999; i >= 0; --i) ok += (i % 2 ? "}" : "]");
  ok += ",\"b\":2}";
  const Scanned r = Scan(ok);
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.members.size(), 2u);
  EXPECT_EQ(r.members[0].kind, JsonKind::kOther);
  EXPECT_EQ(r.members[1].text, "2");
  // One level more than the limit, and far deeper than any record: refused, not recursed into.
  EXPECT_FALSE(Scan("{\"a\":" + std::string(1025, '[') + std::string(1025, ']') + "}").ok);
  EXPECT_TRUE(Scan("{\"a\":" + std::string(1024, '[') + std::string(1024, ']') + "}").ok);
  const std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_FALSE(Scan(deep).ok);
}

// Random edits of valid objects, judged against nlohmann::json: the scanner accepts exactly the
// objects it accepts, and reads the same strings and numbers out of them.
TEST(JsonObjectScannerTest, AgreesWithAFullParserOnRandomEdits) {
  const std::vector<std::string> seeds = {
      kGoodForFuzz,
      R"({"a":[1,{"b":[true,false,null]},"x\"y"],"c":{"d":{}},"e":-0.5e+3,"f":"\u00e9\ud83d\ude00"})",
      R"( { "k" : "v\n\t\/" , "n" : 0 , "o" : [ ] } )",
  };
  const std::string alphabet = "{}[]\":,\\ \t\n0123456789.eE+-tfnulrsaxu\x01/";
  std::mt19937 rng(20200216);
  JsonObjectScanner scanner;
  int accepted = 0;
  for (int round = 0; round < 30000; ++round) {
    std::string text = seeds[round % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % (text.size() + 1);
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0:
          text.insert(text.begin() + at, c);
          break;
        case 1:
          if (at < text.size()) text.erase(at, 1);
          break;
        default:
          if (at < text.size()) text[at] = c;
      }
    }
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    const bool expected = !j.is_discarded() && j.is_object();
    const Scanned r = Scan(&scanner, text);
    ASSERT_EQ(r.ok, expected) << text << " | " << r.error;
    if (!r.ok) continue;
    ++accepted;
    std::set<std::string> names;
    for (const JsonMember& m : r.members) names.insert(std::string(m.name));
    if (names.size() != r.members.size()) continue;  // nlohmann keeps only the last of a name
    ASSERT_EQ(j.size(), r.members.size()) << text;
    for (const JsonMember& m : r.members) {
      const nlohmann::json& v = j.at(std::string(m.name));
      switch (m.kind) {
        case JsonKind::kString:
          ASSERT_TRUE(v.is_string()) << text;
          EXPECT_EQ(v.get<std::string>(), m.text) << text;
          break;
        case JsonKind::kNumber:
          ASSERT_TRUE(v.is_number()) << text;
          EXPECT_EQ(nlohmann::json::parse(m.text), v) << text;
          break;
        case JsonKind::kOther:
          EXPECT_TRUE(v.is_object() || v.is_array() || v.is_boolean() || v.is_null()) << text;
          EXPECT_EQ(nlohmann::json::parse(m.text), v) << text;
      }
    }
  }
  EXPECT_GT(accepted, 1000);  // not only rejections
}

// ---------------------------------------------------------------------------------------------
// Readings: every reason, and the order they are checked in.

constexpr char kGood[] =
    R"({"meter_id":"M1","enterprise_id":"E1","ts":"2020-02-16T00:15:00+08:00","kwh":1.250,)"
    R"("kind":"interval"})";

struct Verdict {
  bool ok;
  DeadLetterReason reason;
  std::string detail;
};

Verdict DecodeReading(std::optional<std::string_view> key, std::string_view value,
                      Reading* r = nullptr, size_t max_bytes = 65536) {
  ReadingJsonDecoder d(max_bytes);
  Reading ignored;
  DecodeError e{DeadLetterReason::kCount, ""};
  const bool ok = d.Decode(key, value, r ? r : &ignored, &e);
  return {ok, e.reason, e.detail};
}

std::string With(std::string_view field_json) {
  return R"({"meter_id":"M1","enterprise_id":"E1","ts":"2020-02-16T00:15:00+08:00",)" +
         std::string(field_json) + "}";
}

TEST(ReadingJsonDecoderTest, DecodesAProducedMessage) {
  ReadingJsonDecoder d;
  Reading r;
  DecodeError e;
  ASSERT_TRUE(d.Decode("E1", kGood, &r, &e)) << e.detail;
  EXPECT_EQ(r.meter_id, "M1");
  EXPECT_EQ(r.enterprise_id, "E1");
  EpochSeconds ts;
  ASSERT_TRUE(ParseInstant("2020-02-16T00:15:00+08:00", &ts));
  EXPECT_EQ(r.ts, ts);
  EXPECT_EQ(r.energy, 1250000);
  EXPECT_EQ(r.kind, ReadingKind::kInterval);
  // The views point into the message itself when nothing is escaped.
  const std::string_view value = kGood;
  EXPECT_GE(r.meter_id.data(), value.data());
  EXPECT_LE(r.meter_id.data() + r.meter_id.size(), value.data() + value.size());

  // Fields in any order, kwh as a string, kind absent or empty (interval) or register.
  ASSERT_TRUE(d.Decode(
      "E1", R"({"kwh":"2.5","ts":"1581783300","enterprise_id":"E1","meter_id":"M"})", &r, &e))
      << e.detail;
  EXPECT_EQ(r.energy, 2500000);
  EXPECT_EQ(r.kind, ReadingKind::kInterval);
  ASSERT_TRUE(d.Decode("E1", With(R"("kwh":1,"kind":"")"), &r, &e)) << e.detail;
  EXPECT_EQ(r.kind, ReadingKind::kInterval);
  ASSERT_TRUE(d.Decode("E1", With(R"("kwh":3.5e2,"kind":"register")"), &r, &e)) << e.detail;
  EXPECT_EQ(r.kind, ReadingKind::kRegister);
  EXPECT_EQ(r.energy, 350000000);

  // Escaped ids are unescaped; the key is compared with the unescaped id.
  const std::string escaped =
      R"({"meter_id":"M\"1\"","enterprise_id":"E\u00e9","ts":"1581783300","kwh":0})";
  ASSERT_TRUE(d.Decode("E\xC3\xA9", escaped, &r, &e)) << e.detail;
  EXPECT_EQ(r.meter_id, "M\"1\"");
  EXPECT_EQ(r.enterprise_id, "E\xC3\xA9");
}

TEST(ReadingJsonDecoderTest, EveryReason) {
  struct Case {
    std::optional<std::string_view> key;
    std::string value;
    DeadLetterReason reason;
  };
  using R = DeadLetterReason;
  const std::vector<Case> cases = {
      // The message as a whole.
      {"E1", "not json", R::kParseError},
      {"E1", "", R::kParseError},
      {"E1", "[1,2]", R::kParseError},
      {"E1", "\"a string\"", R::kParseError},
      {"E1", std::string(kGood) + "x", R::kParseError},
      {"E1", With(R"("kwh":01)"), R::kParseError},
      {"E1", With(R"("kwh":+1)"), R::kParseError},
      {"E1", With(R"("kwh":.5)"), R::kParseError},
      {"E1", With(R"("kwh":1.)"), R::kParseError},
      {"E1", With(R"("kwh":NaN)"), R::kParseError},
      {"E1", With(R"("kwh":1,"extra":[1,)"), R::kParseError},  // malformed beats unknown
      {std::nullopt, "M1,E1,1581783300,1.0", R::kParseError},  // a raw line of `produce`
      {"E1", With(R"("kwh":1,"note":"x")"), R::kUnknownField},
      {"E1", With(R"("kwh":1,"Kind":"interval")"), R::kUnknownField},
      {"E1", With(R"("kwh":1,"kwh":2)"), R::kDuplicateField},
      {"E1", With(R"("kwh":1,"kind":"interval","kind":"interval")"), R::kDuplicateField},
      {"E1", R"({"meter_id":"M1","enterprise_id":"E1","ts":"1581783300"})", R::kMissingField},
      {"E1", R"({"enterprise_id":"E1","ts":"1581783300","kwh":1})", R::kMissingField},
      {"E1", "{}", R::kMissingField},
      {"E1", R"({"meter_id":12,"enterprise_id":"E1","ts":"1581783300","kwh":1})", R::kWrongType},
      {"E1", R"({"meter_id":"M1","enterprise_id":null,"ts":"1581783300","kwh":1})", R::kWrongType},
      {"E1", R"({"meter_id":"M1","enterprise_id":"E1","ts":1581783300,"kwh":1})", R::kWrongType},
      {"E1", With(R"("kwh":{})"), R::kWrongType},
      {"E1", With(R"("kwh":{"v":1})"), R::kWrongType},
      {"E1", With(R"("kwh":[1])"), R::kWrongType},
      {"E1", With(R"("kwh":true)"), R::kWrongType},
      {"E1", With(R"("kwh":null)"), R::kWrongType},
      {"E1", With(R"("kwh":1,"kind":1)"), R::kWrongType},
      {"E1", With(R"("kwh":1,"kind":null)"), R::kWrongType},
      {std::nullopt, kGood, R::kMissingKey},
      {"E2", kGood, R::kKeyMismatch},
      {"", kGood, R::kKeyMismatch},  // an empty key is a key, and not this one
      {" E1", kGood, R::kKeyMismatch},
      // The field checks of the CSV decoder.
      {"E1", R"({"meter_id":"","enterprise_id":"E1","ts":"1581783300","kwh":1})", R::kParseError},
      {"E1", R"({"meter_id":"M\u0001","enterprise_id":"E1","ts":"1581783300","kwh":1})",
       R::kParseError},
      {"", R"({"meter_id":"M1","enterprise_id":"","ts":"1581783300","kwh":1})", R::kParseError},
      {"E1", R"({"meter_id":"M1","enterprise_id":"E1","ts":"2020-02-16 00:15","kwh":1})",
       R::kBadTimestamp},
      {"E1", With(R"("kwh":"12.3.4")"), R::kBadKwh},
      {"E1", With(R"("kwh":"abc")"), R::kBadKwh},
      {"E1", With(R"("kwh":"")"), R::kBadKwh},
      {"E1", With(R"("kwh":-2)"), R::kNegativeKwh},
      {"E1", With(R"("kwh":"nan")"), R::kNonFiniteKwh},
      {"E1", With(R"("kwh":1e300)"), R::kKwhAboveMax},
      {"E1", With(R"("kwh":1,"kind":"hourly")"), R::kBadKind},
  };
  for (const Case& c : cases) {
    const Verdict v = DecodeReading(c.key, c.value);
    EXPECT_FALSE(v.ok) << c.value;
    EXPECT_EQ(ReasonCode(v.reason), ReasonCode(c.reason)) << c.value << ": " << v.detail;
    EXPECT_FALSE(v.detail.empty()) << c.value;
  }
  // The size limit comes first of all, and is inclusive.
  const std::string value = kGood;
  EXPECT_EQ(DecodeReading("E1", value, nullptr, value.size() - 1).reason,
            DeadLetterReason::kMessageTooLarge);
  EXPECT_EQ(DecodeReading(std::nullopt, "x" + value, nullptr, value.size()).reason,
            DeadLetterReason::kMessageTooLarge);
  EXPECT_TRUE(DecodeReading("E1", value, nullptr, value.size()).ok);
}

TEST(ReadingJsonDecoderTest, ReasonsAreCheckedInOrder) {
  using R = DeadLetterReason;
  // unknown_field before duplicate_field before missing_field before wrong_type.
  EXPECT_EQ(DecodeReading("E1", R"({"x":1,"ts":"1","ts":"1"})").reason, R::kUnknownField);
  EXPECT_EQ(DecodeReading("E1", R"({"ts":"1","ts":"1"})").reason, R::kDuplicateField);
  EXPECT_EQ(DecodeReading("E1", R"({"meter_id":1,"enterprise_id":"E1","ts":"1"})").reason,
            R::kMissingField);
  // wrong_type before missing_key, missing_key before the field checks.
  EXPECT_EQ(DecodeReading(std::nullopt, With(R"("kwh":null)")).reason, R::kWrongType);
  EXPECT_EQ(DecodeReading(std::nullopt, With(R"("kwh":"abc")")).reason, R::kMissingKey);
  // The field checks before key_mismatch: a bad record is dead-lettered for what is wrong in it.
  EXPECT_EQ(DecodeReading("E2", With(R"("kwh":"abc")")).reason, R::kBadKwh);
}

TEST(ReadingJsonDecoderTest, ReasonCodesAreListedOnce) {
  // The new codes are appended, so the existing counters keep their indexes.
  EXPECT_EQ(ReasonCode(DeadLetterReason::kParseError), "parse_error");
  EXPECT_EQ(ReasonCode(DeadLetterReason::kBadWeather), "bad_weather");
  const std::pair<DeadLetterReason, std::string_view> added[] = {
      {DeadLetterReason::kWrongType, "wrong_type"},
      {DeadLetterReason::kUnknownField, "unknown_field"},
      {DeadLetterReason::kMissingField, "missing_field"},
      {DeadLetterReason::kDuplicateField, "duplicate_field"},
      {DeadLetterReason::kMessageTooLarge, "message_too_large"},
      {DeadLetterReason::kMissingKey, "missing_key"},
      {DeadLetterReason::kKeyMismatch, "key_mismatch"},
      {DeadLetterReason::kPartitionGap, "partition_gap"},
      {DeadLetterReason::kInternalError, "internal_error"},
      {DeadLetterReason::kConflictingRegistryLine, "conflicting_registry_line"}};
  for (const auto& [reason, code] : added) EXPECT_EQ(ReasonCode(reason), code);
  std::set<std::string_view> codes;
  for (size_t i = 0; i < kDeadLetterReasonCount; ++i) {
    const std::string_view code = ReasonCode(static_cast<DeadLetterReason>(i));
    EXPECT_FALSE(code.empty()) << i;
    EXPECT_TRUE(codes.insert(code).second) << code;
  }
  // The schema users validate dead letters against lists exactly these codes, in this order.
  std::ifstream schema_file(std::string(FUGONG_SOURCE_DIR) + "/schemas/dead_letter.schema.json");
  const nlohmann::json schema = nlohmann::json::parse(schema_file, nullptr, false);
  ASSERT_FALSE(schema.is_discarded());
  std::vector<std::string> listed = schema["properties"]["reason"]["enum"];
  ASSERT_EQ(listed.size(), kDeadLetterReasonCount);
  for (size_t i = 0; i < kDeadLetterReasonCount; ++i) {
    EXPECT_EQ(listed[i], ReasonCode(static_cast<DeadLetterReason>(i)));
  }
}

// ---------------------------------------------------------------------------------------------
// Enterprises and weather.

TEST(EnterpriseJsonDecoderTest, DecodesAndRejectsLikeTheCsvDecoder) {
  EnterpriseJsonDecoder d(&RegionTable::Zhejiang(), &IndustryTable::Standard());
  Enterprise e;
  DecodeError err;
  ASSERT_TRUE(d.Decode("E1",
                       R"({"enterprise_id":"E1","county_code":"330782","industry":"C3411",)"
                       R"("scale":"above","tags":"b;a;b","active_from":"2020-01-01"})",
                       &e, &err))
      << err.detail;
  EXPECT_EQ(e.id, "E1");
  EXPECT_EQ(e.industry, "I07");
  EXPECT_EQ(e.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(e.active_from.has_value());
  EXPECT_FALSE(e.active_to.has_value());

  using R = DeadLetterReason;
  const std::string base = R"("enterprise_id":"E1","county_code":"330782","industry":"I07")";
  const struct {
    std::optional<std::string_view> key;
    std::string value;
    R reason;
  } cases[] = {
      {"E1", "{" + base + "}", R::kMissingField},
      {"E1", "{" + base + R"(,"scale":"above","size":"big"})", R::kUnknownField},
      {"E1", "{" + base + R"(,"scale":"above","scale":"below"})", R::kDuplicateField},
      {"E1", "{" + base + R"(,"scale":"above","tags":["a"]})", R::kWrongType},
      {"E1", "{" + base + R"(,"scale":"above","active_to":20200101})", R::kWrongType},
      {"E1", R"({"enterprise_id":"E1","county_code":330782,"industry":"I07","scale":"above"})",
       R::kWrongType},
      {std::nullopt, "{" + base + R"(,"scale":"above"})", R::kMissingKey},
      {"E2", "{" + base + R"(,"scale":"above"})", R::kKeyMismatch},
      {"E1", "{" + base + R"(,"scale":"large"})", R::kBadEnterprise},
      {"E1", R"({"enterprise_id":"E1","county_code":"330700","industry":"I07","scale":"above"})",
       R::kUnknownCounty},
      {"E1", R"({"enterprise_id":"E1","county_code":"330782","industry":"C","scale":"above"})",
       R::kUnknownIndustry},
      {"E1", "{" + base + R"(,"scale":"above"} x)", R::kParseError},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(d.Decode(c.key, c.value, &e, &err)) << c.value;
    EXPECT_EQ(ReasonCode(err.reason), ReasonCode(c.reason)) << c.value << ": " << err.detail;
  }
  EnterpriseJsonDecoder small(&RegionTable::Zhejiang(), &IndustryTable::Standard(), 10);
  EXPECT_FALSE(small.Decode("E1", "{" + base + "}", &e, &err));
  EXPECT_EQ(err.reason, R::kMessageTooLarge);
}

TEST(WeatherJsonDecoderTest, DecodesAndRejectsLikeTheCsvDecoder) {
  WeatherJsonDecoder d(&RegionTable::Zhejiang());
  WeatherRow row;
  DecodeError err;
  ASSERT_TRUE(d.Decode(
      "330102", R"({"county_code":"330102","date":"2020-01-05","temp_mean_c":-3.5})", &row, &err))
      << err.detail;
  EXPECT_EQ(row.county, "330102");
  EXPECT_DOUBLE_EQ(row.temp_mean_c, -3.5);
  ASSERT_TRUE(d.Decode(
      "330102", R"({"county_code":"330102","date":"2020-01-05","temp_mean_c":"6.5"})", &row, &err))
      << err.detail;
  EXPECT_DOUBLE_EQ(row.temp_mean_c, 6.5);

  using R = DeadLetterReason;
  const struct {
    std::optional<std::string_view> key;
    std::string value;
    R reason;
  } cases[] = {
      {"330102", R"({"county_code":"330102","date":"2020-01-05"})", R::kMissingField},
      {"330102", R"({"county_code":"330102","date":"2020-01-05","temp_mean_c":null})",
       R::kWrongType},
      {"330102", R"({"county_code":330102,"date":"2020-01-05","temp_mean_c":1})", R::kWrongType},
      {"330102", R"({"county_code":"330102","date":"2020-01-05","temp_mean_c":1,"t":1})",
       R::kUnknownField},
      {std::nullopt, R"({"county_code":"330102","date":"2020-01-05","temp_mean_c":1})",
       R::kMissingKey},
      {"330103", R"({"county_code":"330102","date":"2020-01-05","temp_mean_c":1})",
       R::kKeyMismatch},
      {"330102", R"({"county_code":"330102","date":"2020-01-05","temp_mean_c":150})",
       R::kBadWeather},
      {"330102", R"({"county_code":"330102","date":"2020-01-05","temp_mean_c":"warm"})",
       R::kBadWeather},
      {"999999", R"({"county_code":"999999","date":"2020-01-05","temp_mean_c":1})", R::kBadWeather},
      {std::nullopt, "330102,2020-01-05", R::kParseError},
  };
  for (const auto& c : cases) {
    EXPECT_FALSE(d.Decode(c.key, c.value, &row, &err)) << c.value;
    EXPECT_EQ(ReasonCode(err.reason), ReasonCode(c.reason)) << c.value << ": " << err.detail;
  }
}

// ---------------------------------------------------------------------------------------------
// The equivalence property: for every line, the CSV decoder's verdict on the line equals the JSON
// decoder's verdict on the message `fugong produce` makes of it, value for value.

CsvMessageEncoder Encoder(TopicRecordKind kind, std::string_view header) {
  Result<CsvMessageEncoder> encoder = CsvMessageEncoder::FromHeader(kind, header);
  EXPECT_TRUE(encoder.ok()) << encoder.status().ToString();
  return std::move(encoder).value();
}

// Every combination of the given field variants, joined with commas.
std::vector<std::string> Lines(const std::vector<std::vector<std::string>>& variants) {
  std::vector<std::string> lines = {""};
  for (size_t f = 0; f < variants.size(); ++f) {
    std::vector<std::string> next;
    for (const std::string& prefix : lines) {
      for (const std::string& v : variants[f]) next.push_back(prefix + (f ? "," : "") + v);
    }
    lines = std::move(next);
  }
  return lines;
}

// Lines for `header`: every combination of each column's variants (a column that is not a field
// gets a placeholder), each also with a CRLF line end.
std::vector<std::string> LinesFor(std::string_view header,
                                  const std::map<std::string, std::vector<std::string>>& variants) {
  std::vector<std::vector<std::string>> columns;
  while (true) {
    const size_t comma = header.find(',');
    const auto it = variants.find(std::string(header.substr(0, comma)));
    columns.push_back(it == variants.end() ? std::vector<std::string>{"n"} : it->second);
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  std::vector<std::string> lines;
  for (std::string& line : Lines(columns)) {
    lines.push_back(line + "\r");
    lines.push_back(std::move(line));
  }
  return lines;
}

// Lines that do not split into the header's fields, or are odd in other ways.
const std::vector<std::string> kOddLines = {
    "",
    "garbage",
    ",,,,",
    ",,,,,,,,,,,,,,",
    "a,b",
    "a,b,c,d,e,f,g,h",
    "\"unterminated,a,b,c,d",
    "a,\"b,c,d,e",
    "a,b,c,d,\"e",
    "\r",
    ",,,,\r",
    "a,b\r",
    "\"\",\"\",\"\",\"\",\"\"",
    "\"a\"x,b,c,d,e",  // text after a closing quote
    "a\"b,c,d,e,f",    // a quote inside a field
    "\xEF\xBB\xBF"
    "M1,E1,1581783300,1,interval",
};

// The readings lines: reading_decode_test.cc's cases, every field's good and bad variants
// crossed, quoted fields, CRLF line ends, control bytes.
std::vector<std::string> ReadingLines(std::string_view header) {
  std::vector<std::string> lines = {
      "M1,E1,2020-02-16T00:15:00+08:00,1.0",
      "M1,E1,2020-02-16T00:15:00+08:00,1.0,interval,x",
      ",E1,2020-02-16T00:15:00+08:00,1.0,interval",
      "M1,E1,2020-02-16 00:15,1.0,interval",
      "M1,E1,2020-02-16T00:15:00+08:00,12.3.4,interval",
      "M1,E1,2020-02-16T00:15:00+08:00,-2,interval",
      "M1,E1,2020-02-16T00:15:00+08:00,nan,interval",
      "M1,E1,2020-02-16T00:15:00+08:00,1,hourly",
      "M1,E1,2020-02-16T00:15:00+08:00,\"1,interval",
      "\"M1\",\"E1\",1581783300,\"2.5\",register",
      "\"M,1\",\"E \"\"7\"\", Ltd\",1581783300,2,interval",
      "\"M\r1\",E1,1581783300,2,interval",
      "M1,E1,1581783300,\"\",",
  };
  const std::map<std::string, std::vector<std::string>> variants = {
      {"meter_id",
       {"M1", "", "\"M,1\"", "M\t1", "M\x01", "\"M \"\"q\"\"\"", "电表é", " M1", "M\\1", "M/\"1"}},
      {"enterprise_id", {"E1", "", "\"E1\"", "E\x7f", " E1"}},
      {"ts",
       {"2020-02-16T00:15:00+08:00", "1581783300", "2020-02-16 00:15", "",
        "\"2020-02-16T16:00:00Z\"", "-1", "1e9"}},
      {"kwh",
       {"1.250",     "12.3.4",  "1e3", "-0", "nan", "NaN", "inf",   "-Infinity", "-2",
        "+1",        ".5",      "1.",  "01", "",    "abc", "1e999", "3.5e2",     "1E+3",
        "0.0000005", "\"2.5\"", " 1",  "1 ", "-",   "1e",  "9e12",  "9.1e12",    "1234567890123",
        "0x10",      "-0.0",    "00"}},
      {"kind", {"interval", "register", "", "hourly", "\"register\"", "Interval"}},
  };
  for (std::string& line : LinesFor(header, variants)) lines.push_back(std::move(line));
  lines.insert(lines.end(), kOddLines.begin(), kOddLines.end());
  return lines;
}

// What the two decoders made of one line.
template <typename Row>
struct BothWays {
  bool accepted = false;
  bool raw = false;  // the message is the line's raw bytes (`produce` could not encode it)
  Row from_csv, from_json;
  std::string where;  // `context`, the line and the message, for failure messages
};

// One line both ways: `csv` decodes the line, `json` the message `encoder` makes of it. Fatal
// unless both accept or both reject; when both reject, they must give the same reason and, for a
// message with a key (not the raw line), the same detail: the field checks are the same code, so
// they say the same thing. Call it inside ASSERT_NO_FATAL_FAILURE.
template <typename Row, typename CsvDecoder, typename JsonDecoder>
void DecodeBothWays(const std::string& context, const std::string& line, CsvDecoder& csv,
                    CsvMessageEncoder& encoder, JsonDecoder& json, BothWays<Row>* out) {
  DecodeError csv_error{DeadLetterReason::kCount, ""}, json_error{DeadLetterReason::kCount, ""};
  const bool csv_ok = csv.Decode(line, &out->from_csv, &csv_error);
  const CsvMessageEncoder::Message m = encoder.Encode(line);
  const std::optional<std::string_view> key =
      m.raw ? std::nullopt : std::optional<std::string_view>(m.key);
  const bool json_ok = json.Decode(key, m.value, &out->from_json, &json_error);
  out->where = context + line + " | " + std::string(m.value);
  out->raw = m.raw;
  out->accepted = csv_ok;
  ASSERT_EQ(csv_ok, json_ok) << out->where << " | " << csv_error.detail << json_error.detail;
  if (!csv_ok) {
    ASSERT_EQ(ReasonCode(csv_error.reason), ReasonCode(json_error.reason))
        << out->where << " | " << csv_error.detail << " | " << json_error.detail;
    if (!m.raw) {
      EXPECT_EQ(csv_error.detail, json_error.detail) << out->where;
    }
  }
}

TEST(JsonCsvEquivalenceTest, Readings) {
  // With and without the kind column, in another order, with a column that is not a field.
  for (const char* header :
       {"meter_id,enterprise_id,ts,kwh,kind", "meter_id,enterprise_id,ts,kwh",
        "kind,kwh,ts,enterprise_id,meter_id", "meter_id,note,enterprise_id,ts,kwh"}) {
    const std::vector<std::string> lines = ReadingLines(header);
    Result<ReadingCsvDecoder> csv = ReadingCsvDecoder::FromHeader(header);
    ASSERT_TRUE(csv.ok());
    CsvMessageEncoder encoder = Encoder(TopicRecordKind::kReadings, header);
    ReadingJsonDecoder json;
    size_t accepted = 0, raw = 0;
    for (const std::string& line : lines) {
      BothWays<Reading> d;
      ASSERT_NO_FATAL_FAILURE(
          DecodeBothWays(std::string(header) + " | ", line, *csv, encoder, json, &d));
      raw += d.raw;
      if (d.accepted) {
        ++accepted;
        EXPECT_EQ(d.from_csv.meter_id, d.from_json.meter_id) << d.where;
        EXPECT_EQ(d.from_csv.enterprise_id, d.from_json.enterprise_id) << d.where;
        EXPECT_EQ(d.from_csv.ts, d.from_json.ts) << d.where;
        EXPECT_EQ(d.from_csv.energy, d.from_json.energy) << d.where;
        EXPECT_EQ(d.from_csv.kind, d.from_json.kind) << d.where;
      }
    }
    // The property is not vacuous: both outcomes, and raw messages, are well represented.
    EXPECT_GT(accepted, 500u) << header;
    EXPECT_GT(lines.size() - accepted, 5000u) << header;
    EXPECT_GE(raw, 10u) << header;
  }
}

TEST(JsonCsvEquivalenceTest, Enterprises) {
  const std::map<std::string, std::vector<std::string>> variants = {
      {"enterprise_id", {"E1", " E1 ", "", "\"E,1\"", "E\x01", "\"E \"\"1\"\"\""}},
      {"county_code", {"330782", "999999", "330700", " 330782", ""}},
      {"industry", {"I07", "C3411", "C", " I15", ""}},
      {"scale", {"above", "below", "large", " above ", ""}},
      {"tags", {"", "a;b;a", "a|b", " x ; y ", "t\x02", "\"a,b\"", ";;"}},
      {"active_from", {"", "2020-01-01", "2020-13-01", " 2020-01-01"}},
      {"active_to", {"", "2020-02-01", "2019-01-01"}},
  };
  // All columns; in another order with a column that is not a field; without the optional ones.
  for (const char* header :
       {"enterprise_id,county_code,industry,scale,tags,active_from,active_to",
        "active_to,note,active_from,tags,scale,industry,county_code,enterprise_id",
        "enterprise_id,county_code,industry,scale"}) {
    std::vector<std::string> lines = LinesFor(header, variants);
    lines.insert(lines.end(), kOddLines.begin(), kOddLines.end());
    Result<EnterpriseCsvDecoder> csv = EnterpriseCsvDecoder::FromHeader(
        header, &RegionTable::Zhejiang(), &IndustryTable::Standard());
    ASSERT_TRUE(csv.ok());
    CsvMessageEncoder encoder = Encoder(TopicRecordKind::kEnterprises, header);
    EnterpriseJsonDecoder json(&RegionTable::Zhejiang(), &IndustryTable::Standard());
    size_t accepted = 0;
    for (const std::string& line : lines) {
      BothWays<Enterprise> d;
      ASSERT_NO_FATAL_FAILURE(DecodeBothWays("", line, *csv, encoder, json, &d));
      if (d.accepted) {
        ++accepted;
        EXPECT_EQ(d.from_csv.id, d.from_json.id) << d.where;
        EXPECT_EQ(d.from_csv.county, d.from_json.county) << d.where;
        EXPECT_EQ(d.from_csv.industry, d.from_json.industry) << d.where;
        EXPECT_EQ(d.from_csv.scale, d.from_json.scale) << d.where;
        EXPECT_EQ(d.from_csv.tags, d.from_json.tags) << d.where;
        EXPECT_EQ(d.from_csv.active_from, d.from_json.active_from) << d.where;
        EXPECT_EQ(d.from_csv.active_to, d.from_json.active_to) << d.where;
      }
    }
    EXPECT_GT(accepted, 100u);
    EXPECT_GT(lines.size() - accepted, 1000u);
  }
}

TEST(JsonCsvEquivalenceTest, Weather) {
  const std::map<std::string, std::vector<std::string>> variants = {
      {"county_code", {"330102", " 330102", "999999", "", "\"330102\"", "330100"}},
      {"date", {"2020-01-05", "2020-02-30", "", " 2020-01-05", "2020-1-5"}},
      {"temp_mean_c", {"6.5", "-3.5", "warm",  "150",   "-90",     "-90.5", "70",    "1e1",
                       "+1",  "nan",  "inf",   "",      " 6.5",    "01",    "1.",    ".5",
                       "-0",  "0x10", "3.5e2", "-1e-2", "\"6.5\"", "1,5",   "1e999", "-inf"}},
  };
  for (const char* header : {"county_code,date,temp_mean_c", "temp_mean_c,date,county_code,note"}) {
    std::vector<std::string> lines = LinesFor(header, variants);
    lines.insert(lines.end(), kOddLines.begin(), kOddLines.end());
    Result<WeatherCsvDecoder> csv = WeatherCsvDecoder::FromHeader(header, &RegionTable::Zhejiang());
    ASSERT_TRUE(csv.ok());
    CsvMessageEncoder encoder = Encoder(TopicRecordKind::kWeather, header);
    WeatherJsonDecoder json(&RegionTable::Zhejiang());
    size_t accepted = 0;
    for (const std::string& line : lines) {
      BothWays<WeatherRow> d;
      ASSERT_NO_FATAL_FAILURE(DecodeBothWays("", line, *csv, encoder, json, &d));
      if (d.accepted) {
        ++accepted;
        EXPECT_EQ(d.from_csv.county, d.from_json.county) << d.where;
        EXPECT_EQ(d.from_csv.day, d.from_json.day) << d.where;
        // Same text, same bits.
        EXPECT_EQ(d.from_csv.temp_mean_c, d.from_json.temp_mean_c) << d.where;
      }
    }
    EXPECT_GT(accepted, 50u);
  }
}

// A raw line of `produce` that happens to be a JSON object is not told apart from a message of a
// producer that sent no key: the JSON decoder judges it as a message (here missing_field), where
// the CSV decoder said parse_error. Both dead-letter it.
TEST(JsonCsvEquivalenceTest, ARawLineThatIsJsonIsStillDeadLettered) {
  const char* header = "meter_id,enterprise_id,ts,kwh,kind";
  Result<ReadingCsvDecoder> csv = ReadingCsvDecoder::FromHeader(header);
  ASSERT_TRUE(csv.ok());
  CsvMessageEncoder encoder = Encoder(TopicRecordKind::kReadings, header);
  ReadingJsonDecoder json;
  Reading r;
  DecodeError e;
  for (const char* line :
       {"{\"kwh\":1}", R"({"meter_id":"M1","enterprise_id":"E1","ts":"1581783300","kwh":1})"}) {
    const CsvMessageEncoder::Message m = encoder.Encode(line);
    ASSERT_TRUE(m.raw) << line;
    EXPECT_FALSE(csv->Decode(line, &r, &e));
    EXPECT_EQ(e.reason, DeadLetterReason::kParseError);
    EXPECT_FALSE(json.Decode(std::nullopt, m.value, &r, &e)) << line;
  }
}

}  // namespace
}  // namespace fugong
