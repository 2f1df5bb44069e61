// The daily bulletin's content, from hand-built records: what it ranks, compares, places in the
// matrix and sums by zone, and how the page prints names and figures.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "app/bulletin/bulletin_day.h"
#include "app/render/bulletin_html.h"
#include "engine/reference/industry_table.h"
#include "tests/support/dates.h"
#include "tests/support/test_regions.h"

namespace fugong {
namespace {

using testing::DayOf;
using testing::TestRegions;

// Records by (date, level), as a state or an index file would give them.
class FakeSource : public DayRecordSource {
 public:
  void Add(const std::string& date, const std::string& level, std::string record) {
    records_[{DayOf(date.c_str()), level}].push_back(std::move(record));
  }
  Status DayRecords(Day day, std::string_view level, std::vector<std::string>* out) const override {
    auto it = records_.find({day, std::string(level)});
    *out = it == records_.end() ? std::vector<std::string>() : it->second;
    return Status::OK();
  }

 private:
  std::map<std::pair<Day, std::string>, std::vector<std::string>> records_;
};

// A county record with figures (tier from the composite, as SPEC's bands give it).
std::string County(const std::string& date, const std::string& code, double composite,
                   const std::string& risk) {
  const int tier = composite >= 80   ? 1
                   : composite >= 60 ? 2
                   : composite >= 40 ? 3
                   : composite >= 20 ? 4
                                     : 5;
  std::string r = "{\"date\":\"" + date + "\",\"level\":\"county\",\"code\":\"" + code +
                  "\",\"eligible\":10,\"resumed\":5,\"composite\":" + std::to_string(composite) +
                  ",\"tier\":\"T" + std::to_string(tier) + "\"";
  if (!risk.empty()) r += ",\"risk\":\"" + risk + "\"";
  return r + "}";
}

std::string Suppressed(const std::string& date, const std::string& level, const std::string& code) {
  return "{\"date\":\"" + date + "\",\"level\":\"" + level + "\",\"code\":\"" + code +
         "\",\"eligible\":null,\"resumed\":null,\"composite\":null,\"tier\":null}";
}

std::string Province(const std::string& date, double composite, const std::string& last_year) {
  return "{\"date\":\"" + date +
         "\",\"level\":\"province\",\"code\":\"990000\",\"name\":\"测试省\",\"eligible\":60,"
         "\"resumed\":21,\"load_recovery\":0.4123,\"composite\":" +
         std::to_string(composite) + ",\"tier\":\"T4\"" + last_year + "}";
}

std::string Group(const std::string& date, const std::string& code, int eligible, int resumed) {
  return "{\"date\":\"" + date + "\",\"level\":\"county_industry\",\"code\":\"" + code +
         "\",\"eligible\":" + std::to_string(eligible) + ",\"resumed\":" + std::to_string(resumed) +
         ",\"composite\":50.0,\"tier\":\"T3\"}";
}

class BulletinDayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string d = "2020-02-18";
    source_.Add(
        d, "province",
        Province(d, 34.765, ",\"last_year\":{\"date\":\"2019-03-01\",\"composite\":88.68}"));
    source_.Add("2020-02-17", "province", Province("2020-02-17", 32.4649, ""));
    // In code order, as the stores give them. 990203 and 990201 tie at 70.
    source_.Add(d, "county", County(d, "990101", 85.5, "high"));  // T1 high: ahead
    source_.Add(d, "county", Suppressed(d, "county", "990102"));  // suppressed
    source_.Add(d, "county", County(d, "990103", 30.0, "low"));   // T4 low: held back
    source_.Add(d, "county", County(d, "990201", 70.0, "lower"));
    source_.Add(d, "county", County(d, "990202", 10.0, "lower"));  // T5 lower: held back
    source_.Add(d, "county", County(d, "990203", 70.0, ""));       // no chart entry
  }
  BulletinInputs Inputs() {
    BulletinInputs inputs;
    inputs.regions = &regions_;
    inputs.min_group_size = 3;
    return inputs;
  }
  RegionTable regions_ = TestRegions();
  FakeSource source_;
};

TEST_F(BulletinDayTest, ProvinceComparedWithTheDayBeforeAndLastYear) {
  Result<BulletinDay> day = CollectBulletinDay(DayOf("2020-02-18"), source_, Inputs());
  ASSERT_TRUE(day.ok()) << day.status().ToString();
  EXPECT_EQ(day->province.code, "990000");
  ASSERT_TRUE(day->previous_day);
  EXPECT_EQ(day->previous_day->date, "2020-02-17");
  EXPECT_EQ(day->province.last_year_date, "2019-03-01");
  const std::string html =
      render::RenderBulletinHtml(*day, regions_, IndustryTable::Standard(), {"test records"});
  // 34.765 -> 34.77 (half away from zero, from the decimal value); 32.4649 -> 32.46; the
  // changes are those of the printed figures.
  EXPECT_NE(html.find("id=\"province-composite\">34.77<"), std::string::npos);
  EXPECT_NE(html.find("+2.31 points (32.46 on 2020-02-17)"), std::string::npos) << html;
  EXPECT_NE(html.find("88.68 on 2019-03-01, -53.91 points"), std::string::npos);
  EXPECT_NE(html.find("21 of 60 (35.0%)"), std::string::npos);
  EXPECT_NE(html.find("Load recovery: 41.2% of normal"), std::string::npos);

  // The first day of a run has no day before.
  Result<BulletinDay> first = CollectBulletinDay(DayOf("2020-02-17"), source_, Inputs());
  EXPECT_EQ(first.status().code(), Status::Code::kNotFound) << "no county records that day";
  source_.Add("2020-02-17", "county", County("2020-02-17", "990101", 50, "low"));
  first = CollectBulletinDay(DayOf("2020-02-17"), source_, Inputs());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->previous_day);
  const std::string first_html =
      render::RenderBulletinHtml(*first, regions_, IndustryTable::Standard(), {"test records"});
  EXPECT_NE(first_html.find("Day on day: — (no published figure for the day before)"),
            std::string::npos);
  EXPECT_NE(first_html.find("Same lunar day last year: — (no published figure)"),
            std::string::npos);
}

TEST_F(BulletinDayTest, CountiesRankedByCompositeTiesByCodeSuppressedLeftOut) {
  BulletinInputs inputs = Inputs();
  inputs.ranked = 3;
  Result<BulletinDay> day = CollectBulletinDay(DayOf("2020-02-18"), source_, inputs);
  ASSERT_TRUE(day.ok());
  const auto codes = [](const std::vector<PublishedFigures>& list) {
    std::vector<std::string> out;
    for (const PublishedFigures& f : list) out.push_back(f.code);
    return out;
  };
  EXPECT_EQ(codes(day->highest), (std::vector<std::string>{"990101", "990201", "990203"}));
  EXPECT_EQ(codes(day->lowest), (std::vector<std::string>{"990202", "990103", "990201"}));
  inputs.ranked = 10;  // more than there are: every rated county, once
  day = CollectBulletinDay(DayOf("2020-02-18"), source_, inputs);
  EXPECT_EQ(day->highest.size(), 5u);
  EXPECT_EQ(day->lowest.size(), 5u);
}

TEST_F(BulletinDayTest, MatrixAndListsFromTheRecordsOrFromAChartGiven) {
  Result<BulletinDay> day = CollectBulletinDay(DayOf("2020-02-18"), source_, Inputs());
  ASSERT_TRUE(day.ok());
  EXPECT_TRUE(day->has_risk);
  EXPECT_EQ(day->matrix.held_back, (std::vector<std::string>{"990103", "990202"}));
  EXPECT_EQ(day->matrix.ahead, (std::vector<std::string>{"990101"}));
  EXPECT_EQ(day->matrix.no_risk, (std::vector<std::string>{"990203"}));
  EXPECT_EQ(day->matrix.unrated, (std::vector<std::string>{"990102"}));
  const std::string html =
      render::RenderBulletinHtml(*day, regions_, IndustryTable::Standard(), {"test records"});
  EXPECT_NE(html.find("<b>Held back (2)</b>"), std::string::npos);
  EXPECT_NE(html.find("<b>Ahead of their risk (1)</b>"), std::string::npos);
  // Names are escaped wherever they are printed.
  EXPECT_NE(html.find("Q&amp;A&lt;&quot;区&quot;&gt;"), std::string::npos);
  EXPECT_EQ(html.find("Q&A<"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos) << "the page is static";

  // A chart given replaces the records' levels (an index backfilled without it): 990203 gets
  // one, 990101 becomes low (T1 low: on the diagonal), the others have none before 2020-02-19.
  RiskChart chart;
  chart.Set("990203", DayOf("2020-02-01"), RiskLevel::kVeryHigh);
  chart.Set("990101", DayOf("2020-02-10"), RiskLevel::kLow);
  chart.Set("990103", DayOf("2020-02-19"), RiskLevel::kLow);
  BulletinInputs inputs = Inputs();
  inputs.risk = &chart;
  day = CollectBulletinDay(DayOf("2020-02-18"), source_, inputs);
  ASSERT_TRUE(day.ok());
  EXPECT_TRUE(day->matrix.held_back.empty());
  EXPECT_EQ(day->matrix.ahead, (std::vector<std::string>{"990203"}));
  EXPECT_EQ(day->matrix.no_risk, (std::vector<std::string>{"990103", "990201", "990202"}));

  // No chart at all: the page says so instead of an empty matrix.
  RiskChart empty;
  inputs.risk = &empty;
  day = CollectBulletinDay(DayOf("2020-02-18"), source_, inputs);
  EXPECT_FALSE(day->has_risk);
  EXPECT_NE(render::RenderBulletinHtml(*day, regions_, IndustryTable::Standard(), {""})
                .find("No epidemic risk chart covers this day."),
            std::string::npos);
}

TEST_F(BulletinDayTest, ZonesSumTheirCountiesRecommendedAndOtherCategories) {
  const std::string d = "2020-02-18";
  Result<GuidanceTable> table = GuidanceTable::Parse(
      "from,to,risk_level,industries\n"
      "2020-02-17,2020-02-23,low,I03;I07\n"
      "2020-02-17,2020-02-23,lower,I03\n"
      "2020-02-17,2020-02-23,high,I11\n",
      "test guidance", IndustryTable::Standard());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  // The low zone: 990103. The lower zone: 990201 and 990202.
  source_.Add(d, "county_industry", Group(d, "990103:I03", 4, 3));
  source_.Add(d, "county_industry", Group(d, "990103:I09", 5, 1));
  source_.Add(d, "county_industry", Suppressed(d, "county_industry", "990103:I07"));
  source_.Add(d, "county_industry", Group(d, "990201:I03", 6, 6));
  source_.Add(d, "county_industry", Group(d, "990201:I07", 3, 0));
  source_.Add(d, "county_industry", Group(d, "990202:I03", 3, 1));
  source_.Add(d, "county_industry", Suppressed(d, "county_industry", "990202:I13"));
  BulletinInputs inputs = Inputs();
  inputs.guidance = &*table;
  Result<BulletinDay> day = CollectBulletinDay(DayOf(d.c_str()), source_, inputs);
  ASSERT_TRUE(day.ok());
  ASSERT_TRUE(day->guidance_configured);
  ASSERT_EQ(day->zones.size(), 5u);
  const ZoneGuidance& low = day->zones[static_cast<size_t>(RiskLevel::kLow)];
  EXPECT_TRUE(low.covered);
  EXPECT_EQ(low.counties, 1);
  EXPECT_EQ(low.recommended, (std::set<std::string>{"I03", "I07"}));
  // I07 is suppressed: on neither side.
  EXPECT_EQ(low.recommended_side.eligible, 4);
  EXPECT_EQ(low.recommended_side.resumed, 3);
  EXPECT_FALSE(low.recommended_side.suppressed);
  EXPECT_EQ(low.others_side.eligible, 5);
  const ZoneGuidance& lower = day->zones[static_cast<size_t>(RiskLevel::kLower)];
  EXPECT_EQ(lower.counties, 2);
  EXPECT_EQ(lower.recommended_side.eligible, 9);
  EXPECT_EQ(lower.recommended_side.resumed, 7);
  EXPECT_EQ(lower.others_side.eligible, 3);
  EXPECT_EQ(lower.others_side.resumed, 0);
  const ZoneGuidance& high = day->zones[static_cast<size_t>(RiskLevel::kHigh)];
  EXPECT_EQ(high.counties, 1);
  EXPECT_TRUE(high.recommended_side.suppressed) << "990101 has no group of I11";
  EXPECT_FALSE(day->zones[static_cast<size_t>(RiskLevel::kMedium)].covered);
  const std::string html =
      render::RenderBulletinHtml(*day, regions_, IndustryTable::Standard(), {"test records"});
  EXPECT_NE(html.find("77.8% <span class=\"note\">(7/9)</span>"), std::string::npos) << html;
  EXPECT_NE(html.find("no period of the table covers this day"), std::string::npos);
}

TEST_F(BulletinDayTest, ADayWithoutRecordsIsNotFound) {
  Result<BulletinDay> day = CollectBulletinDay(DayOf("2021-02-18"), source_, Inputs());
  EXPECT_EQ(day.status().code(), Status::Code::kNotFound);
  EXPECT_NE(day.status().message().find("no province record published for 2021-02-18"),
            std::string::npos);
}

TEST(BulletinFormatTest, CompositesRoundHalfAwayFromZeroFromTheirDecimalValue) {
  EXPECT_EQ(render::FormatComposite(34.765), "34.77");
  EXPECT_EQ(render::FormatComposite(34.7649), "34.76");
  EXPECT_EQ(render::FormatComposite(0.005), "0.01");
  EXPECT_EQ(render::FormatComposite(100), "100.00");
  EXPECT_EQ(render::FormatComposite(7.1), "7.10");
}

}  // namespace
}  // namespace fugong
