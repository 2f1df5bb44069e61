// SPEC "Readings" and "Bad input": decoding and placing readings.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/decode/energy_text.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/validate/reading_validator.h"

namespace fugong {
namespace {

TEST(EnergyTextTest, ParsesExactMicroKwh) {
  MicroKwh v;
  ASSERT_EQ(ParseMicroKwh("12.345", &v), EnergyParse::kOk);
  EXPECT_EQ(v, 12345000);
  ASSERT_EQ(ParseMicroKwh("0", &v), EnergyParse::kOk);
  EXPECT_EQ(v, 0);
  ASSERT_EQ(ParseMicroKwh("0.0000005", &v), EnergyParse::kOk);
  EXPECT_EQ(v, 1);  // half away from zero past the sixth decimal
  ASSERT_EQ(ParseMicroKwh("0.0000004", &v), EnergyParse::kOk);
  EXPECT_EQ(v, 0);
  ASSERT_EQ(ParseMicroKwh("1e3", &v), EnergyParse::kOk);
  EXPECT_EQ(v, 1000000000);
  ASSERT_EQ(ParseMicroKwh(".5", &v), EnergyParse::kOk);
  EXPECT_EQ(v, 500000);
  EXPECT_EQ(ParseMicroKwh("-1.5", &v), EnergyParse::kNegative);
  EXPECT_EQ(ParseMicroKwh("NaN", &v), EnergyParse::kNonFinite);
  EXPECT_EQ(ParseMicroKwh("inf", &v), EnergyParse::kNonFinite);
  EXPECT_EQ(ParseMicroKwh("12.3.4", &v), EnergyParse::kNotANumber);
  EXPECT_EQ(ParseMicroKwh("", &v), EnergyParse::kNotANumber);
  EXPECT_EQ(ParseMicroKwh("abc", &v), EnergyParse::kNotANumber);
  EXPECT_EQ(ParseMicroKwh("1e300", &v), EnergyParse::kTooLarge);
}

TEST(ReadingCsvDecoderTest, DecodesColumnsInHeaderOrder) {
  auto d = ReadingCsvDecoder::FromHeader("kwh,ts,enterprise_id,meter_id");
  ASSERT_TRUE(d.ok());
  Reading r;
  DecodeError e;
  ASSERT_TRUE(d->Decode("1.5,2020-02-16T00:15:00+08:00,E1,M1", &r, &e));
  EXPECT_EQ(r.meter_id, "M1");
  EXPECT_EQ(r.enterprise_id, "E1");
  EXPECT_EQ(r.energy, 1500000);
  EXPECT_EQ(r.kind, ReadingKind::kInterval);
  EXPECT_FALSE(ReadingCsvDecoder::FromHeader("meter_id,ts,kwh").ok());
}

TEST(ReadingCsvDecoderTest, RejectsBadRecordsWithReasons) {
  auto d = ReadingCsvDecoder::FromHeader("meter_id,enterprise_id,ts,kwh,kind");
  ASSERT_TRUE(d.ok());
  Reading r;
  DecodeError e;
  struct Case {
    const char* line;
    DeadLetterReason reason;
  } cases[] = {
      {"M1,E1,2020-02-16T00:15:00+08:00,1.0", DeadLetterReason::kParseError},
      {"M1,E1,2020-02-16T00:15:00+08:00,1.0,interval,x", DeadLetterReason::kParseError},
      {"garbage", DeadLetterReason::kParseError},
      {",E1,2020-02-16T00:15:00+08:00,1.0,interval", DeadLetterReason::kParseError},
      {"M1,E1,2020-02-16 00:15,1.0,interval", DeadLetterReason::kBadTimestamp},
      {"M1,E1,2020-02-16T00:15:00+08:00,12.3.4,interval", DeadLetterReason::kBadKwh},
      {"M1,E1,2020-02-16T00:15:00+08:00,-2,interval", DeadLetterReason::kNegativeKwh},
      {"M1,E1,2020-02-16T00:15:00+08:00,nan,interval", DeadLetterReason::kNonFiniteKwh},
      {"M1,E1,2020-02-16T00:15:00+08:00,1,hourly", DeadLetterReason::kBadKind},
      {"M1,E1,2020-02-16T00:15:00+08:00,\"1,interval", DeadLetterReason::kParseError},
      // Ids must be UTF-8: they reach JSON records and Kafka keys.
      {"M1,E\xFF,2020-02-16T00:15:00+08:00,1.0,interval", DeadLetterReason::kParseError},
      {"M\xC0\xAF,E1,2020-02-16T00:15:00+08:00,1.0,interval", DeadLetterReason::kParseError},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(d->Decode(c.line, &r, &e)) << c.line;
    EXPECT_EQ(e.reason, c.reason) << c.line << ": " << e.detail;
  }
  // Quoted fields are fine.
  ASSERT_TRUE(d->Decode("\"M1\",\"E1\",1581783300,\"2.5\",register", &r, &e)) << e.detail;
  EXPECT_EQ(r.meter_id, "M1");
  EXPECT_EQ(r.kind, ReadingKind::kRegister);
  EXPECT_EQ(r.energy, 2500000);
  // Non-ASCII ids that are UTF-8 are ids like any other.
  ASSERT_TRUE(d->Decode("电表1,企业1,1581783300,2.5,register", &r, &e)) << e.detail;
  EXPECT_EQ(r.enterprise_id, "企业1");
}

// The decoder looks for commas and quotes 16 bytes at a time, then byte by byte: fields, too many
// fields and quotes are found wherever they fall relative to those blocks.
TEST(ReadingCsvDecoderTest, FindsFieldsAndQuotesAnywhereInLongLines) {
  auto d = ReadingCsvDecoder::FromHeader("meter_id,enterprise_id,ts,kwh,kind");
  ASSERT_TRUE(d.ok());
  Reading r;
  DecodeError e;
  const std::string meter = "M123456789012345678901234567890";      // 31 bytes: past two blocks
  const std::string plain = meter + ",E1,1581783300,1.5,interval";  // r points into it
  ASSERT_TRUE(d->Decode(plain, &r, &e)) << e.detail;
  EXPECT_EQ(r.meter_id, meter);
  EXPECT_EQ(r.enterprise_id, "E1");
  EXPECT_EQ(r.energy, 1500000);
  // The last field runs into the third block: "interval" and spaces is not a kind.
  EXPECT_FALSE(d->Decode("M1,E1,1581783300,1.5,interval" + std::string(20, ' '), &r, &e));
  EXPECT_EQ(e.reason, DeadLetterReason::kBadKind);
  // A quote in the second block: the whole line is split as quoted CSV.
  const std::string quoted = meter + ",\"E,1\",1581783300,\"2.5\",register";
  ASSERT_TRUE(d->Decode(quoted, &r, &e)) << e.detail;
  EXPECT_EQ(r.enterprise_id, "E,1");
  EXPECT_EQ(r.energy, 2500000);
  // Too many fields, found in the first block, the second, or the byte-by-byte tail.
  for (const std::string& line : std::vector<std::string>{
           std::string("M1,E1,1,2,3,4,5,6,7,8"), "M1,E1,1581783300,1.5,interval,x",
           meter + ",E1,1581783300,1.5,interval,x", "M1,E1,1581783300,1.5,interval,"}) {
    EXPECT_FALSE(d->Decode(line, &r, &e)) << line;
    EXPECT_EQ(e.detail, "expected 5 fields, found more") << line;
  }
  // Too many fields before a quote that opens and never closes: a quoted line, unterminated.
  EXPECT_FALSE(d->Decode("M1,E1,1581783300,1.5,interval,x,\"y", &r, &e));
  EXPECT_EQ(e.detail, "unterminated quote");
  EXPECT_FALSE(d->Decode(meter + ",E1,1581783300", &r, &e));
  EXPECT_EQ(e.detail, "expected 5 fields, found 3");
  // Lines of exactly one and two blocks, the last field empty (an interval).
  ASSERT_TRUE(d->Decode("M,E,158178330,1,", &r, &e)) << e.detail;
  EXPECT_EQ(r.ts, 158178330);
  EXPECT_EQ(r.kind, ReadingKind::kInterval);
  ASSERT_TRUE(d->Decode("M1234567890123,E,158178330,1.25,", &r, &e)) << e.detail;
  EXPECT_EQ(r.meter_id, "M1234567890123");
  EXPECT_EQ(r.energy, 1250000);
}

class ValidatorTest : public ::testing::Test {
 protected:
  EngineConfig config_;
  Reading At(const char* ts, ReadingKind kind = ReadingKind::kInterval) {
    Reading r;
    EXPECT_TRUE(ParseInstant(ts, &r.ts)) << ts;
    r.kind = kind;
    r.energy = 1000000;
    return r;
  }
};

TEST_F(ValidatorTest, IntervalEndingAtMidnightBelongsToTheDayBefore) {
  Day now;
  ASSERT_TRUE(ParseDate("2020-03-01", &now));
  ReadingValidator v(config_, static_cast<EpochSeconds>(now) * 86400);
  PlacedReading p;
  DecodeError e;
  ASSERT_TRUE(v.Place(At("2020-02-16T00:15:00+08:00"), &p, &e));
  EXPECT_EQ(FormatDate(p.day), "2020-02-16");
  EXPECT_EQ(p.slot, 0);
  ASSERT_TRUE(v.Place(At("2020-02-17T00:00:00+08:00"), &p, &e));
  EXPECT_EQ(FormatDate(p.day), "2020-02-16");
  EXPECT_EQ(p.slot, 95);
  // The same instant written in UTC lands on the same local slot.
  ASSERT_TRUE(v.Place(At("2020-02-16T16:00:00Z"), &p, &e));
  EXPECT_EQ(FormatDate(p.day), "2020-02-16");
  EXPECT_EQ(p.slot, 95);
  EXPECT_FALSE(v.Place(At("2020-02-16T00:07:00+08:00"), &p, &e));
  EXPECT_EQ(e.reason, DeadLetterReason::kTsNotAligned);
}

TEST_F(ValidatorTest, RegisterReadingsMustBeAtLocalMidnight) {
  ReadingValidator v(config_, 2000000000);
  PlacedReading p;
  DecodeError e;
  ASSERT_TRUE(v.Place(At("2020-02-16T00:00:00+08:00", ReadingKind::kRegister), &p, &e));
  EXPECT_EQ(FormatDate(p.day), "2020-02-16");
  EXPECT_EQ(p.slot, -1);
  EXPECT_FALSE(v.Place(At("2020-02-16T00:00:00Z", ReadingKind::kRegister), &p, &e));
  EXPECT_EQ(e.reason, DeadLetterReason::kRegisterNotMidnight);
}

TEST_F(ValidatorTest, FutureAndOversizedReadingsAreRejected) {
  EpochSeconds now;
  ASSERT_TRUE(ParseInstant("2020-02-16T12:00:00+08:00", &now));
  ReadingValidator v(config_, now);
  PlacedReading p;
  DecodeError e;
  EXPECT_TRUE(v.Place(At("2020-02-17T12:00:00+08:00"), &p, &e));  // exactly a day ahead: allowed
  EXPECT_FALSE(v.Place(At("2020-02-17T12:15:00+08:00"), &p, &e));
  EXPECT_EQ(e.reason, DeadLetterReason::kFutureTimestamp);
  Reading big = At("2020-02-16T00:15:00+08:00");
  big.energy = static_cast<MicroKwh>(1e6 * 1e6) + 1;
  EXPECT_FALSE(v.Place(big, &p, &e));
  EXPECT_EQ(e.reason, DeadLetterReason::kKwhAboveMax);
  big.kind = ReadingKind::kRegister;  // the cap is for intervals; registers are cumulative
  big.ts -= 15 * 60;
  EXPECT_TRUE(v.Place(big, &p, &e)) << e.detail;
}

// A run of readings of one timestamp is placed from the memo of the first; the interval cap is
// still checked for each, and another timestamp or a register is placed afresh.
TEST_F(ValidatorTest, PlaceMemoGivesThePlacementOfPlace) {
  ReadingValidator v(config_, 2000000000);
  ReadingValidator::PlaceMemo memo;
  PlacedReading plain, memoed;
  DecodeError e;
  for (const char* ts : {"2020-02-16T00:15:00+08:00", "2020-02-16T00:15:00+08:00",
                         "2020-02-17T00:00:00+08:00", "2020-02-17T00:00:00+08:00"}) {
    const Reading r = At(ts);
    ASSERT_TRUE(v.Place(r, &plain, &e));
    ASSERT_TRUE(v.Place(r, &memoed, &e, &memo)) << ts;
    EXPECT_EQ(memoed.day, plain.day) << ts;
    EXPECT_EQ(memoed.slot, plain.slot) << ts;
  }
  Reading big = At("2020-02-17T00:00:00+08:00");  // the memo's timestamp
  big.energy = static_cast<MicroKwh>(1e6 * 1e6) + 1;
  EXPECT_FALSE(v.Place(big, &memoed, &e, &memo));
  EXPECT_EQ(e.reason, DeadLetterReason::kKwhAboveMax);
  const Reading reg = At("2020-02-17T00:00:00+08:00", ReadingKind::kRegister);
  ASSERT_TRUE(v.Place(reg, &memoed, &e, &memo));
  EXPECT_EQ(memoed.slot, -1);
  const Reading misaligned = At("2020-02-17T00:07:00+08:00");
  EXPECT_FALSE(v.Place(misaligned, &memoed, &e, &memo));
  EXPECT_EQ(e.reason, DeadLetterReason::kTsNotAligned);
}

}  // namespace
}  // namespace fugong

namespace fugong {
namespace {

// Daylight saving: a local day in Europe/London is 23 or 25 hours long twice a year, and its
// intervals are counted in elapsed time, so the repeated hour gets slots of its own.
TEST(ValidatorDaylightSavingTest, LondonDaysOf23And25Hours) {
  EngineConfig config;
  ASSERT_TRUE(ApplyConfigYaml("timezone: Europe/London\ninterval_minutes: 60\n", &config).ok());
  Day spring, autumn, july;
  ASSERT_TRUE(ParseDate("2020-03-29", &spring));
  ASSERT_TRUE(ParseDate("2020-10-25", &autumn));
  ASSERT_TRUE(ParseDate("2020-07-01", &july));
  EXPECT_EQ(config.IntervalsOn(spring), 23);
  EXPECT_EQ(config.IntervalsOn(autumn), 25);
  EXPECT_EQ(config.IntervalsOn(july), 24);
  EXPECT_GE(config.SlotsPerDay(), 25);

  ReadingValidator v(config, 2000000000);
  PlacedReading p;
  DecodeError e;
  Reading r;
  // 01:00 BST and 01:00 GMT on 2020-10-25: the same wall clock, two different hours.
  ASSERT_TRUE(ParseInstant("2020-10-25T01:00:00+01:00", &r.ts));
  ASSERT_TRUE(v.Place(r, &p, &e)) << e.detail;
  EXPECT_EQ(p.day, autumn);
  EXPECT_EQ(p.slot, 0);
  ASSERT_TRUE(ParseInstant("2020-10-25T01:00:00+00:00", &r.ts));
  ASSERT_TRUE(v.Place(r, &p, &e)) << e.detail;
  EXPECT_EQ(p.slot, 1);
  // The interval ending at the next local midnight is the 25th of the long day.
  ASSERT_TRUE(ParseInstant("2020-10-26T00:00:00+00:00", &r.ts));
  ASSERT_TRUE(v.Place(r, &p, &e)) << e.detail;
  EXPECT_EQ(p.day, autumn);
  EXPECT_EQ(p.slot, 24);
  // ...and the 23rd of the short one.
  ASSERT_TRUE(ParseInstant("2020-03-30T00:00:00+01:00", &r.ts));
  ASSERT_TRUE(v.Place(r, &p, &e)) << e.detail;
  EXPECT_EQ(p.day, spring);
  EXPECT_EQ(p.slot, 22);
  // A register reading at local midnight in summer time.
  r.kind = ReadingKind::kRegister;
  ASSERT_TRUE(ParseInstant("2020-07-01T00:00:00+01:00", &r.ts));
  ASSERT_TRUE(v.Place(r, &p, &e)) << e.detail;
  EXPECT_EQ(p.day, july);
  ASSERT_TRUE(ParseInstant("2020-07-01T00:00:00Z", &r.ts));  // 01:00 local
  EXPECT_FALSE(v.Place(r, &p, &e));
  EXPECT_EQ(e.reason, DeadLetterReason::kRegisterNotMidnight);
}

TEST(ValidatorDaylightSavingTest, UnknownZoneIsAConfigError) {
  EngineConfig config;
  Status st = ApplyConfigYaml("timezone: Mars/Olympus\n", &config);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("timezone"), std::string::npos);
}

}  // namespace
}  // namespace fugong
