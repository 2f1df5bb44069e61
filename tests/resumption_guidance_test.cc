// Guidance by zone, industry and week (issue 11, part 3): the table, and a county's recommended
// categories against the others on a hand-built case, suppression included.
#include "engine/publish/resumption_guidance.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/dates.h"

namespace fugong {
namespace {

using testing::DayOf;

constexpr char kTable[] =
    "# a comment\n"
    "from,to,risk_level,industries\n"
    "2020-02-10,2020-02-16,low,I11;I05;I03\n"
    "2020-02-10,2020-02-16,high,I11\n"
    "2020-02-14,2020-02-16,low,I07\n"  // overlapping: adds I07 from 02-14
    "2020-02-17,2020-02-23,low, I11 ; I05 ; I03 ; I07 ; I09\n";

TEST(ResumptionGuidanceTest, RecommendedCategoriesByLevelAndWeek) {
  Result<GuidanceTable> table = GuidanceTable::Parse(kTable, "test.csv", IndustryTable::Standard());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  using Set = std::set<std::string>;
  EXPECT_EQ(table->Recommended(DayOf("2020-02-10"), RiskLevel::kLow), (Set{"I03", "I05", "I11"}));
  EXPECT_EQ(table->Recommended(DayOf("2020-02-15"), RiskLevel::kLow),
            (Set{"I03", "I05", "I07", "I11"}));
  EXPECT_EQ(table->Recommended(DayOf("2020-02-20"), RiskLevel::kLow),
            (Set{"I03", "I05", "I07", "I09", "I11"}));
  EXPECT_EQ(table->Recommended(DayOf("2020-02-12"), RiskLevel::kHigh), (Set{"I11"}));
  EXPECT_FALSE(table->Recommended(DayOf("2020-02-12"), RiskLevel::kMedium)) << "no such row";
  EXPECT_FALSE(table->Recommended(DayOf("2020-02-24"), RiskLevel::kLow)) << "after the last week";
}

TEST(ResumptionGuidanceTest, BadTablesSayWhatAndWhere) {
  const std::pair<const char*, const char*> bad[] = {
      {"from,to,risk_level,industries\n2020-02-10,2020-02-16,low,I16\n", "line 2: 'I16'"},
      {"from,to,risk_level,industries\n2020-02-10,2020-02-16,amber,I01\n", "unknown risk level"},
      {"from,to,risk_level,industries\n2020-02-16,2020-02-10,low,I01\n", "from <= to"},
      {"from,to,risk_level,industries\n2020-02-10,2020-02-16,low\n", "want from,to"},
      {"# nothing\n", "no guidance periods"},
  };
  for (const auto& [text, want] : bad) {
    Result<GuidanceTable> table = GuidanceTable::Parse(text, "g.csv", IndustryTable::Standard());
    ASSERT_FALSE(table.ok()) << text;
    EXPECT_NE(table.status().message().find(want), std::string::npos) << table.status().message();
  }
}

// County with risk low on 2020-02-12: I11, I05, I03 recommended. Groups: I11 5/4 (eligible /
// resumed), I05 suppressed, I03 2/1, I07 10/3, I13 1/0. Recommended side: I11 + I03 = 7/5;
// others: I07 + I13 = 11/3; the suppressed I05 on neither side.
TEST(ResumptionGuidanceTest, SidesSumPublishedGroupsAndAreSuppressedWhenSmall) {
  Result<GuidanceTable> table = GuidanceTable::Parse(kTable, "test.csv", IndustryTable::Standard());
  ASSERT_TRUE(table.ok());
  const std::vector<CategoryFigures> groups = {{"I11", 5, 4},
                                               {"I05", std::nullopt, std::nullopt},
                                               {"I03", 2, 1},
                                               {"I07", 10, 3},
                                               {"I13", 1, 0}};
  const CountyGuidance g =
      GuideCounty(DayOf("2020-02-12"), RiskLevel::kLow, *table, groups, /*min_group_size=*/3);
  ASSERT_TRUE(g.covered);
  EXPECT_EQ(g.recommended, (std::set<std::string>{"I03", "I05", "I11"}));
  EXPECT_EQ(g.recommended_side.eligible, 7);
  EXPECT_EQ(g.recommended_side.resumed, 5);
  EXPECT_EQ(g.recommended_side.groups, 2);
  EXPECT_FALSE(g.recommended_side.suppressed);
  EXPECT_EQ(g.others_side.eligible, 11);
  EXPECT_EQ(g.others_side.resumed, 3);
  EXPECT_FALSE(g.others_side.suppressed);
  // With a higher threshold the recommended side (7 eligible) is suppressed.
  const CountyGuidance strict =
      GuideCounty(DayOf("2020-02-12"), RiskLevel::kLow, *table, groups, 8);
  EXPECT_TRUE(strict.recommended_side.suppressed);
  EXPECT_FALSE(strict.others_side.suppressed);
  // No level, or no row for the level: not covered.
  EXPECT_FALSE(GuideCounty(DayOf("2020-02-12"), std::nullopt, *table, groups, 3).covered);
  EXPECT_FALSE(GuideCounty(DayOf("2020-02-12"), RiskLevel::kMedium, *table, groups, 3).covered);
}

// The example shipped in deploy/ parses and has the structure the issue describes: five zones,
// three weekly periods from 2020-02-10 to 2020-03-01, more categories for lower risk.
TEST(ResumptionGuidanceTest, TheShippedExampleHasFiveZonesAndThreeWeeks) {
  std::ifstream in(std::string(FUGONG_SOURCE_DIR) + "/deploy/guidance-2020.example.csv");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("ILLUSTRATIVE, NOT OFFICIAL"), std::string::npos);
  Result<GuidanceTable> table =
      GuidanceTable::Parse(text.str(), "example", IndustryTable::Standard());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  for (const char* day : {"2020-02-10", "2020-02-17", "2020-03-01"}) {
    size_t previous = 0;
    for (auto it = kRiskLevels.begin(); it != kRiskLevels.end(); ++it) {
      const auto recommended = table->Recommended(DayOf(day), *it);
      ASSERT_TRUE(recommended) << day << " " << RiskLevelName(*it);
      EXPECT_GE(recommended->size(), previous) << day << ": lower risk, no fewer categories";
      previous = recommended->size();
    }
  }
  EXPECT_FALSE(table->Recommended(DayOf("2020-02-09"), RiskLevel::kLow));
  EXPECT_FALSE(table->Recommended(DayOf("2020-03-02"), RiskLevel::kLow));
}

}  // namespace
}  // namespace fugong
