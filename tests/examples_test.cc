// The real-data examples (examples/cambridge, cambridge-hourly, france) run end to end on measured
// consumption: every converted line is accounted for, the index covers every day asked, and the
// 2020 lockdowns show in it as the published figures say they should.
//
// The data are not in the repository; they are read from ../shared/realdata (or
// $FUGONG_REALDATA). Without them these tests are skipped, saying where they looked.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "engine/common/date.h"

#include "tests/support/files.h"

namespace fugong {
namespace {

using testing::ReadFile;
using testing::SplitLines;

namespace fs = std::filesystem;

fs::path RealDataDir() {
  if (const char* env = std::getenv("FUGONG_REALDATA"); env != nullptr && *env != '\0') {
    return env;
  }
  return fs::path(FUGONG_SOURCE_DIR) / ".." / "shared" / "realdata";
}

nlohmann::json ReadJson(const fs::path& p) {
  return nlohmann::json::parse(ReadFile(p), nullptr, /*allow_exceptions=*/false);
}

std::vector<nlohmann::json> ReadJsonLines(const fs::path& p) {
  std::vector<nlohmann::json> out;
  std::ifstream in(p);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line, nullptr, false));
  }
  return out;
}

double Mean(const std::vector<double>& v) {
  return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / v.size();
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// An example's outputs after `run.sh`, in a fresh temp work dir.
class RealDataExample : public ::testing::Test {
 protected:
  // Runs examples/<name>/run.sh into a temp work dir and reads its outputs; skips the test when
  // the data are absent. Callers check IsSkipped() and HasFatalFailure() afterwards.
  void RunExample(const std::string& name, const std::string& data_subdir) {
    const fs::path data = RealDataDir();
    if (!fs::is_directory(data / data_subdir)) {
      GTEST_SKIP() << "real data not found at " << fs::weakly_canonical(data / data_subdir)
                   << " (set FUGONG_REALDATA to the realdata folder to run this test)";
    }
    work_ = fs::temp_directory_path() / ("fugong-example-" + name + "-" + std::to_string(getpid()));
    fs::remove_all(work_);
    const fs::path script = fs::path(FUGONG_SOURCE_DIR) / "examples" / name / "run.sh";
    const std::string command = "FUGONG_BINARY='" + std::string(FUGONG_BINARY) +
                                "' FUGONG_REALDATA='" + data.string() + "' FUGONG_WORKDIR='" +
                                work_.string() + "' sh '" + script.string() + "' > '" +
                                work_.string() + ".log' 2>&1";
    const int status = std::system(command.c_str());
    log_ = ReadFile(work_.string() + ".log");
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command << "\n" << log_;
    counts_ = ReadJson(work_ / "counts.json");
    summary_ = ReadJson(work_ / "summary.json");
    ASSERT_TRUE(counts_.is_object()) << log_;
    ASSERT_TRUE(summary_.is_object()) << log_;
    index_ = ReadJsonLines(work_ / "index.jsonl");
    dead_ = ReadJsonLines(work_ / "deadletter.jsonl");
  }

  void TearDown() override {
    if (!work_.empty() && !HasFailure()) {
      fs::remove_all(work_);
      fs::remove(work_.string() + ".log");
    }
  }

  // Every line convert.py wrote came back as used or as a dead letter with a reason.
  void ExpectEveryLineAccountedFor() {
    const nlohmann::json& r = summary_["readings"];
    EXPECT_EQ(r["records"].get<long>(), counts_["readings"].get<long>()) << log_;
    EXPECT_EQ(r["records"].get<long>(), r["used"].get<long>() + r["dead_lettered"].get<long>());
    long by_reason = 0;
    for (const auto& [reason, n] : r["dead_letter_reasons"].items()) by_reason += n.get<long>();
    EXPECT_EQ(by_reason, r["dead_lettered"].get<long>());
    EXPECT_EQ(static_cast<long>(dead_.size()), r["dead_lettered"].get<long>());
    for (const nlohmann::json& d : dead_) {
      EXPECT_TRUE(d.is_object() && d.contains("reason") && !d["reason"].get<std::string>().empty())
          << d.dump();
    }
    EXPECT_EQ(summary_["enterprises"]["records"], counts_["enterprises"]);
    EXPECT_EQ(summary_["enterprises"]["used"], counts_["enterprises"]);
    EXPECT_EQ(summary_["weather"]["used"], counts_["weather"]);
  }

  // The records of one group, by date.
  std::map<std::string, nlohmann::json> Group(const std::string& level,
                                              const std::string& code) const {
    std::map<std::string, nlohmann::json> out;
    for (const nlohmann::json& r : index_) {
      if (r["level"] == level && r["code"] == code) out[r["date"].get<std::string>()] = r;
    }
    return out;
  }

  // One unsuppressed record per day of from..to, and nothing else.
  void ExpectEveryDay(const std::map<std::string, nlohmann::json>& group, const char* from,
                      const char* to) {
    Day first, last;
    ASSERT_TRUE(ParseDate(from, &first) && ParseDate(to, &last));
    EXPECT_EQ(group.size(), static_cast<size_t>(last - first + 1));
    for (Day d = first; d <= last; ++d) {
      auto it = group.find(FormatDate(d));
      ASSERT_NE(it, group.end()) << "no record for " << FormatDate(d);
      EXPECT_FALSE(it->second["suppressed"].get<bool>()) << FormatDate(d);
      EXPECT_TRUE(it->second["load_recovery"].is_number()) << FormatDate(d);
    }
  }

  std::vector<double> LoadRecovery(const std::map<std::string, nlohmann::json>& group,
                                   const std::string& from, const std::string& to) const {
    std::vector<double> out;
    for (const auto& [date, r] : group) {
      if (date >= from && date <= to && r["load_recovery"].is_number()) {
        out.push_back(r["load_recovery"].get<double>());
      }
    }
    return out;
  }

  fs::path work_;
  std::string log_;
  nlohmann::json counts_, summary_;
  std::vector<nlohmann::json> index_, dead_;
};

TEST_F(RealDataExample, CambridgeBuildingsInTheUkLockdown) {
  RunExample("cambridge", "cambridge");
  if (IsSkipped() || HasFatalFailure()) return;
  ExpectEveryLineAccountedFor();
  // Days with > 2 zero hours were left out by the converter, not sent as zeros.
  EXPECT_GT(counts_["skipped"]["zero_hours"].get<long>(), 0);
  EXPECT_EQ(summary_["index"]["from"], "2020-03-01");
  EXPECT_EQ(summary_["index"]["to"], "2020-05-31");

  const auto county = Group("county", "CAMB");
  ExpectEveryDay(county, "2020-03-01", "2020-05-31");
  // The calendar is England's: Good Friday, Easter Monday, VE day (moved to Friday 8 May), the
  // spring bank holiday.
  for (const char* day : {"2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25"}) {
    EXPECT_TRUE(county.at(day)["holiday"].get<bool>()) << day;
  }
  EXPECT_FALSE(county.at("2020-05-04")["holiday"].get<bool>());

  // Before the lockdown (23 March) the buildings run at their normal level; in April the median
  // day is far below it (the data's README: April 2020 over April 2019 about 0.68).
  const double before = Mean(LoadRecovery(county, "2020-03-01", "2020-03-13"));
  const double april = Median(LoadRecovery(county, "2020-04-01", "2020-04-30"));
  EXPECT_GT(before, 0.93);
  EXPECT_LT(before, 1.07);
  EXPECT_LT(april, 0.80);
  EXPECT_GT(april, 0.55);
  std::printf("cambridge: load recovery mean 1-13 March %.3f, median April %.3f\n", before, april);
}

// Issue 14: the same buildings hour by hour. SPEC's count calls nearly all of them resumed in
// April, when the university was closed; the shape of their days says few were working.
TEST_F(RealDataExample, CambridgeBuildingsHourByHourShowTheLockdownInTheirDayShape) {
  RunExample("cambridge-hourly", "cambridge");
  if (IsSkipped() || HasFatalFailure()) return;
  ExpectEveryLineAccountedFor();
  EXPECT_GT(counts_["skipped"]["zero_hours"].get<long>(), 0);
  const auto county = Group("county", "CAMB");
  ExpectEveryDay(county, "2020-03-01", "2020-05-31");
  std::vector<double> march_active, april_active, april_resumed;
  for (const auto& [date, r] : county) {
    Day day;
    ASSERT_TRUE(ParseDate(date, &day));
    if (WeekdayOf(day) >= 5 || r["holiday"].get<bool>()) continue;
    ASSERT_TRUE(r["active_rate"].is_number()) << r.dump();
    // Most buildings have a working-hours shape; the rest (round-the-clock labs) are not judged.
    EXPECT_GT(r["shape_judged"].get<int>(), 60) << r.dump();
    if (date >= "2020-03-02" && date <= "2020-03-13") {
      march_active.push_back(r["active_rate"].get<double>());
    } else if (date >= "2020-04-01" && date <= "2020-04-30") {
      april_active.push_back(r["active_rate"].get<double>());
      april_resumed.push_back(r["resumption_rate"].get<double>());
    }
  }
  ASSERT_EQ(march_active.size(), 10u);
  ASSERT_EQ(april_active.size(), 20u);  // 22 weekdays less Good Friday and Easter Monday
  EXPECT_GT(*std::min_element(march_active.begin(), march_active.end()), 0.80);
  EXPECT_LT(*std::max_element(april_active.begin(), april_active.end()), 0.30);
  EXPECT_GT(*std::min_element(april_resumed.begin(), april_resumed.end()), 0.85);
  std::printf(
      "cambridge hourly: active rate 2-13 March %.3f-%.3f, April weekdays %.3f-%.3f; "
      "resumption rate April %.3f-%.3f\n",
      *std::min_element(march_active.begin(), march_active.end()),
      *std::max_element(march_active.begin(), march_active.end()),
      *std::min_element(april_active.begin(), april_active.end()),
      *std::max_element(april_active.begin(), april_active.end()),
      *std::min_element(april_resumed.begin(), april_resumed.end()),
      *std::max_element(april_resumed.begin(), april_resumed.end()));
}

TEST_F(RealDataExample, FranceSegmentsInTheFirstLockdown) {
  RunExample("france", "enedis");
  if (IsSkipped() || HasFatalFailure()) return;
  ExpectEveryLineAccountedFor();
  EXPECT_EQ(summary_["readings"]["dead_lettered"].get<long>(), 0) << summary_.dump(2);
  EXPECT_TRUE(dead_.empty());

  ExpectEveryDay(Group("county", "ENEDIS"), "2020-03-01", "2020-11-30");
  const auto hta = Group("tag", "hta");
  ExpectEveryDay(hta, "2020-03-01", "2020-11-30");
  for (const char* tag : {"pme", "pro", "res"}) {
    EXPECT_EQ(Group("tag", tag).size(), hta.size()) << tag;
  }

  // Large businesses (HTA) at their normal level in early March, about a fifth down during the
  // first lockdown (17 March - 11 May; CEPREMAP: -20 %), and back near normal in summer.
  const double before = Mean(LoadRecovery(hta, "2020-03-01", "2020-03-13"));
  const double lockdown = Mean(LoadRecovery(hta, "2020-03-17", "2020-05-11"));
  const double summer = Mean(LoadRecovery(hta, "2020-07-01", "2020-08-31"));
  EXPECT_GT(before, 0.93);
  EXPECT_LT(lockdown, 0.88);
  EXPECT_GT(lockdown, 0.65);
  EXPECT_GT(before - lockdown, 0.10);
  EXPECT_GT(summer, 0.90);
  // SMEs fell further than large businesses (CEPREMAP: -27 % against -20 %).
  const double pme = Mean(LoadRecovery(Group("tag", "pme"), "2020-03-17", "2020-05-11"));
  EXPECT_LT(pme, lockdown);
  std::printf(
      "france: hta load recovery mean 1-13 March %.3f, 17 March-11 May %.3f, "
      "July-August %.3f; pme in the lockdown %.3f\n",
      before, lockdown, summer, pme);
}

}  // namespace
}  // namespace fugong
