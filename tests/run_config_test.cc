// Configuration: the example file parses to the defaults, overrides win, mistakes are errors,
// and user region tables and calendars replace the built-in ones.
#include "app/run_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace fugong {
namespace {

namespace fs = std::filesystem;

class RunConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fugong-config-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  fs::path dir_;
};

TEST_F(RunConfigTest, ExampleFileHoldsTheDefaults) {
  auto c = LoadRunConfig(std::string(FUGONG_SOURCE_DIR) + "/deploy/fugong.example.yaml", {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const EngineConfig defaults;
  EXPECT_EQ(c->engine.interval_minutes, defaults.interval_minutes);
  EXPECT_EQ(c->engine.time_zone.OffsetAt(1581783300), 8 * 3600);
  EXPECT_EQ(c->engine.min_group_size, defaults.min_group_size);
  EXPECT_EQ(c->engine.levels, defaults.levels);
  EXPECT_DOUBLE_EQ(c->engine.resume_threshold, defaults.resume_threshold);
  EXPECT_EQ(c->engine.day_shape, defaults.day_shape);
  EXPECT_DOUBLE_EQ(c->engine.shape.active_threshold, defaults.shape.active_threshold);
  EXPECT_DOUBLE_EQ(c->engine.shape.min_excess_share, defaults.shape.min_excess_share);
  EXPECT_EQ(c->engine.shape.base_hours, defaults.shape.base_hours);
  EXPECT_DOUBLE_EQ(c->engine.shape.working_level, defaults.shape.working_level);
  EXPECT_EQ(c->engine.shape.min_window_days, defaults.shape.min_window_days);
  EXPECT_EQ(c->regions->counties().size(), 90u);
  const StreamSettings stream;
  EXPECT_EQ(c->stream.readings_topic, stream.readings_topic);
  EXPECT_EQ(c->stream.close_grace_seconds, stream.close_grace_seconds);
  EXPECT_EQ(c->stream.close_deadline_minutes, stream.close_deadline_minutes);
  EXPECT_EQ(c->stream.idle_partition_seconds, stream.idle_partition_seconds);
  EXPECT_EQ(c->stream.max_message_bytes, stream.max_message_bytes);
  EXPECT_EQ(c->stream.state_cleanup_delay_seconds, stream.state_cleanup_delay_seconds);
  EXPECT_EQ(c->index_topic, "fugong.index.daily");
  EXPECT_EQ(c->commit_interval_ms, 1000);
}

TEST_F(RunConfigTest, StreamingKeysAndKafkaProperties) {
  const std::string path = Write("s.yaml",
                                 "close_grace_minutes: 30\nclose_deadline: '09:30'\n"
                                 "topic_weather: ''\nkafka:\n  linger.ms: 7\n");
  auto c = LoadRunConfig(path, {"kafka.bootstrap.servers=h1:9092,h2:9092", "group_id=g2"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->stream.close_grace_seconds, 1800);
  EXPECT_EQ(c->stream.close_deadline_minutes, std::optional<int>(9 * 60 + 30));
  EXPECT_EQ(c->stream.weather_topic, "");
  EXPECT_EQ(c->group_id, "g2");
  EXPECT_FALSE(LoadRunConfig(path, {"state_cleanup_delay_seconds=-1"}).ok());
  EXPECT_FALSE(LoadRunConfig(path, {"active_threshold=0"}).ok());
  EXPECT_FALSE(LoadRunConfig(path, {"shape_base_hours=13"}).ok());
  EXPECT_FALSE(LoadRunConfig(path, {"shape_working_level=1"}).ok());
  auto shape = LoadRunConfig(path, {"active_threshold=0.4", "day_shape=false"});
  ASSERT_TRUE(shape.ok()) << shape.status().ToString();
  EXPECT_DOUBLE_EQ(shape->engine.shape.active_threshold, 0.4);
  EXPECT_FALSE(shape->engine.day_shape);
  auto cleanup = LoadRunConfig(path, {"state_cleanup_delay_seconds=5"});
  ASSERT_TRUE(cleanup.ok()) << cleanup.status().ToString();
  EXPECT_EQ(cleanup->stream.state_cleanup_delay_seconds, 5);
  EXPECT_EQ(c->kafka, (std::vector<std::pair<std::string, std::string>>{
                          {"linger.ms", "7"}, {"bootstrap.servers", "h1:9092,h2:9092"}}));
  auto none = LoadRunConfig("", {"close_deadline=none"});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->stream.close_deadline_minutes.has_value());
  EXPECT_FALSE(LoadRunConfig("", {"close_deadline=8am"}).ok());
  EXPECT_FALSE(LoadRunConfig("", {"close_grace_minutes=-5"}).ok());
  EXPECT_FALSE(LoadRunConfig("", {"commit_interval_ms=0"}).ok());
  EXPECT_FALSE(LoadRunConfig(Write("k.yaml", "kafka: 5\n"), {}).ok());
}

TEST_F(RunConfigTest, OverridesWinAndMistakesAreErrors) {
  const std::string path = Write("c.yaml", "min_group_size: 5\nlevels: [county]\n");
  auto c = LoadRunConfig(path, {"min_group_size=2", "levels=[county, city]", "timezone=+01:00"});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->engine.min_group_size, 2);
  EXPECT_EQ(c->engine.levels, (std::vector<std::string>{"county", "city"}));
  EXPECT_EQ(c->engine.time_zone.OffsetAt(1581783300), 3600);
  EXPECT_FALSE(LoadRunConfig(Write("typo.yaml", "min_grup_size: 5\n"), {}).ok());
  EXPECT_FALSE(LoadRunConfig(Write("bad.yaml", "interval_minutes: 7\n"), {}).ok());
  EXPECT_FALSE(LoadRunConfig(Write("type.yaml", "r_max: lots\n"), {}).ok());
  EXPECT_FALSE(LoadRunConfig("", {"no-equals-sign"}).ok());
  EXPECT_FALSE(LoadRunConfig("", {"levels=[galaxy]"}).ok());
  EXPECT_FALSE(LoadRunConfig(dir_.string() + "/missing.yaml", {}).ok());
}

TEST_F(RunConfigTest, UserRegionTableAndCalendar) {
  Write("regions.csv",
        "code,name,parent\nUK,United Kingdom,\nCAMBS,Cambridgeshire,UK\n"
        "CAMB,Cambridge,CAMBS\nPBO,Peterborough,CAMBS\n");
  Write("calendar.csv", "date,type\n2020-04-10,holiday\n2020-04-13,holiday\n");
  // Without a window a calendar with no Spring Festival cannot place baselines.
  EXPECT_FALSE(LoadRunConfig(Write("no-window.yaml",
                                   "region_table: regions.csv\n"
                                   "calendar: calendar.csv\n"),
                             {})
                   .ok());
  auto c = LoadRunConfig(Write("uk.yaml",
                               "region_table: regions.csv\ncalendar: calendar.csv\n"
                               "baseline_from: 2020-01-06\nbaseline_to: 2020-02-16\n"),
                         {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->regions->counties(), (std::vector<std::string>{"CAMB", "PBO"}));
  EXPECT_EQ(c->regions->CityOf("CAMB"), "CAMBS");
  EXPECT_EQ(c->regions->ProvinceOf("PBO"), "UK");
  Day good_friday;
  ASSERT_TRUE(ParseDate("2020-04-10", &good_friday));
  EXPECT_TRUE(c->calendar->IsHoliday(good_friday));
  EXPECT_FALSE(c->calendar->has_spring_festivals());
  // A region table whose county lacks a grandparent is refused.
  Write("flat.csv", "code,name,parent\nA,Alpha,\nB,Beta,A\n");
  EXPECT_FALSE(LoadRunConfig(Write("flat.yaml", "region_table: flat.csv\n"), {}).ok());
}

}  // namespace
}  // namespace fugong
