// SPEC "Groups" and "Output record": the figures of one record, rounding, and the tier taken
// from the composite as published.
#include "engine/publish/index_record.h"

#include <gtest/gtest.h>

namespace fugong {
namespace {

Group County() { return Group{GroupKey{GroupLevel::kCounty, "330102"}, "上城区"}; }

TEST(IndexRecordTest, TierFollowsThePublishedComposite) {
  EngineConfig config;
  config.min_group_size = 1;
  Day day;
  ASSERT_TRUE(ParseDate("2020-02-17", &day));
  // rr = 1, lr = 0.5999992: composite = 79.99996, published as 80.0000, so T1 green although
  // the unrounded value is below 80.
  GroupDaySums sums{/*registered=*/2, /*eligible=*/1, /*resumed=*/1, /*recovered_kwh=*/0.5999992,
                    /*baseline_kwh=*/1.0};
  const std::string content = IndexRecordContent(day, County(), sums, false, config);
  EXPECT_NE(content.find("\"composite\":80.0000,\"tier\":\"T1\",\"color\":\"green\""),
            std::string::npos)
      << content;
  EXPECT_NE(content.find("\"load_recovery\":0.599999"), std::string::npos) << content;
  EXPECT_NE(content.find("\"coverage\":0.500000"), std::string::npos) << content;
  // Just below: 79.99994 stays 79.9999 and T2 blue.
  sums.recovered_kwh = 0.5999988;
  const std::string lower = IndexRecordContent(day, County(), sums, false, config);
  EXPECT_NE(lower.find("\"composite\":79.9999,\"tier\":\"T2\",\"color\":\"blue\""),
            std::string::npos)
      << lower;
}

TEST(IndexRecordTest, TheDayShapeFiguresComeLastAndFollowTheSuppressionRules) {
  EngineConfig config;  // 15-minute intervals: day shapes are read
  Day day;
  ASSERT_TRUE(ParseDate("2020-02-17", &day));
  GroupDaySums sums{/*registered=*/9, /*eligible=*/8, /*resumed=*/7, /*recovered_kwh=*/6.0,
                    /*baseline_kwh=*/8.0};
  sums.shape_judged = 6;
  sums.active = 2;
  sums.suspect_idle = 4;
  const LastYearFigure last_year{day - 364, "61.2500"};
  const std::string content =
      IndexRecordContent(day, County(), sums, false, config, RiskLevel::kLow, &last_year);
  const std::string tail =
      "\"holiday\":false,\"risk\":\"low\",\"last_year\":{\"date\":\"2019-02-18\","
      "\"composite\":61.2500},\"shape_judged\":6,\"active\":2,"
      "\"active_rate\":0.333333,\"suspect_idle\":4";
  ASSERT_GE(content.size(), tail.size());
  EXPECT_EQ(content.substr(content.size() - tail.size()), tail) << content;

  // Fewer judged than min_group_size: the counts, but no rate.
  sums.shape_judged = 2;
  sums.active = 1;
  const std::string few = IndexRecordContent(day, County(), sums, false, config);
  EXPECT_NE(few.find("\"shape_judged\":2,\"active\":1,\"active_rate\":null,\"suspect_idle\":4"),
            std::string::npos)
      << few;

  // A suppressed record has none of them.
  sums.eligible = 2;
  const std::string suppressed = IndexRecordContent(day, County(), sums, false, config);
  EXPECT_NE(suppressed.find("\"shape_judged\":null,\"active\":null,\"active_rate\":null,"
                            "\"suspect_idle\":null"),
            std::string::npos)
      << suppressed;

  // Daily register readings have no shape: the fields are absent, as SPEC's first release.
  config.interval_minutes = 1440;
  EXPECT_EQ(IndexRecordContent(day, County(), sums, false, config).find("shape_judged"),
            std::string::npos);
  config.interval_minutes = 15;
  config.day_shape = false;
  EXPECT_EQ(IndexRecordContent(day, County(), sums, false, config).find("active"),
            std::string::npos);
}

TEST(IndexRecordTest, KeyAndFinishedRecord) {
  Day day;
  ASSERT_TRUE(ParseDate("2020-02-16", &day));
  EXPECT_EQ(IndexRecordKey(day, GroupKey{GroupLevel::kCountyIndustry, "330102:I07"}),
            "2020-02-16|county_industry|330102:I07");
  EXPECT_EQ(FinishIndexRecord("{\"date\":\"2020-02-16\"", 3, 1581811200),
            "{\"date\":\"2020-02-16\",\"revision\":3,\"computed_at\":\"2020-02-16T00:00:00Z\"}");
}

}  // namespace
}  // namespace fugong
