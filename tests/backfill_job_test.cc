// The whole dataflow on hand-made inputs with hand-computed results (SPEC "Scoring a day",
// "Groups", "Output record", "Bad input").
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/backfill_runner.h"
#include "engine/job/backfill_job.h"
#include "engine/job/registry_file_merge.h"
#include "tests/support/dates.h"
#include "tests/support/memory_io.h"
#include "tests/support/record_compare.h"

namespace fugong {
namespace {

using testing::MemorySink;
using testing::StringSource;
using testing::WithoutComputedAt;

// Dates as the ISO text people read.
Day D(const char* text) { return testing::DayOf(text); }

// One reading per day (interval_minutes = 1440): the interval ending at 00:00 of the next day.
std::string DailyReading(const std::string& meter, const std::string& enterprise, Day day,
                         const std::string& kwh) {
  return meter + "," + enterprise + "," + FormatDate(day + 1) + "T00:00:00+08:00," + kwh +
         ",interval\n";
}

class BackfillJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fugong-backfill-test-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    config_.interval_minutes = 1440;
    config_.baseline_method = BaselineMethod::kMean;
    config_.baseline_from = D("2020-01-06");
    config_.baseline_to = D("2020-01-19");
    config_.min_group_size = 2;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<BackfillSummary> Run(const std::string& enterprises, const std::string& readings,
                              std::optional<Day> from, std::optional<Day> to, MemorySink* out,
                              MemorySink* dead) {
    auto state = StateStore::Open(dir_.string());
    EXPECT_TRUE(state.ok());
    StringSource ent("enterprises.csv", enterprises);
    StringSource rd("readings.csv", readings);
    BackfillRequest request;
    request.enterprises = &ent;
    request.readings = {&rd};
    request.from = from;
    request.to = to;
    BackfillJob job(config_, RegionTable::Zhejiang(), IndustryTable::Standard(),
                    HolidayCalendar::China(), clock_, state->get());
    return job.Run(request, out, dead, nullptr);
  }

  std::filesystem::path dir_;
  EngineConfig config_;
  FixedClock clock_{1764000000};  // 2025-11-24
};

const char kEnterprises[] =
    "enterprise_id,county_code,industry,scale,tags,active_from,active_to\n"
    "E1,330102,I07,above,,,\n"
    "E2,330102,C34,below,foreign_trade,,\n"
    "E3,330102,3411,below,foreign_trade,,\n";

std::string BaselineReadings() {
  std::string r = "meter_id,enterprise_id,ts,kwh,kind\n";
  for (Day d = D("2020-01-06"); d <= D("2020-01-19"); ++d) {
    r += DailyReading("M1", "E1", d, "100");
    r += DailyReading("M2", "E2", d, "200");
    r += DailyReading("M3", "E3", d, "50");
  }
  return r;
}

TEST_F(BackfillJobTest, HandComputedCountyRecord) {
  std::string readings = BaselineReadings();
  const Day d = D("2020-02-10");
  readings += DailyReading("M1", "E1", d, "40");  // r = 0.4: resumed
  readings += DailyReading("M2", "E2", d, "20");  // r = 0.1: eligible, not resumed
  // E3 sends nothing on d: missing, so not eligible (no reading is not zero).
  MemorySink out, dead;
  auto summary = Run(kEnterprises, readings, d, d, &out, &dead);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  ASSERT_TRUE(out.records.count("2020-02-10|county|330102"));
  // rr = 1/2, lr = (40 + 20) / (100 + 200) = 0.2, composite = 100 (0.5 x 0.5 + 0.5 x 0.2) = 35.
  EXPECT_EQ(WithoutComputedAt(out.records["2020-02-10|county|330102"]),
            "{\"date\":\"2020-02-10\",\"level\":\"county\",\"code\":\"330102\",\"name\":\"上城区\","
            "\"eligible\":2,\"resumed\":1,\"registered\":3,\"resumption_rate\":0.500000,"
            "\"load_recovery\":0.200000,\"composite\":35.0000,\"tier\":\"T4\",\"color\":\"orange\","
            "\"coverage\":0.666667,\"suppressed\":false,\"holiday\":false,\"revision\":1}");
  // The tag group has one eligible enterprise (E2): suppressed, no figures.
  EXPECT_EQ(WithoutComputedAt(out.records["2020-02-10|tag|foreign_trade"]),
            "{\"date\":\"2020-02-10\",\"level\":\"tag\",\"code\":\"foreign_trade\","
            "\"name\":\"foreign_trade\",\"eligible\":null,\"resumed\":null,\"registered\":2,"
            "\"resumption_rate\":null,\"load_recovery\":null,\"composite\":null,\"tier\":null,"
            "\"color\":null,\"coverage\":null,\"suppressed\":true,\"holiday\":false,"
            "\"revision\":1}");
  // Every level is there, and nothing else: 1 province, 1 city, 1 county, 1 industry (C34 and
  // 3411 map to I07), 1 county_industry, 2 scales, 1 tag.
  EXPECT_EQ(out.records.size(), 8u);
  EXPECT_TRUE(out.records.count("2020-02-10|county_industry|330102:I07"));
  EXPECT_TRUE(out.records.count("2020-02-10|city|330100"));
  EXPECT_TRUE(out.records.count("2020-02-10|province|330000"));
  // Written sorted by key.
  EXPECT_TRUE(std::is_sorted(out.order.begin(), out.order.end()));
}

TEST_F(BackfillJobTest, RerunKeepsRevisionAndLateDataRevisesOnlyWhatChanged) {
  std::string readings = BaselineReadings();
  const Day d = D("2020-02-10");
  readings += DailyReading("M1", "E1", d, "40");
  readings += DailyReading("M2", "E2", d, "20");
  MemorySink out1, dead1;
  ASSERT_TRUE(Run(kEnterprises, readings, d, d, &out1, &dead1).ok());
  // The same inputs again on the same state: identical bytes, computed_at included.
  MemorySink out2, dead2;
  auto again = Run(kEnterprises, readings, d, d, &out2, &dead2);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(out1.records, out2.records);
  EXPECT_EQ(again->computation.records_new + again->computation.records_revised, 0u);
  // Late data: E3's reading for d arrives (appended to the file, which resumes).
  readings += DailyReading("M3", "E3", d, "45");
  clock_.Set(clock_.Now() + 3600);
  MemorySink out3, dead3;
  auto late = Run(kEnterprises, readings, d, d, &out3, &dead3);
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  EXPECT_EQ(late->readings_this_run, 1u);
  const std::string& county = out3.records["2020-02-10|county|330102"];
  EXPECT_NE(county.find("\"eligible\":3,\"resumed\":2"), std::string::npos) << county;
  EXPECT_NE(county.find("\"revision\":2"), std::string::npos) << county;
  // The scale=above group holds only E1: unchanged, so not revised.
  EXPECT_EQ(out3.records["2020-02-10|scale|above"], out1.records["2020-02-10|scale|above"]);
  EXPECT_GT(late->computation.records_revised, 0u);
  EXPECT_LT(late->computation.records_revised, out3.records.size());
}

TEST_F(BackfillJobTest, BadRecordsAreDeadLetteredAndCounted) {
  std::string enterprises = std::string(kEnterprises) +
                            "E4,999999,I07,above,,,\n"  // unknown county
                            "E5,330102,C,above,,,\n"    // ambiguous section
                            "E6,330102,I07,huge,,,\n";  // bad scale
  std::string readings = BaselineReadings();
  readings += "M9,E404,2020-01-07T00:00:00+08:00,5,interval\n";  // unknown enterprise
  readings += "this is not a reading\n";
  readings += "M1,E1,2020-01-07T00:00:00+08:00,-3,interval\n";
  readings += "\n";
  MemorySink out, dead;
  auto summary = Run(enterprises, readings, std::nullopt, std::nullopt, &out, &dead);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->enterprises.used, 3u);
  EXPECT_EQ(summary->enterprises.dead[static_cast<int>(DeadLetterReason::kUnknownCounty)], 1u);
  EXPECT_EQ(summary->enterprises.dead[static_cast<int>(DeadLetterReason::kUnknownIndustry)], 1u);
  EXPECT_EQ(summary->enterprises.dead[static_cast<int>(DeadLetterReason::kBadEnterprise)], 1u);
  const IngestCounters& r = summary->readings;
  EXPECT_EQ(r.records, 14u * 3 + 3);
  EXPECT_EQ(r.blank, 1u);
  EXPECT_EQ(r.used + r.dead_total(), r.records);  // every record used or dead-lettered
  EXPECT_EQ(r.dead[static_cast<int>(DeadLetterReason::kUnknownEnterprise)], 1u);
  EXPECT_EQ(r.dead[static_cast<int>(DeadLetterReason::kParseError)], 1u);
  EXPECT_EQ(r.dead[static_cast<int>(DeadLetterReason::kNegativeKwh)], 1u);
  ASSERT_EQ(dead.lines.size(), 6u);
  // Dead letters carry the original bytes and where they came from (the unknown enterprise is
  // found after parsing, when the meter shard applies it: its line is looked up again then).
  bool found = false, found_unknown = false;
  for (const std::string& line : dead.lines) {
    if (line.find("\"reason\":\"parse_error\"") != std::string::npos) {
      EXPECT_NE(line.find("\"raw\":\"this is not a reading\""), std::string::npos) << line;
      EXPECT_NE(line.find("\"file\":\"readings.csv\",\"line\":"), std::string::npos) << line;
      found = true;
    }
    if (line.find("\"reason\":\"unknown_enterprise\"") != std::string::npos) {
      EXPECT_NE(line.find("\"raw\":\"M9,E404,2020-01-07T00:00:00+08:00,5,interval\""),
                std::string::npos)
          << line;
      EXPECT_NE(line.find("\"file\":\"readings.csv\",\"line\":44"), std::string::npos) << line;
      found_unknown = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(found_unknown);
  // Default range: the first to the last day with readings (the baseline window here).
  ASSERT_TRUE(summary->computation.from.has_value());
  EXPECT_EQ(FormatDate(*summary->computation.from), "2020-01-06");
  EXPECT_EQ(FormatDate(*summary->computation.to), "2020-01-19");
}

// An enterprise listed twice in the registry file: with the same fields (as decoded) it is a
// duplicate, counted; with other fields the later line wins (the index uses its county) and the
// earlier line is dead-lettered as conflicting_registry_line, carrying both lines.
TEST_F(BackfillJobTest, RepeatedRegistryLinesAreDuplicatesOrConflictsAndTheLaterLineWins) {
  const std::string enterprises = std::string(kEnterprises) +
                                  "E1,330102,I07,above,,,\n"                   // 5: duplicate
                                  " E3 , 330102 ,I07,below,foreign_trade,,\n"  // 6: same as 4
                                  "E2,330106,C34,below,foreign_trade,,\n";     // 7: moves E2
  std::string readings = BaselineReadings();
  const Day d = D("2020-02-10");
  readings += DailyReading("M1", "E1", d, "40");
  readings += DailyReading("M2", "E2", d, "20");
  MemorySink out, dead;
  auto summary = Run(enterprises, readings, d, d, &out, &dead);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();

  const IngestCounters& e = summary->enterprises;
  EXPECT_EQ(e.records, 6u);
  EXPECT_EQ(e.duplicates, 2u);
  EXPECT_EQ(e.used, 3u);  // one per enterprise
  EXPECT_EQ(e.dead[static_cast<size_t>(DeadLetterReason::kConflictingRegistryLine)], 1u);
  EXPECT_EQ(e.dead_total(), 1u);
  EXPECT_EQ(e.used + e.duplicates + e.dead_total(), e.records);

  ASSERT_EQ(dead.lines.size(), 1u);
  EXPECT_EQ(dead.lines[0],
            "{\"reason\":\"conflicting_registry_line\",\"detail\":\"enterprise E2 is listed "
            "again at line 7 with other fields (county_code 330102 -> 330106); the later line is "
            "used\",\"source\":{\"file\":\"enterprises.csv\",\"line\":3},"
            "\"raw\":\"E2,330102,C34,below,foreign_trade,,\",\"superseded_by\":{\"line\":7,"
            "\"raw\":\"E2,330106,C34,below,foreign_trade,,\"}}");

  // E2 counts in 西湖区 (330106), no longer in 上城区 (330102).
  ASSERT_TRUE(out.records.count("2020-02-10|county|330106"));
  EXPECT_NE(out.records["2020-02-10|county|330106"].find("\"registered\":1,"), std::string::npos)
      << out.records["2020-02-10|county|330106"];
  EXPECT_NE(out.records["2020-02-10|county|330102"].find("\"registered\":2,"), std::string::npos)
      << out.records["2020-02-10|county|330102"];
}

TEST(RegistryFileMergeTest, ListsTheFieldsThatDiffer) {
  Enterprise a;
  a.id = "E1";
  a.county = "330102";
  a.industry = "I07";
  Enterprise b = a;
  EXPECT_EQ(EnterpriseDifferences(a, b), "");
  b.scale = Scale::kAbove;
  b.tags = {"x", "y"};
  b.active_to = D("2020-02-01");
  EXPECT_EQ(EnterpriseDifferences(a, b),
            "scale below -> above, tags (none) -> x;y, active_to (none) -> 2020-02-01");
}

TEST(RegistryFileMergeTest, EachSupersededLineIsReportedOnceAgainstTheLineThatReplacedIt) {
  EnterpriseRegistry registry;
  RegistryFileMerge merge("r.csv", &registry);
  Enterprise x;
  x.id = "E1";
  x.county = "330102";
  Enterprise y = x;
  y.county = "330106";
  DeadLetter letter{};
  using O = RegistryFileMerge::Outcome;
  EXPECT_EQ(merge.Add(x, 2, "x", &letter), O::kAdded);
  EXPECT_EQ(merge.Add(y, 3, "y", &letter), O::kReplaced);
  EXPECT_EQ(letter.origin.position, 2);
  EXPECT_EQ(letter.raw, "x");
  ASSERT_TRUE(letter.superseded_by.has_value());
  EXPECT_EQ(letter.superseded_by->line, 3);
  EXPECT_EQ(letter.superseded_by->raw, "y");
  EXPECT_EQ(merge.Add(x, 4, "x", &letter), O::kReplaced);  // back again: y is the earlier now
  EXPECT_EQ(letter.origin.position, 3);
  EXPECT_EQ(letter.raw, "y");
  EXPECT_EQ(letter.superseded_by->line, 4);
  EXPECT_EQ(merge.Add(x, 5, "x", &letter), O::kDuplicate);
  EXPECT_EQ(registry.Find("E1")->county, "330102");
  EXPECT_EQ(registry.size(), 1u);
}

TEST(BackfillSummaryTest, RegistryDuplicatesAndConflictsAreInTheSummary) {
  BackfillSummary s;
  s.enterprises.records = 6;
  s.enterprises.used = 3;
  s.enterprises.duplicates = 2;
  s.enterprises.dead[static_cast<size_t>(DeadLetterReason::kConflictingRegistryLine)] = 1;
  BackfillFiles files;
  files.out = "index.jsonl";
  files.deadletter = "dead.jsonl";
  const std::string text = SummaryText(s, files, 0);
  EXPECT_NE(text.find("  enterprises  6 records, 3 used, 1 dead-lettered "
                      "(conflicting_registry_line 1), 2 duplicates\n"),
            std::string::npos)
      << text;
  const nlohmann::json j = nlohmann::json::parse(SummaryJson(s, 0));
  EXPECT_EQ(j["enterprises"]["duplicates"], 2);
  EXPECT_EQ(j["enterprises"]["dead_letter_reasons"]["conflicting_registry_line"], 1);
  EXPECT_EQ(j["readings"]["duplicates"], 0);
}

TEST_F(BackfillJobTest, SundayClosedEnterpriseIsNeitherResumedNorIdleOnSunday) {
  config_.baseline_method = BaselineMethod::kCalendar;
  // Two of every weekday and no holiday or make-up workday (2020-01-19 is one) in the window.
  config_.baseline_from = D("2019-12-09");
  config_.baseline_to = D("2019-12-22");
  const char* enterprises =
      "enterprise_id,county_code,industry,scale,tags,active_from,active_to\n"
      "E1,330102,I07,above,,,\n"
      "E2,330102,I07,below,,,\n"
      "E3,330102,I07,below,,,2020-02-16\n";  // closes after Sunday 02-16
  std::string readings = "meter_id,enterprise_id,ts,kwh,kind\n";
  for (Day d = D("2019-12-09"); d <= D("2019-12-22"); ++d) {
    readings += DailyReading("M1", "E1", d, WeekdayOf(d) == 6 ? "2" : "100");
    readings += DailyReading("M2", "E2", d, "200");
    readings += DailyReading("M3", "E3", d, "50");
  }
  const Day sunday = D("2020-02-16"), monday = D("2020-02-17");
  readings += DailyReading("M1", "E1", sunday, "2");
  readings += DailyReading("M2", "E2", sunday, "150");
  readings += DailyReading("M3", "E3", sunday, "40");
  readings += DailyReading("M1", "E1", monday, "100");
  readings += DailyReading("M2", "E2", monday, "50");  // r = 0.25: eligible, not resumed
  readings += DailyReading("M3", "E3", monday, "50");  // no longer active: not counted
  MemorySink out, dead;
  auto summary = Run(enterprises, readings, sunday, monday, &out, &dead);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->computation.baselines_calendar, 3u);
  const std::string& sun = out.records["2020-02-16|county|330102"];
  // E1's Sunday baseline is 2 kWh < 0.1 x Bbar: its day off, neither resumed nor idle.
  EXPECT_NE(sun.find("\"eligible\":2,\"resumed\":2,\"registered\":3"), std::string::npos) << sun;
  const std::string& mon = out.records["2020-02-17|county|330102"];
  EXPECT_NE(mon.find("\"eligible\":2,\"resumed\":1,\"registered\":2"), std::string::npos) << mon;
  // lr on Monday = (100 + 50) / (100 + 200) = 0.5; rr = 0.5; composite 50: T3 yellow.
  EXPECT_NE(mon.find("\"load_recovery\":0.500000,\"composite\":50.0000,\"tier\":\"T3\","
                     "\"color\":\"yellow\""),
            std::string::npos)
      << mon;
}

TEST_F(BackfillJobTest, DefaultMinGroupSizeSuppressesAGroupOfTwoAndHolidaysAreFlagged) {
  config_.min_group_size = EngineConfig().min_group_size;  // 3
  std::string readings = BaselineReadings();
  const Day d = D("2020-02-10");
  readings += DailyReading("M1", "E1", d, "40");
  readings += DailyReading("M2", "E2", d, "20");
  MemorySink out, dead;
  // 2020-01-24 (Spring Festival eve) is a public holiday; 2020-02-10 is not.
  ASSERT_TRUE(Run(kEnterprises, readings, D("2020-01-24"), d, &out, &dead).ok());
  const std::string& county = out.records["2020-02-10|county|330102"];
  EXPECT_NE(county.find("\"eligible\":null"), std::string::npos) << county;
  EXPECT_NE(county.find("\"suppressed\":true,\"holiday\":false"), std::string::npos) << county;
  const std::string& eve = out.records["2020-01-24|province|330000"];
  EXPECT_NE(eve.find("\"registered\":3"), std::string::npos) << eve;
  EXPECT_NE(eve.find("\"holiday\":true"), std::string::npos) << eve;
  // Every day of the range is published, readings or not: 18 days x 8 groups.
  EXPECT_EQ(out.records.size(), 18u * 8);
}

}  // namespace
}  // namespace fugong
