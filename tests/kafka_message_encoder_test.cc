// CSV lines to Kafka messages: the fields of each kind in a fixed order, numbers with their
// original digits, text that is not a JSON number kept as a string, quoted fields unquoted, and
// lines that do not split into the header's fields sent as their raw bytes without a key.
#include "connectors/kafka/csv_message_encoder.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/common/json_writer.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/decode/reading_json_decoder.h"

namespace fugong {
namespace {

CsvMessageEncoder Encoder(TopicRecordKind kind, std::string_view header) {
  Result<CsvMessageEncoder> encoder = CsvMessageEncoder::FromHeader(kind, header);
  EXPECT_TRUE(encoder.ok()) << encoder.status().ToString();
  return std::move(encoder).value();
}

TEST(KafkaMessageEncoder, ReadingKeepsTheNumberAsWritten) {
  CsvMessageEncoder e = Encoder(TopicRecordKind::kReadings, "meter_id,enterprise_id,ts,kwh,kind");
  const auto m = e.Encode("M1,E1,2020-02-16T00:15:00+08:00,1.250,interval");
  EXPECT_FALSE(m.raw);
  EXPECT_EQ(m.key, "E1");
  EXPECT_EQ(m.value, R"({"meter_id":"M1","enterprise_id":"E1","ts":"2020-02-16T00:15:00+08:00",)"
                     R"("kwh":1.250,"kind":"interval"})");
  EXPECT_EQ(e.Encode("M1,E1,1581783300,3.5e2,register\r").value,
            R"({"meter_id":"M1","enterprise_id":"E1","ts":"1581783300","kwh":3.5e2,)"
            R"("kind":"register"})");
}

TEST(KafkaMessageEncoder, TextThatIsNotAJsonNumberStaysAString) {
  CsvMessageEncoder e = Encoder(TopicRecordKind::kReadings, "meter_id,enterprise_id,ts,kwh,kind");
  for (const char* kwh : {"abc", "", "NaN", "+1", ".5", "1.", "01", " 1", "1e", "-"}) {
    const auto m = e.Encode(std::string("M,E,1581783300,") + kwh + ",");
    ASSERT_FALSE(m.raw) << kwh;
    const nlohmann::json j = nlohmann::json::parse(m.value);
    EXPECT_TRUE(j["kwh"].is_string()) << kwh;
    EXPECT_EQ(j["kwh"], kwh);
  }
  for (const char* kwh : {"0", "-0.5", "12", "1e999", "1E+3", "0.000001"}) {
    const auto m = e.Encode(std::string("M,E,1581783300,") + kwh + ",");
    EXPECT_NE(m.value.find(std::string("\"kwh\":") + kwh + ","), std::string_view::npos) << kwh;
  }
}

TEST(KafkaMessageEncoder, ColumnsInAnyOrderAndQuotedFields) {
  CsvMessageEncoder e =
      Encoder(TopicRecordKind::kReadings, "\xEF\xBB\xBFkwh,ts,enterprise_id,meter_id\r\n");
  const auto m = e.Encode(R"(2,1581783300,"E ""7"", Ltd","M,1")");
  ASSERT_FALSE(m.raw);
  EXPECT_EQ(m.key, R"(E "7", Ltd)");
  EXPECT_EQ(m.value,
            R"({"meter_id":"M,1","enterprise_id":"E \"7\", Ltd","ts":"1581783300","kwh":2})");
}

TEST(KafkaMessageEncoder, WrongFieldCountsAreSentRaw) {
  CsvMessageEncoder e = Encoder(TopicRecordKind::kReadings, "meter_id,enterprise_id,ts,kwh,kind");
  for (const char* line : {"M1,E1,1581783300,1.0", "M1,E1,1581783300,1.0,interval,extra", "garbage",
                           "M1,\"E1,1581783300,1.0,interval", "{\"kwh\":1}"}) {
    const auto m = e.Encode(line);
    EXPECT_TRUE(m.raw) << line;
    EXPECT_EQ(m.value, line);
    EXPECT_TRUE(m.key.empty());
  }
  // The raw bytes are the line as read, '\r' included.
  EXPECT_EQ(e.Encode("a,b\r").value, "a,b\r");
}

TEST(KafkaMessageEncoder, EnterprisesAndWeather) {
  CsvMessageEncoder ent = Encoder(TopicRecordKind::kEnterprises,
                                  "enterprise_id,county_code,industry,scale,tags,active_from,"
                                  "active_to,note");
  ASSERT_EQ(ent.ignored_columns().size(), 1u);
  EXPECT_EQ(ent.ignored_columns()[0], "note");
  const auto m = ent.Encode("E1,330102,C36,above,foreign_trade;ecommerce,2019-01-01,,hello");
  EXPECT_EQ(m.key, "E1");
  EXPECT_EQ(m.value,
            R"({"enterprise_id":"E1","county_code":"330102","industry":"C36","scale":"above",)"
            R"("tags":"foreign_trade;ecommerce","active_from":"2019-01-01","active_to":""})");

  CsvMessageEncoder weather = Encoder(TopicRecordKind::kWeather, "county_code,date,temp_mean_c");
  const auto w = weather.Encode("330102,2020-02-16,-3.5");
  EXPECT_EQ(w.key, "330102");
  EXPECT_EQ(w.value, R"({"county_code":"330102","date":"2020-02-16","temp_mean_c":-3.5})");
}

TEST(KafkaMessageEncoder, RequiredColumnsAsTheEngineDecoders) {
  EXPECT_FALSE(CsvMessageEncoder::FromHeader(TopicRecordKind::kReadings, "meter_id,ts,kwh").ok());
  EXPECT_TRUE(
      CsvMessageEncoder::FromHeader(TopicRecordKind::kReadings, "meter_id,enterprise_id,ts,kwh")
          .ok());
  EXPECT_FALSE(
      CsvMessageEncoder::FromHeader(TopicRecordKind::kEnterprises, "enterprise_id,county_code")
          .ok());
  EXPECT_FALSE(CsvMessageEncoder::FromHeader(TopicRecordKind::kWeather, "county_code,date").ok());
}

TEST(KafkaMessageEncoder, ControlBytesAreEscaped) {
  CsvMessageEncoder e = Encoder(TopicRecordKind::kReadings, "meter_id,enterprise_id,ts,kwh");
  const auto m = e.Encode(std::string("M\t1,E\x01,1581783300,1"));
  EXPECT_EQ(m.value, R"({"meter_id":"M\t1","enterprise_id":"E\u0001","ts":"1581783300","kwh":1})");
  EXPECT_TRUE(nlohmann::json::accept(m.value));
}

// Bytes that are not UTF-8 travel as they are, so the service judges the message as the backfill
// judges the line (not a U+FFFD id that would be accepted).
TEST(KafkaMessageEncoder, InvalidUtf8GetsTheVerdictOfTheCsvLine) {
  const std::string header = "meter_id,enterprise_id,ts,kwh";
  CsvMessageEncoder e = Encoder(TopicRecordKind::kReadings, header);
  Result<ReadingCsvDecoder> csv = ReadingCsvDecoder::FromHeader(header);
  ASSERT_TRUE(csv.ok());
  ReadingJsonDecoder json;
  for (const std::string line : {"M1,E\xFF,1581783300,1", "M\xC0\xAF,E1,1581783300,1",
                                 "M1,E1,1581783300,1\xFF", "M1,E1,15817833\xED\xA0\x80,1"}) {
    Reading r;
    DecodeError csv_error, json_error;
    ASSERT_FALSE(csv->Decode(line, &r, &csv_error)) << PrintableText(line);
    const auto m = e.Encode(line);
    ASSERT_FALSE(json.Decode(m.key, m.value, &r, &json_error)) << PrintableText(line);
    EXPECT_EQ(ReasonCode(json_error.reason), ReasonCode(csv_error.reason)) << PrintableText(line);
  }
}

}  // namespace
}  // namespace fugong
