// Issue 14 through the whole backfill: hourly readings of four enterprises, a working day's shape
// judged against each one's window, the county record's day-shape figures computed by hand, and
// a late reading that changes a day's shape revising exactly the records that count it.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

#include "engine/job/backfill_job.h"
#include "tests/support/dates.h"
#include "tests/support/memory_io.h"
#include "tests/support/record_compare.h"

namespace fugong {
namespace {

using testing::MemorySink;
using testing::StringSource;

Day D(const char* text) { return testing::DayOf(text); }

// The hourly readings of one meter on one day, `kw(hour)` in each hour (an hour's kWh at 60-minute
// intervals): each reading ends its hour, the last at the next day's 00:00.
std::string HourlyDay(const std::string& meter, const std::string& enterprise, Day day,
                      const std::function<double(int)>& kw) {
  std::string out;
  for (int h = 0; h < 24; ++h) {
    const std::string ts = h < 23 ? FormatDate(day) + "T" + (h + 1 < 10 ? "0" : "") +
                                        std::to_string(h + 1) + ":00:00+08:00"
                                  : FormatDate(day + 1) + "T00:00:00+08:00";
    out += meter + "," + enterprise + "," + ts + "," + std::to_string(kw(h)) + ",interval\n";
  }
  return out;
}

double Office(int h) { return h >= 8 && h < 18 ? 30 : 10; }  // X = 20 kW, 440 kWh a day

// E1-E3 offices in county 330102 (E3 the only one of scale `below`), E4 a plant running round
// the clock at 50 kW, all in the window 2020-01-06..2020-01-19 every day.
const char kEnterprises[] =
    "enterprise_id,county_code,industry,scale,tags,active_from,active_to\n"
    "E1,330102,I07,above,,,\n"
    "E2,330102,I07,above,,,\n"
    "E3,330102,I07,below,,,\n"
    "E4,330102,I07,above,,,\n";

std::string WindowReadings() {
  std::string r = "meter_id,enterprise_id,ts,kwh,kind\n";
  for (Day d = D("2020-01-06"); d <= D("2020-01-19"); ++d) {
    r += HourlyDay("M1", "E1", d, Office);
    r += HourlyDay("M2", "E2", d, Office);
    r += HourlyDay("M3", "E3", d, Office);
    r += HourlyDay("M4", "E4", d, [](int) { return 50.0; });
  }
  return r;
}

class DayShapeIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fugong-day-shape-test-" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    config_.interval_minutes = 60;
    config_.baseline_method = BaselineMethod::kMean;
    config_.baseline_from = D("2020-01-06");
    config_.baseline_to = D("2020-01-19");
    config_.min_group_size = 2;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Result<BackfillSummary> Run(const std::string& readings, Day day, MemorySink* out) {
    auto state = StateStore::Open(dir_.string());
    EXPECT_TRUE(state.ok());
    StringSource ent("enterprises.csv", kEnterprises);
    StringSource rd("readings.csv", readings);
    BackfillRequest request;
    request.enterprises = &ent;
    request.readings = {&rd};
    request.from = day;
    request.to = day;
    MemorySink dead;
    BackfillJob job(config_, RegionTable::Zhejiang(), IndustryTable::Standard(),
                    HolidayCalendar::China(), clock_, state->get());
    return job.Run(request, out, &dead, nullptr);
  }

  std::filesystem::path dir_;
  EngineConfig config_;
  FixedClock clock_{1764000000};
};

TEST_F(DayShapeIndexTest, CountsTheJudgedTheActiveAndTheSuspectsByHand) {
  const Day d = D("2020-02-17");  // a Monday
  std::string readings = WindowReadings();
  readings += HourlyDay("M1", "E1", d, Office);                    // working: active
  readings += HourlyDay("M2", "E2", d, [](int) { return 25.0; });  // r = 600/440: idle running
  readings += HourlyDay("M3", "E3", d, [](int) { return 5.0; });   // r = 120/440: stopped
  readings += HourlyDay("M4", "E4", d, [](int) { return 50.0; });  // no day shape: not judged
  MemorySink out;
  auto summary = Run(readings, d, &out);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const std::string county = testing::WithoutComputedAt(out.records["2020-02-17|county|330102"]);
  // SPEC's figures are unchanged: E1, E2 and E4 resumed, E3 not.
  EXPECT_NE(county.find("\"eligible\":4,\"resumed\":3,"), std::string::npos) << county;
  // E1-E3 judged; E1 active (a = 1); E2 resumed by energy but flat (a = 0): a suspect.
  EXPECT_NE(county.find("\"holiday\":false,\"shape_judged\":3,\"active\":1,"
                        "\"active_rate\":0.333333,\"suspect_idle\":1,\"revision\":1}"),
            std::string::npos)
      << county;
  // Scale `below` holds E3 alone: suppressed, with no day-shape figures either.
  EXPECT_NE(out.records["2020-02-17|scale|below"].find(
                "\"shape_judged\":null,\"active\":null,\"active_rate\":null,\"suspect_idle\":null"),
            std::string::npos)
      << out.records["2020-02-17|scale|below"];
}

TEST_F(DayShapeIndexTest, ALateReadingThatChangesADaysShapeRevisesExactlyTheRecordsThatCountIt) {
  const Day d = D("2020-02-17");
  std::string readings = WindowReadings();
  readings += HourlyDay("M1", "E1", d, Office);
  readings += HourlyDay("M2", "E2", d, [](int) { return 25.0; });
  readings += HourlyDay("M3", "E3", d, [](int) { return 5.0; });
  readings += HourlyDay("M4", "E4", d, [](int) { return 50.0; });
  MemorySink first;
  ASSERT_TRUE(Run(readings, d, &first).ok());
  const std::string above = first.records["2020-02-17|scale|above"];
  const std::string county = first.records["2020-02-17|county|330102"];

  // Corrections for E2's working hours: 40 kW from 08:00 to 18:00 over a 25 kW night. Its energy
  // stays resumed (r = (14 x 25 + 10 x 40) / 440), and now its shape works too: a = 15 / 20.
  for (int h = 8; h < 18; ++h) {
    readings += "M2,E2," + FormatDate(d) + "T" + (h + 1 < 10 ? "0" : "") + std::to_string(h + 1) +
                ":00:00+08:00,40,interval\n";
  }
  clock_.Set(clock_.Now() + 3600);
  MemorySink second;
  auto late = Run(readings, d, &second);
  ASSERT_TRUE(late.ok()) << late.status().ToString();
  const std::string revised = second.records["2020-02-17|county|330102"];
  EXPECT_NE(revised.find("\"eligible\":4,\"resumed\":3,"), std::string::npos) << revised;
  EXPECT_NE(revised.find("\"shape_judged\":3,\"active\":2,\"active_rate\":0.666667,"
                         "\"suspect_idle\":0,\"revision\":2"),
            std::string::npos)
      << revised;
  EXPECT_NE(revised, county);
  // Scale `above` (E1, E2, E4) counts E2 too: revised. Scale `below` (E3) does not: unchanged.
  EXPECT_NE(second.records["2020-02-17|scale|above"], above);
  EXPECT_NE(second.records["2020-02-17|scale|above"].find("\"revision\":2"), std::string::npos);
  EXPECT_EQ(second.records["2020-02-17|scale|below"], first.records["2020-02-17|scale|below"]);
}

}  // namespace
}  // namespace fugong
