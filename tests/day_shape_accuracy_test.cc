// Issue 14's check on a generated province: the generator knows, per enterprise, its shutdown,
// resumption, days off and shape case (truth.csv), so the day-shape counts can be scored against
// the truth enterprise-day by enterprise-day. Each enterprise is given a tag of its own id, so the
// backfill's tag records (min_group_size 1) are its day as the index sees it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app/generate/province_generator.h"
#include "app/generate/synthetic_population.h"
#include "engine/job/backfill_job.h"
#include "tests/support/dates.h"
#include "tests/support/files.h"
#include "tests/support/memory_io.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::MemorySink;
using testing::ReadFile;
using testing::SplitLines;
using testing::StringSource;

Day D(const char* text) { return testing::DayOf(text); }

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  std::string field;
  while (std::getline(s, field, ',')) out.push_back(field);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

// What truth.csv says of one enterprise, and what it makes of a day.
struct Truth {
  synth::SyntheticEnterprise enterprise;  // days_off and continuous: for IsWorkingDay
  std::optional<Day> shutdown_from, resume, idle_from;
  std::string shape_case;

  bool Shut(Day d) const {
    return shutdown_from && d >= *shutdown_from && (!resume || d < *resume);
  }
  bool Working(Day d) const {
    return !Shut(d) && synth::IsWorkingDay(enterprise, d, HolidayCalendar::China());
  }
  bool Idling(Day d) const { return idle_from && d >= *idle_from && Shut(d); }
};

std::map<std::string, Truth> ReadTruth(const fs::path& path) {
  std::map<std::string, Truth> out;
  for (const std::string& line : SplitLines(ReadFile(path))) {
    const std::vector<std::string> f = Fields(line);
    if (f.size() != 7 || f[0] == "enterprise_id") continue;
    Truth t;
    Day d;
    if (ParseDate(f[1], &d)) t.resume = d;
    if (ParseDate(f[2], &d)) t.shutdown_from = d;
    t.enterprise.continuous = !t.shutdown_from;
    std::stringstream days(f[3]);
    std::string w;
    while (std::getline(days, w, ';')) t.enterprise.days_off |= 1u << std::stoi(w);
    t.shape_case = f[5];
    if (ParseDate(f[6], &d)) t.idle_from = d;
    out[f[0]] = t;
  }
  return out;
}

TEST(DayShapeAccuracyTest, AgainstTheGeneratorsTruthTheShapeCountsWhatEnergyCannot) {
  const fs::path dir =
      fs::temp_directory_path() / ("fugong-shape-accuracy-" + std::to_string(getpid()));
  fs::remove_all(dir);
  GenerateOptions o;
  o.seed = 7;
  o.enterprises = 400;
  o.from = D("2019-11-25");  // the 2020 season's window starts 2019-11-29
  o.to = D("2020-02-29");
  o.interval_minutes = 60;
  o.high_standby_fraction = 0.15;
  o.idle_runner_fraction = 0.10;
  o.out_dir = (dir / "input").string();
  o.threads = 2;
  Result<GenerateSummary> generated = GenerateProvince(o, nullptr);
  ASSERT_TRUE(generated.ok()) << generated.status().ToString();

  // Each enterprise tagged with its own id: a tag record per enterprise-day.
  std::string enterprises;
  for (const std::string& line : SplitLines(ReadFile(dir / "input/enterprises.csv"))) {
    std::vector<std::string> f = Fields(line);
    ASSERT_EQ(f.size(), 7u) << line;
    if (f[0] != "enterprise_id") f[4] = f[0];
    for (size_t i = 0; i < f.size(); ++i) enterprises += (i ? "," : "") + f[i];
    enterprises += '\n';
  }
  std::vector<std::unique_ptr<StringSource>> files;
  BackfillRequest request;
  StringSource registry("enterprises.csv", enterprises);
  request.enterprises = &registry;
  for (const std::string& path : generated->readings_files) {
    files.push_back(std::make_unique<StringSource>(path, ReadFile(fs::path(o.out_dir) / path)));
    request.readings.push_back(files.back().get());
  }
  StringSource weather("weather.csv", ReadFile(dir / "input/weather.csv"));
  request.weather = &weather;
  request.from = D("2020-02-01");
  request.to = D("2020-02-29");
  EngineConfig config;
  config.interval_minutes = 60;
  config.levels = {"tag"};
  config.min_group_size = 1;
  auto state = StateStore::Open((dir / "state").string());
  ASSERT_TRUE(state.ok());
  FixedClock clock(1764000000);
  BackfillJob job(config, RegionTable::Zhejiang(), IndustryTable::Standard(),
                  HolidayCalendar::China(), clock, state->get());
  MemorySink out, dead;
  Result<BackfillSummary> summary = job.Run(request, &out, &dead, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();

  const std::map<std::string, Truth> truth = ReadTruth(dir / "input/truth.csv");
  ASSERT_EQ(truth.size(), 400u);
  struct Tally {
    int days = 0, right = 0;
    double share() const { return days ? static_cast<double>(right) / days : 0; }
  };
  Tally standby_active, standby_resumed, idle_flagged, honest_flagged;
  int high_standby = 0, idle_runners = 0;
  for (const auto& [id, t] : truth) {
    high_standby += t.shape_case == "high_standby";
    idle_runners += t.shape_case == "idle_runner";
  }
  for (const auto& [key, value] : out.records) {
    const nlohmann::json r = nlohmann::json::parse(value);
    if (r["suppressed"].get<bool>()) continue;  // not eligible on the day
    const Truth& t = truth.at(r["code"].get<std::string>());
    Day day;
    ASSERT_TRUE(ParseDate(r["date"].get<std::string>(), &day));
    const bool working = t.Working(day);
    const bool judged = r["shape_judged"] == 1;
    if (t.shape_case == "high_standby" && judged) {
      ++standby_active.days;
      standby_active.right += (r["active"] == 1) == working;
      ++standby_resumed.days;
      standby_resumed.right += (r["resumed"] == 1) == working;
    }
    if (t.Idling(day)) {
      ++idle_flagged.days;
      idle_flagged.right += r["suspect_idle"] == 1;
    } else if (working) {
      ++honest_flagged.days;
      honest_flagged.right += r["suspect_idle"] == 1;
    }
  }
  std::printf(
      "generated province: %d high-standby and %d idle-running of 400 enterprises; on the "
      "high-standby's %d judged days the active count is right on %.3f, SPEC's count on %.3f; "
      "%.3f of %d idle-running days flagged, %.4f of %d honest working days\n",
      high_standby, idle_runners, standby_active.days, standby_active.share(),
      standby_resumed.share(), idle_flagged.share(), idle_flagged.days, honest_flagged.share(),
      honest_flagged.days);
  ASSERT_GT(standby_active.days, 500);
  ASSERT_GT(idle_flagged.days, 100);
  ASSERT_GT(honest_flagged.days, 1000);
  EXPECT_GE(standby_active.share(), 0.95);
  EXPECT_LT(standby_resumed.share(), 0.5);
  EXPECT_GE(idle_flagged.share(), 0.90);
  EXPECT_LT(honest_flagged.share(), 0.01);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fugong
