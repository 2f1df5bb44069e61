// SPEC "Inputs": enterprise and weather records, and the reasons bad ones are dead-lettered for.
#include <gtest/gtest.h>

#include "engine/decode/enterprise_csv_decoder.h"

namespace fugong {
namespace {

TEST(EnterpriseDecodeTest, ResolvesCodesTagsAndDates) {
  auto d = EnterpriseCsvDecoder::FromHeader(
      "enterprise_id,county_code,industry,scale,tags,active_from,active_to",
      &RegionTable::Zhejiang(), &IndustryTable::Standard());
  ASSERT_TRUE(d.ok());
  Enterprise e;
  DecodeError err;
  ASSERT_TRUE(d->Decode("E1,330782,C3411,above, foreign_trade;ecommerce;foreign_trade ,2020-01-01,",
                        &e, &err))
      << err.detail;
  EXPECT_EQ(e.industry, "I07");
  EXPECT_EQ(e.scale, Scale::kAbove);
  EXPECT_EQ(e.tags, (std::vector<std::string>{"ecommerce", "foreign_trade"}));
  Day day;
  ASSERT_TRUE(ParseDate("2019-12-31", &day));
  EXPECT_FALSE(e.ActiveOn(day));
  EXPECT_TRUE(e.ActiveOn(day + 1));
  EXPECT_FALSE(e.active_to.has_value());

  struct Case {
    const char* line;
    DeadLetterReason reason;
  } cases[] = {
      {"E2,999999,I07,above,,,", DeadLetterReason::kUnknownCounty},
      {"E2,330700,I07,above,,,", DeadLetterReason::kUnknownCounty},  // a city, not a county
      {"E2,330782,C,above,,,", DeadLetterReason::kUnknownIndustry},
      {"E2,330782,I07,large,,,", DeadLetterReason::kBadEnterprise},
      {"E2,330782,I07,above,,2020-13-01,", DeadLetterReason::kBadEnterprise},
      {"E2,330782,I07,above,,2020-03-01,2020-02-01", DeadLetterReason::kBadEnterprise},
      {"E2,330782,I07,above,a|b,,", DeadLetterReason::kBadEnterprise},
      {"E2,330782,I07,above,ok;\xC0\xAF,,", DeadLetterReason::kBadEnterprise},  // not UTF-8
      {"E\xED\xA0\x80,330782,I07,above,,,", DeadLetterReason::kBadEnterprise},
      {"E2,330782,I07", DeadLetterReason::kParseError},
  };
  for (const Case& c : cases) {
    EXPECT_FALSE(d->Decode(c.line, &e, &err)) << c.line;
    EXPECT_EQ(err.reason, c.reason) << c.line << ": " << err.detail;
  }
}

TEST(WeatherDecodeTest, ReadsTemperaturesAndRejectsBadRows) {
  auto d = WeatherCsvDecoder::FromHeader("county_code,date,temp_mean_c", &RegionTable::Zhejiang());
  ASSERT_TRUE(d.ok());
  WeatherCsvDecoder::Row row;
  DecodeError err;
  ASSERT_TRUE(d->Decode("330102,2020-01-05,6.5", &row, &err)) << err.detail;
  EXPECT_EQ(row.county, "330102");
  EXPECT_DOUBLE_EQ(row.temp_mean_c, 6.5);
  for (const char* bad : {"999999,2020-01-05,6.5", "330102,2020-02-30,6.5",
                          "330102,2020-01-05,warm", "330102,2020-01-05,150", "330102,2020-01-05"}) {
    EXPECT_FALSE(d->Decode(bad, &row, &err)) << bad;
  }
  EXPECT_FALSE(WeatherCsvDecoder::FromHeader("county,date,t", &RegionTable::Zhejiang()).ok());
}

}  // namespace
}  // namespace fugong
