// The epidemic risk chart (issue 11, part 1): a level holds from its date until the county's next
// entry; bad entries get their dead-letter reasons in CSV and JSON alike; county records carry
// the level after `holiday`, other levels never do.
#include "engine/reference/risk_chart.h"

#include <gtest/gtest.h>

#include "app/run_config.h"
#include "engine/decode/risk_csv_decoder.h"
#include "engine/decode/risk_json_decoder.h"
#include "engine/publish/index_record.h"
#include "engine/publish/risk_matrix.h"
#include "tests/support/dates.h"

namespace fugong {
namespace {

using testing::DayOf;

TEST(RiskChartTest, ALevelHoldsFromItsDateUntilTheCountysNextEntry) {
  RiskChart chart;
  EXPECT_TRUE(chart.empty());
  RiskChart::Span span = chart.Set("330102", DayOf("2020-02-09"), RiskLevel::kHigh);
  EXPECT_EQ(span.from, DayOf("2020-02-09"));
  EXPECT_FALSE(span.until.has_value()) << "the last entry holds from then on";
  span = chart.Set("330102", DayOf("2020-02-24"), RiskLevel::kLow);
  EXPECT_EQ(span.from, DayOf("2020-02-24"));
  EXPECT_FALSE(span.until.has_value());
  // An entry between two others changes the days up to the next one only.
  span = chart.Set("330102", DayOf("2020-02-17"), RiskLevel::kMedium);
  ASSERT_TRUE(span.until.has_value());
  EXPECT_EQ(*span.until, DayOf("2020-02-24"));
  EXPECT_TRUE(span.Contains(DayOf("2020-02-23")));
  EXPECT_FALSE(span.Contains(DayOf("2020-02-24")));
  EXPECT_FALSE(span.Contains(DayOf("2020-02-16")));

  EXPECT_FALSE(chart.LevelOn("330102", DayOf("2020-02-08")).has_value()) << "before the chart";
  EXPECT_EQ(chart.LevelOn("330102", DayOf("2020-02-09")), RiskLevel::kHigh);
  EXPECT_EQ(chart.LevelOn("330102", DayOf("2020-02-16")), RiskLevel::kHigh);
  EXPECT_EQ(chart.LevelOn("330102", DayOf("2020-02-17")), RiskLevel::kMedium);
  EXPECT_EQ(chart.LevelOn("330102", DayOf("2020-02-23")), RiskLevel::kMedium);
  EXPECT_EQ(chart.LevelOn("330102", DayOf("2020-03-30")), RiskLevel::kLow);
  EXPECT_FALSE(chart.LevelOn("330103", DayOf("2020-02-20")).has_value()) << "another county";

  // A later entry for the same county and date replaces the earlier one.
  chart.Set("330102", DayOf("2020-02-17"), RiskLevel::kLower);
  EXPECT_EQ(chart.LevelOn("330102", DayOf("2020-02-20")), RiskLevel::kLower);
}

TEST(RiskChartTest, LevelNamesAndColoursFollowTheHealthCommissionsChart) {
  const std::pair<std::string_view, std::string_view> expected[] = {{"very_high", "red"},
                                                                    {"high", "orange"},
                                                                    {"medium", "yellow"},
                                                                    {"lower", "blue"},
                                                                    {"low", "green"}};
  for (size_t i = 0; i < kRiskLevels.size(); ++i) {
    EXPECT_EQ(RiskLevelName(kRiskLevels[i]), expected[i].first);
    EXPECT_EQ(RiskLevelColor(kRiskLevels[i]), expected[i].second);
    EXPECT_EQ(ParseRiskLevel(expected[i].first), kRiskLevels[i]);
  }
  EXPECT_FALSE(ParseRiskLevel("High").has_value());
  EXPECT_FALSE(ParseRiskLevel("red").has_value()) << "colours are not levels";
}

class RiskDecodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<RunConfig> config = LoadRunConfig("", {});
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config_ = std::move(config).value();
  }
  RunConfig config_;
};

TEST_F(RiskDecodeTest, CsvLinesAreCheckedAndBadOnesGetTheirReasons) {
  Result<RiskCsvDecoder> decoder =
      RiskCsvDecoder::FromHeader("date, county_code, level", config_.regions.get());
  ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
  RiskRow row;
  DecodeError error;
  ASSERT_TRUE(decoder->Decode("2020-02-09, 330102 ,very_high", &row, &error)) << error.detail;
  EXPECT_EQ(row.county, "330102");
  EXPECT_EQ(row.day, DayOf("2020-02-09"));
  EXPECT_EQ(row.level, RiskLevel::kVeryHigh);

  const std::pair<std::string, DeadLetterReason> bad[] = {
      {"2020-02-09,999999,high", DeadLetterReason::kUnknownCounty},
      {"2020-02-09,330100,high", DeadLetterReason::kUnknownCounty},  // a city, not a county
      {"2020-02-30,330102,high", DeadLetterReason::kBadDate},
      {"09/02/2020,330102,high", DeadLetterReason::kBadDate},
      {"2020-02-09,330102,purple", DeadLetterReason::kBadRiskLevel},
      {"2020-02-09,330102,", DeadLetterReason::kBadRiskLevel},
      {"2020-02-09,330102", DeadLetterReason::kParseError},
  };
  for (const auto& [line, reason] : bad) {
    EXPECT_FALSE(decoder->Decode(line, &row, &error)) << line;
    EXPECT_EQ(ReasonCode(error.reason), ReasonCode(reason)) << line << ": " << error.detail;
  }
  EXPECT_FALSE(RiskCsvDecoder::FromHeader("county_code,date,risk", config_.regions.get()).ok())
      << "a header without level";
}

TEST_F(RiskDecodeTest, MessagesGetTheLinesVerdictsAndTheMessageChecks) {
  RiskJsonDecoder decoder(config_.regions.get());
  RiskRow row;
  DecodeError error;
  ASSERT_TRUE(decoder.Decode(
      "330102", R"({"county_code":"330102","date":"2020-02-24","level":"low"})", &row, &error))
      << error.detail;
  EXPECT_EQ(row.level, RiskLevel::kLow);
  EXPECT_EQ(row.day, DayOf("2020-02-24"));

  const std::tuple<std::optional<std::string>, std::string, DeadLetterReason> bad[] = {
      {"330102", R"({"county_code":"330102","date":"2020-02-24","level":"none"})",
       DeadLetterReason::kBadRiskLevel},
      {"999999", R"({"county_code":"999999","date":"2020-02-24","level":"low"})",
       DeadLetterReason::kUnknownCounty},
      {"330102", R"({"county_code":"330102","date":"24.02.2020","level":"low"})",
       DeadLetterReason::kBadDate},
      {"330103", R"({"county_code":"330102","date":"2020-02-24","level":"low"})",
       DeadLetterReason::kKeyMismatch},
      {std::nullopt, R"({"county_code":"330102","date":"2020-02-24","level":"low"})",
       DeadLetterReason::kMissingKey},
      {"330102", R"({"county_code":"330102","date":"2020-02-24"})",
       DeadLetterReason::kMissingField},
      {"330102", R"({"county_code":"330102","date":"2020-02-24","level":3})",
       DeadLetterReason::kWrongType},
      {"330102", R"({"county_code":"330102","date":"2020-02-24","level":"low","x":1})",
       DeadLetterReason::kUnknownField},
  };
  for (const auto& [key, value, reason] : bad) {
    std::optional<std::string_view> k;
    if (key) k = *key;
    EXPECT_FALSE(decoder.Decode(k, value, &row, &error)) << value;
    EXPECT_EQ(ReasonCode(error.reason), ReasonCode(reason)) << value << ": " << error.detail;
  }
}

TEST(RiskRecordTest, CountyRecordsCarryTheLevelAfterHolidayAndOtherLevelsNever) {
  EngineConfig config;
  config.min_group_size = 1;
  config.day_shape = false;  // the day-shape fields come after risk (index_record_test.cc)
  const Day day = DayOf("2020-02-17");
  const GroupDaySums sums{/*registered=*/4, /*eligible=*/3, /*resumed=*/2, /*recovered_kwh=*/5.0,
                          /*baseline_kwh=*/10.0};
  const Group county{GroupKey{GroupLevel::kCounty, "330102"}, "上城区"};
  const std::string without = IndexRecordContent(day, county, sums, false, config);
  const std::string with = IndexRecordContent(day, county, sums, false, config, RiskLevel::kHigh);
  EXPECT_EQ(with, without + ",\"risk\":\"high\"");
  EXPECT_EQ(without.find("risk"), std::string::npos);
  // Suppressed county records carry it too: the level is the health commission's, not a figure.
  config.min_group_size = 5;
  EXPECT_NE(IndexRecordContent(day, county, sums, false, config, RiskLevel::kLow)
                .find("\"suppressed\":true,\"holiday\":false,\"risk\":\"low\""),
            std::string::npos);
  for (GroupLevel level : {GroupLevel::kProvince, GroupLevel::kCity, GroupLevel::kCountyIndustry}) {
    const Group other{GroupKey{level, "330102"}, "x"};
    EXPECT_EQ(IndexRecordContent(day, other, sums, false, config, RiskLevel::kHigh).find("risk"),
              std::string::npos)
        << LevelName(level);
  }
}

// A hand-built day of eight counties: the matrix places each, and the two lists take exactly the
// low/lower counties in T4/T5 and the high/very_high ones in T1/T2.
TEST(RiskMatrixTest, CellsAndListsOfAHandBuiltDay) {
  const std::vector<CountyStanding> day = {
      {"330108", RiskLevel::kLow, 5},       // held back
      {"330102", RiskLevel::kLower, 4},     // held back
      {"330103", RiskLevel::kLow, 3},       // T3: neither
      {"330104", RiskLevel::kHigh, 2},      // ahead
      {"330105", RiskLevel::kVeryHigh, 1},  // ahead
      {"330106", RiskLevel::kMedium, 1},    // medium: neither
      {"330109", std::nullopt, 5},          // no chart entry
      {"330110", RiskLevel::kLow, 0},       // suppressed: no tier
  };
  const RiskMatrix m = BuildRiskMatrix(day);
  const auto cell = [&](RiskLevel level, int tier) {
    return m.cells[static_cast<size_t>(level)][tier - 1];
  };
  using Codes = std::vector<std::string>;
  EXPECT_EQ(cell(RiskLevel::kLow, 5), Codes{"330108"});
  EXPECT_EQ(cell(RiskLevel::kLower, 4), Codes{"330102"});
  EXPECT_EQ(cell(RiskLevel::kLow, 3), Codes{"330103"});
  EXPECT_EQ(cell(RiskLevel::kHigh, 2), Codes{"330104"});
  EXPECT_EQ(cell(RiskLevel::kVeryHigh, 1), Codes{"330105"});
  EXPECT_EQ(cell(RiskLevel::kMedium, 1), Codes{"330106"});
  size_t placed = 0;
  for (const auto& row : m.cells) {
    for (const auto& c : row) placed += c.size();
  }
  EXPECT_EQ(placed, 6u);
  EXPECT_EQ(m.held_back, (Codes{"330102", "330108"})) << "in code order";
  EXPECT_EQ(m.ahead, (Codes{"330104", "330105"}));
  EXPECT_EQ(m.no_risk, Codes{"330109"});
  EXPECT_EQ(m.unrated, Codes{"330110"});
  EXPECT_FALSE(IsHeldBack({"x", RiskLevel::kMedium, 5}));
  EXPECT_FALSE(IsAheadOfRisk({"x", RiskLevel::kHigh, 3}));
}

}  // namespace
}  // namespace fugong
