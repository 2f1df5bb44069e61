// A province that spans two Spring Festivals (2018-11-01..2020-03-31, seasons 2019 and 2020):
// the backfill scores each day against its own season's baseline window, and `fugong serve`
// streaming the same files through the embedded Kafka cluster publishes exactly the backfill's
// records (issue 10: a service that runs for years crosses seasons).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/backfill_runner.h"
#include "app/generate/province_generator.h"
#include "app/run_config.h"
#include "connectors/kafka/topic_snapshot.h"
#include "engine/baseline/baseline_window.h"
#include "engine/publish/last_year.h"
#include "engine/state/key_codec.h"
#include "engine/state/state_store.h"
#include "tests/support/child_process.h"
#include "tests/support/command_lines.h"
#include "tests/support/files.h"
#include "tests/support/generated_province.h"
#include "tests/support/record_compare.h"
#include "tests/support/shared_cluster.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::BackfillFilesFor;
using testing::ChildProcess;
using testing::DayOf;
using testing::ExpectSameRecords;
using testing::GenerateProvinceInto;
using testing::IndexKeyOf;
using testing::ReadFile;
using testing::ReadIndexRecordsWithoutComputedAt;
using testing::WithoutComputedAt;

constexpr char kProvince[] = "330000";

// The comma-separated fields of a CSV line without quotes.
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> out;
  for (size_t at = 0, comma; at <= line.size(); at = comma + 1) {
    comma = line.find(',', at);
    if (comma == std::string::npos) comma = line.size();
    out.push_back(line.substr(at, comma - at));
  }
  return out;
}

class TwoSeasonStreamTest : public testing::SharedClusterTest {
 protected:
  static void SetUpTestSuite() {
    SharedClusterTest::SetUpTestSuite();
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("fugong-two-season-test-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    // Register meters only (one reading a meter-day) keep 17 months of 30 enterprises at ~23,000
    // readings.
    const std::optional<GenerateSummary> generated =
        GenerateProvinceInto(*dir_, {.seed = 11,
                                     .enterprises = 30,
                                     .from = "2018-11-01",
                                     .to = "2020-03-31",
                                     .register_fraction = 1.0});
    ASSERT_TRUE(generated);
    readings_ = new std::vector<std::string>(generated->readings_files);
    KeepWeatherOfRegisteredCounties();
    std::ofstream(*dir_ / "config.yaml") << "interval_minutes: 60\ncommit_interval_ms: 200\n"
                                         << "kafka:\n  session.timeout.ms: 6000\n";
    Result<RunConfig> config = LoadRunConfig((*dir_ / "config.yaml").string(), {});
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    config_ = new RunConfig(std::move(config).value());
    // The reference: a backfill of the same files, its state kept for the baseline store.
    BackfillFiles files = BackfillFilesFor(*dir_, *readings_, "backfill");
    files.state_dir = (*dir_ / "backfill-state").string();
    Result<BackfillSummary> summary = RunBackfillFromFiles(*config_, files, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    backfill_ =
        new std::map<std::string, std::string>(ReadIndexRecordsWithoutComputedAt(files.out));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete readings_;
    delete config_;
    delete backfill_;
    SharedClusterTest::TearDownTestSuite();
  }

  // weather.csv without the counties no enterprise is in (two thirds of the ~46,000 lines):
  // they change no figure, yet the stream would take seconds to consume them.
  static void KeepWeatherOfRegisteredCounties() {
    std::set<std::string> counties;
    for (const std::string& line : testing::SplitLines(ReadFile(*dir_ / "input/enterprises.csv"))) {
      counties.insert(line.substr(line.find(',') + 1, 6));  // enterprise_id,county_code,...
    }
    const fs::path weather = *dir_ / "input/weather.csv";
    std::string kept;
    for (const std::string& line : testing::SplitLines(ReadFile(weather))) {
      if (kept.empty() || counties.count(line.substr(0, 6))) kept += line + "\n";
    }
    std::ofstream(weather, std::ios::trunc) << kept;
  }

  // The window the engine scores `day` against.
  static DayRange WindowOf(const char* day) {
    Result<DayRange> window = BaselineWindowFor(DayOf(day), config_->engine, *config_->calendar);
    EXPECT_TRUE(window.ok()) << window.status().ToString();
    return window.ok() ? *window : DayRange{0, 0};
  }

  // The province record of `day` in the backfill.
  static nlohmann::json ProvinceOn(const std::string& day) {
    auto it = backfill_->find(day + "|province|" + kProvince);
    EXPECT_NE(it, backfill_->end()) << day;
    return it == backfill_->end() ? nlohmann::json() : nlohmann::json::parse(it->second);
  }

  static fs::path* dir_;
  static std::vector<std::string>* readings_;
  static RunConfig* config_;
  static std::map<std::string, std::string>* backfill_;
};

fs::path* TwoSeasonStreamTest::dir_ = nullptr;
std::vector<std::string>* TwoSeasonStreamTest::readings_ = nullptr;
RunConfig* TwoSeasonStreamTest::config_ = nullptr;
std::map<std::string, std::string>* TwoSeasonStreamTest::backfill_ = nullptr;

// Days of both seasons are published, each scored against its own season's window: the
// baseline store holds exactly the two windows, and the 2019 festival's shutdown and recovery
// show in the 2019 figures as the 2020 one does in 2020's.
TEST_F(TwoSeasonStreamTest, TheBackfillScoresEachDayAgainstItsOwnSeasonsWindow) {
  const DayRange first = WindowOf("2019-03-15");
  const DayRange second = WindowOf("2020-02-20");
  EXPECT_EQ(FormatDate(first.from) + ".." + FormatDate(first.to), "2018-12-10..2019-01-20");
  EXPECT_EQ(FormatDate(second.from) + ".." + FormatDate(second.to), "2019-11-29..2020-01-09");
  // The season boundary lies half-way between the festivals (2019-02-05, 2020-01-25).
  EXPECT_EQ(WindowOf("2019-07-31").from, first.from);
  EXPECT_EQ(WindowOf("2019-08-01").from, second.from);

  std::set<std::pair<Day, Day>> windows;
  {
    Result<std::unique_ptr<StateStore>> state =
        StateStore::Open((*dir_ / "backfill-state").string());
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    std::unique_ptr<rocksdb::Iterator> it = (*state)->NewIterator(Store::kBaseline);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      // window_from window_to enterprise (engine/state/key_codec.h)
      const rocksdb::Slice key = it->key();
      ASSERT_GE(key.size(), 9u);
      windows.insert({ReadDay(key.data()), ReadDay(key.data() + 4)});
    }
  }
  EXPECT_EQ(windows,
            (std::set<std::pair<Day, Day>>{{first.from, first.to}, {second.from, second.to}}));

  // Every day of the range is published for the province, in both seasons.
  int first_season_days = 0, second_season_days = 0;
  for (Day d = DayOf("2018-11-01"); d <= DayOf("2020-03-31"); ++d) {
    if (!backfill_->count(FormatDate(d) + "|province|" + kProvince)) continue;
    ++(d < DayOf("2019-08-01") ? first_season_days : second_season_days);
  }
  EXPECT_EQ(first_season_days, 273);   // 2018-11-01..2019-07-31
  EXPECT_EQ(second_season_days, 244);  // 2019-08-01..2020-03-31

  // The figures follow each festival: few enterprises resumed on the first working days after
  // the break, most a month later, in both seasons.
  const auto rate = [](const nlohmann::json& record) {
    return record["resumption_rate"].is_number() ? record["resumption_rate"].get<double>() : -1.0;
  };
  EXPECT_LT(rate(ProvinceOn("2019-02-12")), 0.6);
  EXPECT_GT(rate(ProvinceOn("2019-03-12")), 0.9);
  EXPECT_LT(rate(ProvinceOn("2020-02-11")), 0.4);
  EXPECT_GT(rate(ProvinceOn("2020-03-24")), 0.8);
}
// SPEC "last_year": every record of the second season whose same lunar day of the first season
// has an unsuppressed record carries that record's composite, and no other record carries one
// (the first season's have no season before them in the data).
TEST_F(TwoSeasonStreamTest, SecondSeasonRecordsCarryTheFirstsSameLunarDay) {
  size_t carried = 0, absent = 0;
  for (const auto& [key, record] : *backfill_) {
    const nlohmann::json r = nlohmann::json::parse(record);
    const Day day = DayOf(r["date"].get<std::string>().c_str());
    const std::optional<Day> then = SameLunarDayLastYear(day, *config_->calendar);
    std::optional<std::string> want;  // the composite as written in the earlier record
    if (then) {
      auto earlier = backfill_->find(FormatDate(*then) + key.substr(10));
      if (earlier != backfill_->end()) {
        const std::string& text = earlier->second;
        const size_t at = text.find(",\"composite\":");
        const std::string value = text.substr(at + 13, text.find_first_of(",}", at + 13) - at - 13);
        if (value != "null") want = value;
      }
    }
    SCOPED_TRACE(key);
    if (!want) {
      EXPECT_FALSE(r.contains("last_year"));
      ++absent;
      continue;
    }
    ASSERT_TRUE(r.contains("last_year"));
    EXPECT_EQ(r["last_year"]["date"], FormatDate(*then));
    // Byte for byte as the earlier record wrote it.
    EXPECT_NE(record.find(",\"last_year\":{\"date\":\"" + FormatDate(*then) +
                          "\",\"composite\":" + *want + "}"),
              std::string::npos);
    EXPECT_GE(day, DayOf("2019-08-01")) << "only the second season has a season before it";
    ++carried;
  }
  EXPECT_GT(carried, 200u);
  EXPECT_GT(absent, 200u);
  // State Grid's comparison: 2020-02-18 against 2019-03-01.
  EXPECT_EQ(ProvinceOn("2020-02-18")["last_year"]["date"], "2019-03-01");
  EXPECT_EQ(ProvinceOn("2020-02-18")["last_year"]["composite"],
            ProvinceOn("2019-03-01")["composite"]);
}

// `fugong serve` of the suite's files through the suite's cluster: topics `<prefix>readings`,
// `<prefix>enterprises`, ... as `config` names them, the service's state, log and output under
// `name` in the suite's directory.
class SeasonStream {
 public:
  SeasonStream(EmbeddedCluster* cluster, const fs::path& dir, std::string prefix, fs::path config,
               const std::string& name)
      : cluster_(cluster),
        dir_(dir),
        prefix_(std::move(prefix)),
        config_(std::move(config)),
        state_(dir / (name + "-state")),
        log_((dir / (name + ".log")).string()),
        out_((dir / (name + ".out")).string()) {}

  // One readings partition: the watermark then follows the files' time order exactly. (Over
  // several partitions, one that has delivered nothing yet does not hold the watermark back, so
  // a fetch of months from another can close days early: published from part of the
  // enterprises, then revised.) The readings (~23,000 messages) stay below the 5 MiB the mock
  // keeps of a partition, and so do the index records (~43,000) over 12 partitions.
  void CreateTopics() {
    for (const auto& [topic, partitions] :
         std::vector<std::pair<std::string, int>>{{"readings", 1},
                                                  {"enterprises", 2},
                                                  {"weather", 1},
                                                  {"index.daily", 12},
                                                  {"deadletter", 1}}) {
      ASSERT_TRUE(cluster_->CreateTopic(prefix_ + topic, partitions).ok()) << prefix_ + topic;
    }
  }
  void Produce(const std::string& topic, const std::string& kind,
               const std::vector<std::string>& files) {
    ChildProcess p(
        testing::ProduceCommand(cluster_->bootstrap_servers(), prefix_ + topic, kind, files), log_,
        "/dev/null");
    EXPECT_EQ(p.Wait(), 0) << "produce " << prefix_ + topic << ":\n" << ReadFile(log_);
  }
  std::unique_ptr<ChildProcess> Serve() {
    return std::make_unique<ChildProcess>(
        testing::ServeCommand(config_.string(), state_.string(), cluster_->bootstrap_servers(),
                              {"--exit-when-idle", "2"}),
        log_, out_);
  }
  // The registry and 17 months of weather (~12,000 messages on one partition) are in the state
  // before the first reading: consumed alongside the readings, the weather would come after
  // the days it belongs to had closed, and those days would be published and then revised.
  // Then the readings, by the service restarted on its state.
  void StreamAll(const std::vector<std::string>& readings) {
    Produce("enterprises", "enterprises", {(dir_ / "input/enterprises.csv").string()});
    Produce("weather", "weather", {(dir_ / "input/weather.csv").string()});
    ASSERT_EQ(Serve()->Wait(), 0) << ReadFile(log_);
    std::unique_ptr<ChildProcess> streaming = Serve();
    Produce("readings", "readings", readings);
    ASSERT_EQ(streaming->Wait(), 0) << ReadFile(log_);
  }
  const std::string& log() const { return log_; }

 private:
  EmbeddedCluster* cluster_;
  fs::path dir_;
  std::string prefix_;
  fs::path config_, state_;
  std::string log_, out_;
};

// `fugong serve` over the same files through the embedded cluster: every record the backfill
// wrote, byte for byte apart from computed_at, each published once.
TEST_F(TwoSeasonStreamTest, AStreamAcrossTwoSeasonsPublishesTheBackfillsRecords) {
  ASSERT_NE(cluster_, nullptr);
  SeasonStream stream(cluster_, *dir_, "fugong.", *dir_ / "config.yaml", "serve");
  ASSERT_NO_FATAL_FAILURE(stream.CreateTopics());
  ASSERT_NO_FATAL_FAILURE(stream.StreamAll(*readings_));
  const std::string bootstrap = cluster_->bootstrap_servers();

  KafkaConfig kafka;
  kafka.Set("bootstrap.servers", bootstrap);
  Result<std::vector<TopicRecord>> messages =
      ReadTopicSnapshot(kafka, "fugong.index.daily", std::chrono::seconds(60));
  ASSERT_TRUE(messages.ok()) << messages.status().ToString();
  std::map<std::string, std::string> published;
  for (const TopicRecord& m : *messages) {
    EXPECT_EQ(m.key.value_or(""), IndexKeyOf(m.value));
    published[IndexKeyOf(m.value)] = WithoutComputedAt(m.value);
  }
  ExpectSameRecords(published, *backfill_);
  EXPECT_EQ(messages->size(), backfill_->size()) << "every record published exactly once";
}

// A late correction of a first-season day changes that day's records, and with them the
// last_year of the second season's same lunar day: the stream publishes those again and ends
// where a backfill with the line ends (revisions aside).
TEST_F(TwoSeasonStreamTest, ALateFirstSeasonReadingRevisesTheSecondSeasonsLastYear) {
  ASSERT_NE(cluster_, nullptr);
  // Topics and a group of its own on the suite's cluster.
  const fs::path config = *dir_ / "config-ly.yaml";
  std::ofstream(config) << ReadFile(*dir_ / "config.yaml") << "group_id: ly\n"
                        << "topic_readings: ly.readings\ntopic_enterprises: ly.enterprises\n"
                        << "topic_weather: ly.weather\ntopic_risk: \"\"\n"
                        << "topic_index: ly.index.daily\ntopic_deadletter: ly.deadletter\n";
  SeasonStream stream(cluster_, *dir_, "ly.", config, "serve-ly");
  ASSERT_NO_FATAL_FAILURE(stream.CreateTopics());
  ASSERT_NO_FATAL_FAILURE(stream.StreamAll(*readings_));
  const std::string bootstrap = cluster_->bootstrap_servers();

  // The late line: a meter's register reading at 2019-03-02 00:00 raised by half of the next
  // day's consumption, which moves that much energy from 2019-03-02 to 2019-03-01.
  std::map<std::string, std::pair<std::string, double>> at_0302;  // meter -> (line, kwh)
  std::string late;
  for (const std::string& file : *readings_) {
    for (const std::string& line : testing::SplitLines(ReadFile(file))) {
      const std::vector<std::string> f = Fields(line);
      if (f.size() != 5) continue;
      if (f[2].starts_with("2019-03-02T00:00:00")) at_0302[f[0]] = {line, std::stod(f[3])};
      auto before = at_0302.find(f[0]);
      if (late.empty() && f[2].starts_with("2019-03-03T00:00:00") && before != at_0302.end()) {
        const double raised =
            before->second.second + 0.5 * (std::stod(f[3]) - before->second.second);
        char kwh[32];
        std::snprintf(kwh, sizeof kwh, "%.3f", raised);
        const std::vector<std::string> g = Fields(before->second.first);
        late = g[0] + "," + g[1] + "," + g[2] + "," + kwh + "," + g[4];
      }
    }
  }
  ASSERT_FALSE(late.empty()) << "no meter has readings on 2019-03-02 and 03-03";
  const fs::path extra = *dir_ / "late-2019-03-01.csv";
  std::ofstream(extra) << "meter_id,enterprise_id,ts,kwh,kind\n" << late << "\n";
  stream.Produce("readings", "readings", {extra.string()});
  ASSERT_EQ(stream.Serve()->Wait(), 0) << ReadFile(stream.log());

  std::vector<std::string> files = *readings_;
  files.push_back(extra.string());
  BackfillFiles backfill = BackfillFilesFor(*dir_, files, "backfill-late");
  Result<BackfillSummary> summary = RunBackfillFromFiles(*config_, backfill, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const std::map<std::string, std::string> want = ReadIndexRecordsWithoutComputedAt(backfill.out);
  ASSERT_NE(ProvinceOn("2019-03-01")["composite"],
            nlohmann::json::parse(want.at("2019-03-01|province|330000"))["composite"])
      << "the late line changes the day it belongs to";

  KafkaConfig kafka;
  kafka.Set("bootstrap.servers", bootstrap);
  Result<std::vector<TopicRecord>> messages =
      ReadTopicSnapshot(kafka, "ly.index.daily", std::chrono::seconds(60));
  ASSERT_TRUE(messages.ok()) << messages.status().ToString();
  std::map<std::string, nlohmann::json> latest;
  std::map<std::string, int> times;
  for (const TopicRecord& m : *messages) {
    nlohmann::json r = nlohmann::json::parse(m.value);
    r.erase("computed_at");
    r.erase("revision");
    latest[IndexKeyOf(m.value)] = std::move(r);
    ++times[IndexKeyOf(m.value)];
  }
  ASSERT_EQ(latest.size(), want.size());
  for (const auto& [key, record] : want) {
    nlohmann::json w = nlohmann::json::parse(record);
    w.erase("revision");
    EXPECT_EQ(latest[key], w) << key;
  }
  // The second season's same lunar day was published again, with the new composite.
  EXPECT_EQ(times["2020-02-18|province|330000"], 2);
  EXPECT_EQ(latest["2020-02-18|province|330000"]["last_year"]["composite"],
            latest["2019-03-01|province|330000"]["composite"]);
}

}  // namespace
}  // namespace fugong
