// The backfill as a user runs it, on a generated province: order and file-split independence,
// gzip, restart after a crash or kill -9, and agreement with the truth the generator put in.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "app/generate/province_generator.h"
#include "engine/common/date.h"

#include "tests/support/files.h"

namespace fugong {
namespace {

using testing::ReadFile;
using testing::SplitLines;

namespace fs = std::filesystem;

// The index file with computed_at removed from every record.
std::string Comparable(const fs::path& index) {
  std::string out;
  for (const std::string& line : SplitLines(ReadFile(index))) {
    const size_t at = line.find(",\"computed_at\":");
    out += (at == std::string::npos ? line : line.substr(0, at) + "}") + "\n";
  }
  return out;
}

int RunFugong(const std::string& args) {
  const std::string command = std::string(FUGONG_BINARY) + " " + args + " > /dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Day D(const char* text) {
  Day d;
  EXPECT_TRUE(ParseDate(text, &d));
  return d;
}

// One generated province shared by the tests of this file (generation takes a few seconds).
class GeneratedProvince : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new fs::path(fs::temp_directory_path() / ("fugong-cli-test-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    GenerateOptions options;
    options.seed = 11;
    options.enterprises = 700;
    options.from = D("2019-11-25");
    options.to = D("2020-03-10");
    options.interval_minutes = 60;  // 24 readings a meter-day keeps the test quick
    options.out_dir = (*dir_ / "input").string();
    auto summary = GenerateProvince(options, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    summary_ = new GenerateSummary(*summary);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete summary_;
  }

  static std::string Inputs() {
    std::string args = " --enterprises " + (*dir_ / "input/enterprises.csv").string() +
                       " --weather " + (*dir_ / "input/weather.csv").string() + " --config " +
                       Config().string();
    return args;
  }
  static fs::path Config() {
    const fs::path p = *dir_ / "config.yaml";
    if (!fs::exists(p)) std::ofstream(p) << "interval_minutes: 60\n";
    return p;
  }
  static std::string Readings(const std::vector<std::string>& files) {
    std::string args = " --readings";
    for (const std::string& f : files) args += " " + f;
    return args;
  }
  // Runs a backfill into `name`/ and returns its comparable index.
  static std::string Backfill(const std::string& name, const std::vector<std::string>& readings,
                              const std::string& extra = "") {
    const fs::path out = *dir_ / name;
    fs::create_directories(out);
    const int rc = RunFugong("backfill" + Inputs() + Readings(readings) + " --out " +
                             (out / "index.jsonl").string() + " --deadletter " +
                             (out / "dead.jsonl").string() + " --summary " +
                             (out / "summary.json").string() + extra);
    EXPECT_EQ(rc, 0) << name;
    return Comparable(out / "index.jsonl");
  }

  static fs::path* dir_;
  static GenerateSummary* summary_;
};

fs::path* GeneratedProvince::dir_ = nullptr;
GenerateSummary* GeneratedProvince::summary_ = nullptr;

TEST_F(GeneratedProvince, ShuffledAndSplitInputGivesIdenticalRecords) {
  const std::string reference = Backfill("reference", summary_->readings_files);
  ASSERT_GT(reference.size(), 1000u);

  // All lines of all files, shuffled, keeping the order of lines of one (meter, ts) — the order
  // Kafka keeps per key, and the order that decides which of two conflicting values wins.
  std::vector<std::string> lines;
  for (const std::string& f : summary_->readings_files) {
    auto file_lines = SplitLines(ReadFile(f));
    lines.insert(lines.end(), file_lines.begin() + 1, file_lines.end());
  }
  std::vector<size_t> order(lines.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(42);
  std::shuffle(order.begin(), order.end(), rng);
  // Re-sort positions per (meter, ts) so their relative order is kept.
  std::map<std::string, std::vector<size_t>> by_key;
  auto key_of = [&](const std::string& line) {
    const size_t c1 = line.find(',');
    const size_t c2 = line.find(',', c1 + 1);
    const size_t c3 = line.find(',', c2 + 1);
    return c3 == std::string::npos ? line
                                   : line.substr(0, c1) + "|" + line.substr(c2 + 1, c3 - c2 - 1);
  };
  for (size_t slot = 0; slot < order.size(); ++slot)
    by_key[key_of(lines[order[slot]])].push_back(slot);
  for (auto& [key, slots] : by_key) {
    std::vector<size_t> originals;
    for (size_t s : slots) originals.push_back(order[s]);
    std::sort(originals.begin(), originals.end());
    for (size_t i = 0; i < slots.size(); ++i) order[slots[i]] = originals[i];
  }
  const std::string header = "meter_id,enterprise_id,ts,kwh,kind";
  std::vector<std::string> parts;
  std::vector<std::ofstream> outs;
  for (int k = 0; k < 3; ++k) {
    parts.push_back((*dir_ / ("shuffled-" + std::to_string(k) + ".csv")).string());
    outs.emplace_back(parts.back());
    outs.back() << header << "\n";
  }
  for (size_t slot = 0; slot < order.size(); ++slot) {
    // Split by slot ranges so that a (meter, ts)'s lines stay in file order.
    outs[slot * 3 / order.size()] << lines[order[slot]] << "\n";
  }
  for (auto& o : outs) o.close();
  EXPECT_EQ(Backfill("shuffled", parts), reference);
}

TEST_F(GeneratedProvince, GzipInputGivesIdenticalRecords) {
  std::vector<std::string> gz;
  for (const std::string& f : summary_->readings_files) {
    ASSERT_EQ(std::system(("gzip -k -f " + f).c_str()), 0);
    gz.push_back(f + ".gz");
  }
  EXPECT_EQ(Backfill("gzip", gz), Backfill("plain", summary_->readings_files));
}

TEST_F(GeneratedProvince, CrashAfterCommitsThenResumeIsIdentical) {
  const std::string reference = Backfill("uninterrupted", summary_->readings_files);
  const fs::path state = *dir_ / "crash-state";
  fs::remove_all(state);
  const fs::path out = *dir_ / "crashed";
  fs::create_directories(out);
  const std::string common = "backfill" + Inputs() + Readings(summary_->readings_files) +
                             " --out " + (out / "index.jsonl").string() + " --deadletter " +
                             (out / "dead.jsonl").string() + " --state " + state.string() +
                             " --commit-every 50000";
  EXPECT_EQ(RunFugong(common + " --crash-after-commits 3"), 137);
  EXPECT_FALSE(fs::exists(out / "index.jsonl"));                   // it died before publishing
  EXPECT_EQ(RunFugong(common + " --crash-after-commits 5"), 137);  // and again, later on
  EXPECT_EQ(RunFugong(common), 0);
  EXPECT_EQ(Comparable(out / "index.jsonl"), reference);
  // Every record counted exactly once across the three runs.
  const auto summary = nlohmann::json::parse(ReadFile(*dir_ / "uninterrupted/summary.json"));
  EXPECT_EQ(ReadFile(out / "dead.jsonl"), ReadFile(*dir_ / "uninterrupted/dead.jsonl"));
  EXPECT_GT(summary["readings"]["records"].get<uint64_t>(), 0u);
}

// The command on a disk that fills up (FUGONG_TEST_STATE_WRITE_LIMIT: the state's file system
// refuses writes after so many bytes, as a full disk does): exit 1 with the state directory and
// the OS error on stderr, no abort; once there is space, the same command resumes and gives the
// uninterrupted run's records. (By hand, on a 3 MB tmpfs, the same: see docs/streaming.md.)
TEST_F(GeneratedProvince, AFullDiskStopsWithItsReasonAndARerunResumesExactly) {
  const std::string reference = Backfill("uninterrupted-3", summary_->readings_files);
  const fs::path out = *dir_ / "full-disk";
  fs::create_directories(out);
  const fs::path state = out / "state";
  const std::string command =
      std::string(FUGONG_BINARY) + " backfill" + Inputs() + Readings(summary_->readings_files) +
      " --out " + (out / "index.jsonl").string() + " --deadletter " +
      (out / "dead.jsonl").string() + " --state " + state.string() + " --commit-every 50000";
  const std::string stderr_path = (out / "stderr.txt").string();
  const int status = std::system(
      ("FUGONG_TEST_STATE_WRITE_LIMIT=3000000 " + command + " > /dev/null 2> " + stderr_path)
          .c_str());
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status) << ": "
                                 << ReadFile(stderr_path);
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string error = ReadFile(stderr_path);
  EXPECT_NE(error.find("fugong backfill: I/O error: state write failed in " + state.string()),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("No space left on device"), std::string::npos) << error;
  EXPECT_NE(error.find("run again with the same --state to resume"), std::string::npos) << error;
  EXPECT_EQ(error.find("Assertion"), std::string::npos) << error;
  EXPECT_FALSE(fs::exists(out / "index.jsonl"));
  // A bad value of the variable is a usage error, not a silent default.
  const int bad =
      std::system(("FUGONG_TEST_STATE_WRITE_LIMIT=lots " + command + " > /dev/null 2>&1").c_str());
  EXPECT_TRUE(WIFEXITED(bad) && WEXITSTATUS(bad) == 2);
  // Space again: the same command resumes.
  ASSERT_EQ(std::system((command + " > /dev/null 2>&1").c_str()), 0);
  EXPECT_EQ(Comparable(out / "index.jsonl"), reference);
  EXPECT_EQ(ReadFile(out / "dead.jsonl"), ReadFile(*dir_ / "uninterrupted-3/dead.jsonl"));
}

TEST_F(GeneratedProvince, KillNineMidRunThenResumeIsIdentical) {
  const std::string reference = Backfill("uninterrupted-2", summary_->readings_files);
  const fs::path state = *dir_ / "kill-state";
  fs::remove_all(state);
  const fs::path out = *dir_ / "killed";
  fs::create_directories(out);
  std::vector<std::string> args = {FUGONG_BINARY,    "backfill",
                                   "--enterprises",  (*dir_ / "input/enterprises.csv").string(),
                                   "--weather",      (*dir_ / "input/weather.csv").string(),
                                   "--config",       Config().string(),
                                   "--out",          (out / "index.jsonl").string(),
                                   "--deadletter",   (out / "dead.jsonl").string(),
                                   "--state",        state.string(),
                                   "--commit-every", "20000",
                                   "--readings"};
  for (const std::string& f : summary_->readings_files) args.push_back(f);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stdout);
    execv(argv[0], argv.data());
    _exit(127);
  }
  // Kill it once it has committed some progress but well before it is done.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool killed = false;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) break;  // finished before we could kill it
    // RocksDB's WAL grows with every commit; kill after the second log file or 2 MB of log.
    uint64_t wal = 0;
    if (fs::exists(state)) {
      for (const auto& e : fs::directory_iterator(state)) {
        if (e.path().extension() == ".log") wal += e.file_size();
      }
    }
    if (wal > (2u << 20)) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      killed = true;
      break;
    }
  }
  EXPECT_TRUE(killed) << "the backfill finished before it could be killed";
  ASSERT_EQ(RunFugong("backfill" + Inputs() + Readings(summary_->readings_files) + " --out " +
                      (out / "index.jsonl").string() + " --deadletter " +
                      (out / "dead.jsonl").string() + " --state " + state.string()),
            0);
  EXPECT_EQ(Comparable(out / "index.jsonl"), reference);
}

TEST_F(GeneratedProvince, EveryLineIsUsedOrDeadLetteredAndFaultsAreCounted) {
  Backfill("counts", summary_->readings_files);
  const auto s = nlohmann::json::parse(ReadFile(*dir_ / "counts/summary.json"));
  const auto& r = s["readings"];
  EXPECT_EQ(r["records"].get<uint64_t>(), summary_->readings_lines);
  EXPECT_EQ(r["used"].get<uint64_t>() + r["dead_lettered"].get<uint64_t>(),
            r["records"].get<uint64_t>());
  const auto& reasons = r["dead_letter_reasons"];
  EXPECT_EQ(reasons.value("unknown_enterprise", 0u), summary_->unknown_enterprise_lines);
  EXPECT_EQ(reasons.value("negative_kwh", 0u), summary_->negative_lines);
  uint64_t malformed = 0;
  for (const char* k : {"parse_error", "bad_timestamp", "bad_kwh"})
    malformed += reasons.value(k, 0u);
  EXPECT_EQ(malformed, summary_->malformed_lines);
  EXPECT_EQ(s["meter_days"]["duplicates"].get<uint64_t>(), summary_->duplicate_lines);
  EXPECT_EQ(s["meter_days"]["corrections"].get<uint64_t>(), summary_->correction_lines);
  EXPECT_EQ(s["meter_days"]["register_rollovers"].get<uint64_t>(), summary_->rollovers);
  const auto dead_lines = SplitLines(ReadFile(*dir_ / "counts/dead.jsonl"));
  EXPECT_EQ(dead_lines.size(), r["dead_lettered"].get<uint64_t>() +
                                   s["enterprises"]["dead_lettered"].get<uint64_t>() +
                                   s["weather"]["dead_lettered"].get<uint64_t>());
}

TEST_F(GeneratedProvince, CountyResumptionFollowsTheTruth) {
  Backfill("truth", summary_->readings_files);
  // truth.csv: enterprise_id,resume_date,shutdown_from,days_off,base_kwh_per_day
  struct Truth {
    std::optional<Day> resume;
    bool continuous = false;  // never shut down (no shutdown_from): always back
    std::vector<int> days_off;
  };
  std::map<std::string, Truth> truth;
  for (const std::string& line : SplitLines(ReadFile(*dir_ / "input/truth.csv"))) {
    std::vector<std::string> f;
    std::stringstream s(line);
    std::string field;
    while (std::getline(s, field, ',')) f.push_back(field);
    while (f.size() < 5) f.push_back("");
    if (f[0] == "enterprise_id") continue;
    Truth t;
    Day d;
    if (ParseDate(f[1], &d)) t.resume = d;
    t.continuous = f[2].empty();
    std::stringstream days(f[3]);
    while (std::getline(days, field, ';')) {
      if (!field.empty()) t.days_off.push_back(std::stoi(field));
    }
    truth[f[0]] = t;
  }
  std::map<std::string, std::string> county_of =
      testing::CountyOfEnterprises(*dir_ / "input/enterprises.csv");
  // On working days after resumption began, the engine's resumption rate of each county (and
  // the province) against the share of that county's working enterprises whose truth says
  // they are back.
  std::map<std::string, std::string> province_of_county;
  int compared = 0, county_compared = 0;
  double worst_province = 0, county_abs_sum = 0;
  for (const std::string& line : SplitLines(ReadFile(*dir_ / "truth/index.jsonl"))) {
    const auto j = nlohmann::json::parse(line);
    const std::string level = j["level"];
    if ((level != "province" && level != "county") || j["suppressed"].get<bool>()) continue;
    Day day;
    ASSERT_TRUE(ParseDate(j["date"].get<std::string>(), &day));
    if (day < D("2020-02-10") || WeekdayOf(day) >= 5) continue;
    int working = 0, back = 0;
    for (const auto& [id, t] : truth) {
      if (level == "county" && county_of[id] != j["code"].get<std::string>()) continue;
      if (std::find(t.days_off.begin(), t.days_off.end(), WeekdayOf(day)) != t.days_off.end()) {
        continue;
      }
      ++working;
      back += t.continuous || (t.resume && *t.resume <= day);
    }
    ASSERT_GT(working, 0);
    const double error =
        std::abs(j["resumption_rate"].get<double>() - static_cast<double>(back) / working);
    if (level == "province") {
      worst_province = std::max(worst_province, error);
      ++compared;
    } else {
      county_abs_sum += error;
      ++county_compared;
    }
  }
  std::printf("province: %d days, worst |error| %.4f; county: %d county-days, mean |error| %.4f\n",
              compared, worst_province, county_compared, county_abs_sum / county_compared);
  EXPECT_GT(compared, 10);
  EXPECT_GT(county_compared, 300);
  EXPECT_LT(worst_province, 0.02) << "province resumption rate strays from the truth";
  EXPECT_LT(county_abs_sum / county_compared, 0.02)
      << "county resumption rates stray from the truth";
}

}  // namespace
}  // namespace fugong
