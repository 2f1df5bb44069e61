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

// `fugong serve` over the same files through the embedded cluster: every record the backfill
// wrote, byte for byte apart from computed_at, each published once.
TEST_F(TwoSeasonStreamTest, AStreamAcrossTwoSeasonsPublishesTheBackfillsRecords) {
  ASSERT_NE(cluster_, nullptr);
  // One readings partition: the watermark then follows the files' time order exactly. (Over
  // several partitions, one that has delivered nothing yet does not hold the watermark back, so
  // a fetch of months from another can close days early: published from part of the enterprises,
  // then revised.) The readings (~23,000 messages) stay below the 5 MiB the mock keeps of a
  // partition, and so do the index records (~43,000) over 12 partitions.
  for (const auto& [topic, partitions] :
       std::vector<std::pair<std::string, int>>{{"fugong.readings", 1},
                                                {"fugong.enterprises", 2},
                                                {"fugong.weather", 1},
                                                {"fugong.index.daily", 12},
                                                {"fugong.deadletter", 1}}) {
    ASSERT_TRUE(cluster_->CreateTopic(topic, partitions).ok()) << topic;
  }
  const std::string bootstrap = cluster_->bootstrap_servers();
  const std::string log = (*dir_ / "serve.log").string();
  const auto produce = [&](const std::string& topic, const std::string& kind,
                           const std::vector<std::string>& files) {
    ChildProcess p(testing::ProduceCommand(bootstrap, topic, kind, files), log, "/dev/null");
    EXPECT_EQ(p.Wait(), 0) << "produce " << topic << ":\n" << ReadFile(log);
  };
  const auto serve = [&] {
    return std::make_unique<ChildProcess>(
        testing::ServeCommand((*dir_ / "config.yaml").string(), (*dir_ / "serve-state").string(),
                              bootstrap, {"--exit-when-idle", "2"}),
        log, (*dir_ / "serve.out").string());
  };
  // The registry and 17 months of weather (~12,000 messages on one partition) are in the state
  // before the first reading: consumed alongside the readings, the weather would come after
  // the days it belongs to had closed, and those days would be published and then revised.
  produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  ASSERT_EQ(serve()->Wait(), 0) << ReadFile(log);
  // Then the readings, by the service restarted on its state.
  std::unique_ptr<ChildProcess> streaming = serve();
  produce("fugong.readings", "readings", *readings_);
  ASSERT_EQ(streaming->Wait(), 0) << ReadFile(log);

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

}  // namespace
}  // namespace fugong
