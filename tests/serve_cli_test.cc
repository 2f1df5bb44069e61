// `fugong serve` as a user runs it, against the embedded cluster (librdkafka's mock, started in
// the test process, so the service can be killed and restarted against the same topics): a
// stream and a backfill of the same generated province give the same records; crashes and
// kill -9 mid-stream end in the same records; bad messages are dead-lettered with their reason;
// readings before the registry; a broker that goes down and comes back loses nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <thread>
#include <variant>

#include "app/backfill_runner.h"
#include "app/generate/province_generator.h"
#include "app/run_config.h"
#include "connectors/kafka/consumer_group_lag.h"
#include "connectors/kafka/embedded_cluster.h"
#include "connectors/kafka/kafka_producer.h"
#include "connectors/kafka/topic_snapshot.h"
#include "engine/common/date.h"
#include "engine/groups/group_partial_codec.h"
#include "tests/support/child_process.h"
#include "tests/support/command_lines.h"
#include "tests/support/files.h"
#include "tests/support/generated_province.h"
#include "tests/support/http_client.h"
#include "tests/support/record_compare.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::BackfillFilesFor;
using testing::ChildProcess;
using testing::ExpectSameRecords;
using testing::GenerateProvinceInto;
using testing::IndexKeyOf;
using testing::ProduceCommand;
using testing::ReadFile;
using testing::ReadIndexRecordsWithoutComputedAt;
using testing::ServeCommand;
using testing::SplitLines;
using testing::WithoutComputedAt;

class ServeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new fs::path(fs::temp_directory_path() / ("fugong-serve-test-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    const std::optional<GenerateSummary> generated = GenerateProvinceInto(
        *dir_, {.seed = 8, .enterprises = 120, .from = "2019-11-25", .to = "2020-02-20"});
    ASSERT_TRUE(generated);
    readings_ = new std::vector<std::string>(generated->readings_files);
    readings_lines_ = generated->readings_lines;
    // A short session (4.5 s, heartbeats every 0.5 s): the mock broker holds every rebalance that
    // waits for a member for the session timeout less 1 s (rdkafka_mock_cgrp.c), and a
    // cooperative change of members takes two rebalances, so the tests with several instances
    // spend most of their time in them. Not shorter: a group's first join is held 3 s, with no
    // heartbeat meanwhile, and a session that ends in that hold loses the member
    // (docs/kafka.md, "The embedded cluster and its limits").
    std::ofstream(*dir_ / "config.yaml") << "interval_minutes: 60\ncommit_interval_ms: 200\n"
                                         << "kafka:\n  session.timeout.ms: 4500\n"
                                         << "  heartbeat.interval.ms: 500\n"
                                         << "idle_partition_seconds: 20\n";
    // The reference: a backfill of the same files.
    const BackfillFiles files = BackfillFilesFor(*dir_, *readings_, "backfill");
    Result<RunConfig> config = LoadRunConfig((*dir_ / "config.yaml").string(), {});
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    Result<BackfillSummary> summary = RunBackfillFromFiles(*config, files, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    readings_used_ = summary->readings.used;
    backfill_ =
        new std::map<std::string, std::string>(ReadIndexRecordsWithoutComputedAt(files.out));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete readings_;
    delete backfill_;
  }

  void SetUp() override {
    name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
    ASSERT_TRUE(cluster.ok());
    cluster_ = std::move(cluster).value();
    for (const auto& [topic, partitions] :
         std::vector<std::pair<std::string, int>>{{"fugong.readings", 24},
                                                  {"fugong.enterprises", 4},
                                                  {"fugong.weather", 1},
                                                  {"fugong.index.daily", 12},
                                                  {"fugong.deadletter", 2}}) {
      ASSERT_TRUE(cluster_->CreateTopic(topic, partitions).ok());
    }
    state_ = (*dir_ / (name_ + "-state")).string();
    log_ = (*dir_ / (name_ + ".log")).string();
  }
  // A failed test shows the log of every instance it ran (name_.log, name_-b.log, ...), since
  // a multi-instance failure is often explained by another instance than the one that failed.
  void TearDown() override {
    if (!HasFailure()) return;
    if (partials_topic_created_) ShowPartialsWatermarks();
    std::vector<fs::path> logs;
    for (const fs::directory_entry& entry : fs::directory_iterator(*dir_)) {
      const std::string file = entry.path().filename().string();
      if (file.starts_with(name_) && file.ends_with(".log")) logs.push_back(entry.path());
    }
    std::sort(logs.begin(), logs.end());
    for (const fs::path& log : logs) {
      std::cerr << "serve log " << log.filename().string() << ":\n"
                << ReadFile(log.string()) << "\n";
    }
  }

  std::string bootstrap() const { return cluster_->bootstrap_servers(); }

  // For a failed test through the partials topic: each owner's view of every task's watermark
  // (the one it keeps: the highest sequence; and the last to arrive), which tells a day never
  // published from a task that never closed it.
  void ShowPartialsWatermarks() {
    KafkaConfig config;
    config.Set("bootstrap.servers", bootstrap());
    Result<std::vector<TopicRecord>> records =
        ReadTopicSnapshot(config, "fugong.partials", std::chrono::seconds(30));
    if (!records.ok()) return;
    std::map<std::pair<int32_t, int32_t>, std::pair<TaskWatermark, TaskWatermark>> seen;
    for (const TopicRecord& r : *records) {
      if (!r.key) continue;
      auto decoded = DecodePartialMessage(*r.key, r.value);
      if (!decoded.ok() || !std::holds_alternative<TaskWatermark>(*decoded)) continue;
      const TaskWatermark& w = std::get<TaskWatermark>(*decoded);
      auto [it, fresh] = seen.try_emplace({r.partition, w.task}, w, w);
      if (!fresh && w.sequence > it->second.first.sequence) it->second.first = w;
      it->second.second = w;
    }
    std::cerr << "partials watermarks (owner q, task: kept closed_through@sequence; last):\n";
    for (const auto& [key, pair] : seen) {
      std::cerr << "  q" << key.first << " 0_" << key.second << ": "
                << FormatDate(pair.first.closed_through) << "@" << pair.first.sequence << "; "
                << FormatDate(pair.second.closed_through) << "@" << pair.second.sequence << "\n";
    }
  }

  // Every message of `topic` as a subscriber sees it now.
  std::vector<TopicRecord> ReadTopic(const std::string& topic) {
    KafkaConfig config;
    config.Set("bootstrap.servers", bootstrap());
    Result<std::vector<TopicRecord>> records =
        ReadTopicSnapshot(config, topic, std::chrono::seconds(60));
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    return records.ok() ? *records : std::vector<TopicRecord>();
  }

  // `fugong produce` of files into a topic, to completion.
  void Produce(const std::string& topic, const std::string& kind,
               const std::vector<std::string>& files) {
    ChildProcess p(ProduceArgs(topic, kind, files), log_, "/dev/null");
    EXPECT_EQ(p.Wait(), 0) << "produce " << topic;
  }
  std::vector<std::string> ProduceArgs(const std::string& topic, const std::string& kind,
                                       const std::vector<std::string>& files) {
    return ProduceCommand(bootstrap(), topic, kind, files);
  }
  // Runs serve with a state file system that refuses writes past `limit`
  // (FUGONG_TEST_STATE_WRITE_LIMIT, app/state_write_limit.cc) until it stops: it must exit 1 with
  // the state directory, the OS error and what to do, and no abort. Returns its log.
  std::string ExpectServeStopsOnAFullDisk(const std::string& limit) {
    {
      std::vector<std::string> args =
          ServeCommand((*dir_ / "config.yaml").string(), state_, bootstrap(), {});
      args.insert(args.begin(), {"/usr/bin/env", "FUGONG_TEST_STATE_WRITE_LIMIT=" + limit});
      ChildProcess serve(args, log_, (*dir_ / (name_ + ".out")).string());
      EXPECT_EQ(serve.Wait(), 1);
    }
    const std::string log = ReadFile(log_);
    EXPECT_NE(log.find("fugong serve: I/O error: state write failed in " + state_),
              std::string::npos);
    EXPECT_NE(log.find("No space left on device"), std::string::npos);
    EXPECT_NE(log.find("consuming stopped: free space and restart to resume"), std::string::npos);
    EXPECT_EQ(log.find("Assertion"), std::string::npos);
    return log;
  }

  // The HTTP address a serve started with `--http 127.0.0.1:0` logs, once its /readyz answers 200;
  // empty if it never listens or never gets ready.
  std::string WaitUntilReady(const std::string& log_path) {
    std::string address;
    const std::regex listening(R"(http: listening on http://([0-9.]+:[0-9]+)/)");
    for (int i = 0; i < 300 && address.empty(); ++i) {
      std::smatch m;
      const std::string log = ReadFile(log_path);
      if (std::regex_search(log, m, listening)) address = m[1];
      if (address.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (address.empty()) return "";
    for (int i = 0; i < 300; ++i) {
      if (testing::HttpGet(address, "/readyz").status == 200) return address;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
  }

  std::unique_ptr<ChildProcess> Serve(const std::vector<std::string>& extra) {
    return std::make_unique<ChildProcess>(
        ServeCommand((*dir_ / "config.yaml").string(), state_, bootstrap(), extra), log_,
        (*dir_ / (name_ + ".out")).string());
  }

  // The index topic: latest record per key (without computed_at). Fails the test if one key
  // was published with one revision and two different contents.
  std::map<std::string, std::string> PublishedIndex(size_t* messages = nullptr) {
    std::map<std::string, std::string> latest;
    std::map<std::pair<std::string, int>, std::string> by_revision;
    std::map<std::string, int> last_revision;
    const std::vector<TopicRecord> all = ReadTopic("fugong.index.daily");
    if (messages) *messages = all.size();
    for (const TopicRecord& m : all) {
      EXPECT_TRUE(m.key.has_value());
      const std::string key = m.key.value_or("");
      EXPECT_EQ(key, IndexKeyOf(m.value));
      const int revision = nlohmann::json::parse(m.value)["revision"].get<int>();
      auto [it, inserted] = by_revision.emplace(std::make_pair(key, revision), m.value);
      EXPECT_EQ(it->second, m.value) << key << " revision " << revision << " differs";
      EXPECT_GE(revision, last_revision[key]) << key << ": revisions went backwards";
      last_revision[key] = revision;
      latest[key] = WithoutComputedAt(m.value);
    }
    return latest;
  }

  // The changelog topics of group fugong, partitioned like the readings (24).
  void CreateChangelogTopics() {
    for (const char* store : {"meter_day", "task", "progress"}) {
      ASSERT_TRUE(
          cluster_->CreateTopic(std::string("fugong.fugong.") + store + "-changelog", 24).ok());
    }
  }
  // The topics of a run through the partials topic with changelogs, and the registry and weather
  // produced.
  void PrepareChangelogRun() {
    ASSERT_TRUE(cluster_->CreateTopic("fugong.partials", 3).ok());
    partials_topic_created_ = true;
    ASSERT_NO_FATAL_FAILURE(CreateChangelogTopics());
    Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
    Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  }
  // `extra` and the settings of such a run.
  static std::vector<std::string> WithChangelogs(std::vector<std::string> extra) {
    for (const char* arg :
         {"--set", "topic_partials=fugong.partials", "--set", "changelogs=true"}) {
      extra.push_back(arg);
    }
    return extra;
  }
  // Starts serve with `extra` and kills it (SIGKILL) once its log says it has closed days twice
  // and its progress changelog holds records: it has consumed readings, committed them and had
  // changelog records acknowledged (a progress record only follows its rows' acknowledgement),
  // more maybe in flight.
  void KillNineOnceItClosedTwice(const std::string& state, const std::vector<std::string>& extra) {
    const size_t before = ReadFile(log_).size();
    ChildProcess serve(ServeCommand((*dir_ / "config.yaml").string(), state, bootstrap(), extra),
                       log_, "/dev/null");
    const auto closes = [&] {
      const std::string log = ReadFile(log_).substr(before);
      size_t n = 0;
      for (size_t at = log.find("closed through "); at != std::string::npos;
           at = log.find("closed through ", at + 1)) {
        n += at >= 7 && log.compare(at - 7, 7, "serve: ") == 0;  // close lines, not status lines
      }
      return n;
    };
    const auto progress_logged = [&] {
      return !ReadTopic("fugong.fugong.progress-changelog").empty();
    };
    for (int i = 0; i < 1200 && (closes() < 2 || !progress_logged()) && !serve.Exited(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_GE(closes(), 2u) << ReadFile(log_).substr(before);
    ASSERT_TRUE(progress_logged()) << ReadFile(log_).substr(before);
    serve.Signal(SIGKILL);
    ASSERT_EQ(serve.Wait(), 128 + SIGKILL);
  }
  // Whether a serve log says a task was restored with at least one changelog record.
  static bool RestoredRecords(const std::string& log) {
    return std::regex_search(
        log, std::regex(R"(restored task 0_[0-9]+ from its changelogs \([^)]*\): [1-9])"));
  }
  // The multi-instance scenarios, with `more` arguments for every instance.
  void KillNineOfOneOfThree(const std::vector<std::string>& more);
  void AnInstanceJoiningMidStream(const std::vector<std::string>& more);

  // The readings partitions a "rebalance: takes/gives up ..." log line names.
  static std::set<int32_t> ReadingsPartitionsOf(const std::string& line) {
    std::set<int32_t> partitions;
    const std::string topic = "fugong.readings[";
    const size_t at = line.find(topic);
    if (at == std::string::npos) return partitions;
    const char* p = line.c_str() + at + topic.size();
    while (*p != ']' && *p != '\0') {
      char* end = nullptr;
      partitions.insert(static_cast<int32_t>(std::strtol(p, &end, 10)));
      p = *end == ',' ? end + 1 : end;
    }
    return partitions;
  }
  // How many rebalances took some, not all, of the readings partitions an instance held, by its
  // log. Cooperative-sticky (the consumer's default) revokes only the partitions that move, so
  // the tasks that stay are neither committed away nor restored again; the eager protocol
  // revokes all of them at every rebalance (and so does librdkafka when it takes the assignment
  // for lost, which the log says).
  static size_t RebalancesThatKeptSomeReadingsPartitions(const std::string& log) {
    std::set<int32_t> held;
    size_t kept_some = 0;
    for (const std::string& line : SplitLines(log)) {
      if (line.find("rebalance: takes ") != std::string::npos) {
        for (int32_t p : ReadingsPartitionsOf(line)) held.insert(p);
      } else if (line.find("rebalance: gives up ") != std::string::npos) {
        const std::set<int32_t> going = ReadingsPartitionsOf(line);
        if (!going.empty() && going.size() < held.size()) ++kept_some;
        for (int32_t p : going) held.erase(p);
      }
    }
    return kept_some;
  }

  static fs::path* dir_;
  static std::vector<std::string>* readings_;
  static std::map<std::string, std::string>* backfill_;
  static uint64_t readings_lines_;
  static uint64_t readings_used_;  // readings the backfill applied
  std::string name_, state_, log_;
  bool partials_topic_created_ = false;
  std::unique_ptr<EmbeddedCluster> cluster_;
};

fs::path* ServeTest::dir_ = nullptr;
std::vector<std::string>* ServeTest::readings_ = nullptr;
std::map<std::string, std::string>* ServeTest::backfill_ = nullptr;
uint64_t ServeTest::readings_lines_ = 0;
uint64_t ServeTest::readings_used_ = 0;

TEST_F(ServeTest, StreamAndBackfillGiveIdenticalRecords) {
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  std::unique_ptr<ChildProcess> serve = Serve({"--exit-when-idle", "4"});
  Produce("fugong.readings", "readings", *readings_);
  ASSERT_EQ(serve->Wait(), 0) << ReadFile(log_);
  size_t messages = 0;
  ExpectSameRecords(PublishedIndex(&messages), *backfill_);
  EXPECT_EQ(messages, backfill_->size()) << "every record published exactly once";
}

// Totals through the partials topic (issue 12, docs/scale-out.md, sub-topology 1): one instance
// sends each task's partials to the topic, reads them back as the owner of its 3 partitions and
// publishes exactly the backfill's records, each once.
TEST_F(ServeTest, ThroughThePartialsTopicOneInstanceGivesTheBackfillsRecords) {
  ASSERT_TRUE(cluster_->CreateTopic("fugong.partials", 3).ok());
  partials_topic_created_ = true;
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  std::unique_ptr<ChildProcess> serve =
      Serve({"--exit-when-idle", "4", "--set", "topic_partials=fugong.partials"});
  Produce("fugong.readings", "readings", *readings_);
  ASSERT_EQ(serve->Wait(), 0) << ReadFile(log_);
  size_t messages = 0;
  ExpectSameRecords(PublishedIndex(&messages), *backfill_);
  EXPECT_EQ(messages, backfill_->size()) << "every record published exactly once";
  EXPECT_FALSE(ReadTopic("fugong.partials").empty());
}

// Two instances in one group through the partials topic: the group spreads the readings and the
// partials partitions over both, each sends its tasks' partials and publishes the groups of its
// partials partitions, and together they publish exactly the backfill's records, never one
// (key, revision) with two contents.
TEST_F(ServeTest, ThroughThePartialsTopicTwoInstancesGiveTheBackfillsRecords) {
  ASSERT_TRUE(cluster_->CreateTopic("fugong.partials", 3).ok());
  partials_topic_created_ = true;
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  const std::vector<std::string> extra = {"--exit-when-idle", "4", "--set",
                                          "topic_partials=fugong.partials"};
  const std::string other_log = (*dir_ / (name_ + "-other.log")).string();
  std::unique_ptr<ChildProcess> one = Serve(extra);
  auto other = std::make_unique<ChildProcess>(
      ServeCommand((*dir_ / "config.yaml").string(), state_ + "-other", bootstrap(), extra),
      other_log, "/dev/null");
  Produce("fugong.readings", "readings", *readings_);
  ASSERT_EQ(one->Wait(), 0) << ReadFile(log_);
  ASSERT_EQ(other->Wait(), 0) << ReadFile(other_log);
  ExpectSameRecords(PublishedIndex(), *backfill_);
  // Both took part: each read readings and published records of its own groups.
  for (const std::string& log : {ReadFile(log_), ReadFile(other_log)}) {
    const size_t at = log.rfind("published ");
    ASSERT_NE(at, std::string::npos) << log;
    EXPECT_GT(std::strtoll(log.c_str() + at + 10, nullptr, 10), 0) << log;
  }
}

// Three instances through the partials topic, one of them killed (kill -9) mid-stream and not
// restarted: once its session expires, the other two are given its readings and partials
// partitions, read them (its readings again from their start, as nothing of its state moves
// yet), and together publish exactly the backfill's records, never one (key, revision) with two
// contents.
TEST_F(ServeTest, ThroughThePartialsTopicAKillNineOfOneOfThreeEndsInTheBackfillsRecords) {
  KillNineOfOneOfThree({});
}

// The same with changelogs: the survivors restore the killed instance's tasks from their
// changelogs (what it had sent before the kill) and read its readings partitions on from there.
TEST_F(ServeTest, WithChangelogsAKillNineOfOneOfThreeEndsInTheBackfillsRecords) {
  ASSERT_NO_FATAL_FAILURE(CreateChangelogTopics());
  KillNineOfOneOfThree({"--set", "changelogs=true"});
  // The survivors restored what they were given (how much the killed one had acknowledged by
  // then is timing; the records above are not).
  for (const std::string& log : {ReadFile(log_), ReadFile((*dir_ / (name_ + "-b.log")).string())}) {
    EXPECT_NE(log.find("restored task 0_"), std::string::npos) << log;
  }
}

void ServeTest::KillNineOfOneOfThree(const std::vector<std::string>& more) {
  ASSERT_TRUE(cluster_->CreateTopic("fugong.partials", 3).ok());
  partials_topic_created_ = true;
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  // Idle for longer than the session timeout (4.5 s): the survivors must not leave before the
  // group gives them the killed instance's partitions.
  std::vector<std::string> extra = {"--exit-when-idle", "9", "--set",
                                    "topic_partials=fugong.partials"};
  extra.insert(extra.end(), more.begin(), more.end());
  std::vector<std::unique_ptr<ChildProcess>> serve;
  std::vector<std::string> logs = {log_};
  serve.push_back(Serve(extra));
  for (const char* which : {"-b", "-c"}) {
    logs.push_back((*dir_ / (name_ + which + ".log")).string());
    serve.push_back(std::make_unique<ChildProcess>(
        ServeCommand((*dir_ / "config.yaml").string(), state_ + which, bootstrap(), extra),
        logs.back(), "/dev/null"));
  }
  ChildProcess producer(ProduceArgs("fugong.readings", "readings", *readings_), "/dev/null",
                        "/dev/null");
  // Until the third has consumed something, then kill it.
  for (int i = 0; i < 600 && ReadFile(logs[2]).find("consumed ") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  serve[2]->Signal(SIGKILL);
  EXPECT_EQ(serve[2]->Wait(), 128 + SIGKILL);
  EXPECT_EQ(producer.Wait(), 0);
  ASSERT_EQ(serve[0]->Wait(), 0) << ReadFile(logs[0]);
  ASSERT_EQ(serve[1]->Wait(), 0) << ReadFile(logs[1]);
  ExpectSameRecords(PublishedIndex(), *backfill_);
}

// A third instance joins two mid-stream: the group gives it partitions of both (readings and
// partials), it reads its readings partitions from their start, and the three end in exactly the
// backfill's records, never one (key, revision) with two contents.
TEST_F(ServeTest, ThroughThePartialsTopicAnInstanceJoiningMidStreamEndsInTheBackfillsRecords) {
  AnInstanceJoiningMidStream({});
  // The one that joined read readings (without changelogs, its partitions from their start).
  const std::string joined = ReadFile((*dir_ / (name_ + "-c.log")).string());
  const size_t at = joined.rfind("readings used ");
  ASSERT_NE(at, std::string::npos) << joined;
  EXPECT_GT(std::strtoll(joined.c_str() + at + 14, nullptr, 10), 0) << joined;
}

// The same with changelogs: the instance that joins restores the tasks it is given from their
// changelogs first. (It once lost one owner's last day: an instance left at --exit-when-idle
// with partials another had just sent to it unread; docs/scale-out.md, the end-of-input rule.)
TEST_F(ServeTest, WithChangelogsAnInstanceJoiningMidStreamEndsInTheBackfillsRecords) {
  ASSERT_NO_FATAL_FAILURE(CreateChangelogTopics());
  // The rows of a task given up are deleted 1 s later (not the 600 s default): the tasks the
  // third takes are cleaned up on the first two, and the ones that come back to them when others
  // leave are restored from the beginning.
  AnInstanceJoiningMidStream(
      {"--set", "changelogs=true", "--set", "state_cleanup_delay_seconds=1"});
  // It took part: it restored state of the tasks it was given, or (when it joined before their
  // first changelog records were acknowledged) read their readings.
  const std::string joined = ReadFile((*dir_ / (name_ + "-c.log")).string());
  const size_t at = joined.rfind("readings used ");
  ASSERT_NE(at, std::string::npos) << joined;
  EXPECT_TRUE(RestoredRecords(joined) || std::strtoll(joined.c_str() + at + 14, nullptr, 10) > 0)
      << joined;
  const std::string first = ReadFile(log_) + ReadFile((*dir_ / (name_ + "-b.log")).string());
  EXPECT_NE(first.find("cleaned up task(s) 0_"), std::string::npos) << first;
}

void ServeTest::AnInstanceJoiningMidStream(const std::vector<std::string>& more) {
  ASSERT_TRUE(cluster_->CreateTopic("fugong.partials", 3).ok());
  partials_topic_created_ = true;
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  std::vector<std::string> extra = {"--exit-when-idle", "6", "--set",
                                    "topic_partials=fugong.partials"};
  extra.insert(extra.end(), more.begin(), more.end());
  std::vector<std::unique_ptr<ChildProcess>> serve;
  std::vector<std::string> logs = {log_};
  const auto start = [&](const char* which) {
    logs.push_back((*dir_ / (name_ + which + ".log")).string());
    serve.push_back(std::make_unique<ChildProcess>(
        ServeCommand((*dir_ / "config.yaml").string(), state_ + which, bootstrap(), extra),
        logs.back(), "/dev/null"));
  };
  serve.push_back(Serve(extra));
  start("-b");
  ChildProcess producer(ProduceArgs("fugong.readings", "readings", *readings_), "/dev/null",
                        "/dev/null");
  // Once the first two have consumed readings, the third joins.
  for (int i = 0; i < 600 && ReadFile(logs[1]).find("consumed ") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  start("-c");
  EXPECT_EQ(producer.Wait(), 0);
  for (size_t i = 0; i < serve.size(); ++i) ASSERT_EQ(serve[i]->Wait(), 0) << ReadFile(logs[i]);
  ExpectSameRecords(PublishedIndex(), *backfill_);
  // The first two gave partitions to the third when it joined (or the first to the second),
  // and kept the others.
  EXPECT_GT(RebalancesThatKeptSomeReadingsPartitions(ReadFile(logs[0])) +
                RebalancesThatKeptSomeReadingsPartitions(ReadFile(logs[1])),
            0u)
      << ReadFile(logs[0]) << ReadFile(logs[1]);
}

// State in changelogs (issue 12, docs/scale-out.md, "Changelogs and restore"): an instance with
// `changelogs: true` is killed (kill -9) mid-stream, once it has closed days twice, and its state
// directory is deleted. A new instance with no state
// restores every task from the changelogs alone, reads each readings partition on from where
// the restored progress says (not from the start) and ends in exactly the backfill's records. A
// restart of it with its state then restores only the changelogs' tails: nothing is read again.
TEST_F(ServeTest, ARestoreFromTheChangelogsAloneGivesTheBackfillsRecords) {
  ASSERT_NO_FATAL_FAILURE(PrepareChangelogRun());
  const auto with = WithChangelogs;
  ChildProcess producer(ProduceArgs("fugong.readings", "readings", *readings_), "/dev/null",
                        "/dev/null");
  ASSERT_NO_FATAL_FAILURE(KillNineOnceItClosedTwice(state_, with({})));
  const std::string first_log = ReadFile(log_);
  // What it had acknowledged is in the changelogs.
  EXPECT_FALSE(ReadTopic("fugong.fugong.meter_day-changelog").empty());
  EXPECT_FALSE(ReadTopic("fugong.fugong.progress-changelog").empty());
  fs::remove_all(state_);
  std::unique_ptr<ChildProcess> second = Serve(with({"--exit-when-idle", "4"}));
  EXPECT_EQ(producer.Wait(), 0);
  ASSERT_EQ(second->Wait(), 0) << ReadFile(log_);
  ExpectSameRecords(PublishedIndex(), *backfill_);
  const std::string restored = ReadFile(log_).substr(first_log.size());
  EXPECT_NE(restored.find("restored task 0_"), std::string::npos) << restored;
  EXPECT_NE(restored.find("(from the beginning): "), std::string::npos) << restored;
  // It did not read every reading again: the restored tasks went on where the first left off
  // (readings the first applied are not counted again).
  const size_t used_at = restored.rfind("readings used ");
  ASSERT_NE(used_at, std::string::npos) << restored;
  const long long used = std::strtoll(restored.c_str() + used_at + 14, nullptr, 10);
  EXPECT_GT(used, 0);
  EXPECT_LT(static_cast<uint64_t>(used), readings_used_) << restored;

  // A restart with its state: each task restores the tail after its own records, which is empty.
  const size_t before_restart = ReadFile(log_).size();
  std::unique_ptr<ChildProcess> again = Serve(with({"--exit-when-idle", "4"}));
  ASSERT_EQ(again->Wait(), 0) << ReadFile(log_);
  const std::string restarted = ReadFile(log_).substr(before_restart);
  EXPECT_NE(restarted.find("(the tail after this instance's copy): 0 records"), std::string::npos)
      << restarted;
  EXPECT_EQ(restarted.find("(from the beginning)"), std::string::npos) << restarted;
  ExpectSameRecords(PublishedIndex(), *backfill_);
}

// A kill -9 (once days have closed twice) leaves changes this instance had not sent to the
// changelogs, or not seen acknowledged. Another instance then
// takes every task, goes on and writes the changelogs past it; when the first comes back with its
// old state, it must not send those older rows after the newer ones: it restores its tasks from
// the beginning (the changelogs moved past its positions) and drops what it had not sent. A
// fresh instance restoring from the changelogs alone then still finds exactly the state that
// gives the backfill's records.
TEST_F(ServeTest, WithChangelogsAnInstanceBackAfterOthersTookItsTasksSendsNoOlderRows) {
  ASSERT_NO_FATAL_FAILURE(PrepareChangelogRun());
  const auto serve = [&](const std::string& state, const std::vector<std::string>& extra) {
    return std::make_unique<ChildProcess>(
        ServeCommand((*dir_ / "config.yaml").string(), state, bootstrap(), WithChangelogs(extra)),
        log_, "/dev/null");
  };
  ChildProcess producer(ProduceArgs("fugong.readings", "readings", *readings_), "/dev/null",
                        "/dev/null");
  ASSERT_NO_FATAL_FAILURE(KillNineOnceItClosedTwice(state_, WithChangelogs({})));
  ASSERT_EQ(serve(state_ + "-b", {"--exit-when-idle", "4"})->Wait(), 0) << ReadFile(log_);
  EXPECT_EQ(producer.Wait(), 0);
  const size_t before_back = ReadFile(log_).size();
  ASSERT_EQ(serve(state_, {"--exit-when-idle", "4"})->Wait(), 0) << ReadFile(log_);
  const std::string back = ReadFile(log_).substr(before_back);
  EXPECT_NE(back.find("(from the beginning): "), std::string::npos) << back;
  EXPECT_EQ(back.find("(the tail after this instance's copy)"), std::string::npos) << back;
  ASSERT_EQ(serve(state_ + "-fresh", {"--exit-when-idle", "4"})->Wait(), 0) << ReadFile(log_);
  ExpectSameRecords(PublishedIndex(), *backfill_);
}

// An instance whose changelogs were deleted (here: the whole cluster replaced by an empty one,
// topics created again) cannot restore its tasks: its positions lie past the changelogs' ends.
// It says so and stops before reading a reading, and publishes nothing (issue 12, item 5).
TEST_F(ServeTest, WithChangelogsDeletedAnInstanceSaysItCannotRestoreAndPublishesNothing) {
  ASSERT_NO_FATAL_FAILURE(PrepareChangelogRun());
  ChildProcess producer(ProduceArgs("fugong.readings", "readings", *readings_), "/dev/null",
                        "/dev/null");
  ASSERT_EQ(Serve(WithChangelogs({"--exit-when-idle", "4"}))->Wait(), 0) << ReadFile(log_);
  EXPECT_EQ(producer.Wait(), 0);
  ASSERT_FALSE(ReadTopic("fugong.fugong.meter_day-changelog").empty());

  // The changelogs (and everything else) gone: a new, empty cluster with the same topics.
  cluster_.reset();
  ASSERT_NO_FATAL_FAILURE(SetUp());
  ASSERT_NO_FATAL_FAILURE(PrepareChangelogRun());
  const size_t before = ReadFile(log_).size();
  const int exit_code = Serve(WithChangelogs({"--exit-when-idle", "4"}))->Wait();
  const std::string log = ReadFile(log_).substr(before);
  EXPECT_NE(exit_code, 0) << log;
  EXPECT_NE(log.find("cannot restore task(s) 0_"), std::string::npos) << log;
  EXPECT_NE(log.find("the topic was deleted, recreated or truncated"), std::string::npos) << log;
  EXPECT_TRUE(ReadTopic("fugong.index.daily").empty()) << "nothing published";
}

// Every instance answers for the whole index (issue 12, docs/scale-out.md): a second instance
// whose readings topic is empty publishes nothing, yet its API serves every record the first one
// published, with the same bytes (revision and computed_at included), once /readyz says it has
// read the index topic; restarted, it resumes where it stopped and reads nothing again.
TEST_F(ServeTest, AnInstanceThatPublishedNothingAnswersForTheWholeIndex) {
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  std::unique_ptr<ChildProcess> first = Serve({"--exit-when-idle", "4"});
  Produce("fugong.readings", "readings", *readings_);
  ASSERT_EQ(first->Wait(), 0) << ReadFile(log_);
  const std::vector<TopicRecord> topic = ReadTopic("fugong.index.daily");
  ASSERT_GT(topic.size(), 100u);
  std::map<std::string, std::string> published;  // key -> bytes as on the topic
  for (const TopicRecord& m : topic) published[*m.key] = m.value;

  ASSERT_TRUE(cluster_->CreateTopic("fugong.readings-empty", 4).ok());
  const std::string second_state = state_ + "-second";
  const std::vector<std::string> second_args =
      ServeCommand((*dir_ / "config.yaml").string(), second_state, bootstrap(),
                   {"--set", "topic_readings=fugong.readings-empty", "--set", "group_id=second",
                    "--http", "127.0.0.1:0"});
  for (int run = 0; run < 2; ++run) {
    SCOPED_TRACE(run == 0 ? "first start" : "restart");
    const std::string second_log = (*dir_ / (name_ + "-second.log")).string();
    std::filesystem::remove(second_log);
    ChildProcess second(second_args, second_log, (*dir_ / (name_ + "-second.out")).string());
    const std::string address = WaitUntilReady(second_log);
    ASSERT_FALSE(address.empty()) << ReadFile(second_log);

    // Every record, from the API of the instance that published none of them.
    const nlohmann::json dates = nlohmann::json::parse(testing::HttpGet(address, "/v1/dates").body);
    std::set<std::string> published_dates;
    for (const auto& [key, value] : published) published_dates.insert(key.substr(0, 10));
    EXPECT_EQ(dates["dates"].size(), published_dates.size());
    size_t answered = 0;
    for (const std::string& date : published_dates) {
      for (const char* level : {"province", "city", "county", "industry"}) {
        const testing::HttpResult r =
            testing::HttpGet(address, "/v1/index?date=" + date + "&level=" + std::string(level));
        ASSERT_EQ(r.status, 200) << date << " " << level << ": " << r.body;
        const nlohmann::json doc = nlohmann::json::parse(r.body);
        for (const nlohmann::json& record : doc["records"]) {
          const std::string key = date + "|" + level + "|" + record["code"].get<std::string>();
          ASSERT_TRUE(published.count(key)) << key;
          EXPECT_EQ(record, nlohmann::json::parse(published.at(key))) << key;
          ++answered;
        }
      }
    }
    EXPECT_GT(answered, 100u);
    const std::string metrics = testing::HttpGet(address, "/metrics").body;
    EXPECT_NE(metrics.find("fugong_index_follow_caught_up 1"), std::string::npos);
    EXPECT_NE(metrics.find("fugong_index_followed_records_total{outcome=\"conflict\"} 0"),
              std::string::npos);
    const std::string applied = "fugong_index_followed_records_total{outcome=\"applied\"} " +
                                std::to_string(run == 0 ? topic.size() : 0);
    EXPECT_NE(metrics.find(applied), std::string::npos)
        << "every message read once, none again after the restart:\n"
        << metrics;
    second.Signal(SIGTERM);
    ASSERT_EQ(second.Wait(), 0) << ReadFile(second_log);
  }
  EXPECT_EQ(ReadTopic("fugong.index.daily").size(), topic.size())
      << "the second instance published nothing";
}

// Two instances in one group (a misconfiguration until scale-out is built): the group gives each
// some readings partitions, so each holds its closes and nothing is published, however long they
// run -- no total that lacks the other's enterprises. When one stops, the other is given every
// partition, reads the ones it never had from their start, and publishes the backfill's records.
// The registry's size in the last status line of a serve log ("registered N"); -1 if none.
int64_t LastRegistered(const std::string& log) {
  const size_t at = log.rfind("registered ");
  if (at == std::string::npos) return -1;
  return std::strtoll(log.c_str() + at + std::string("registered ").size(), nullptr, 10);
}

TEST_F(ServeTest, TwoInstancesInOneGroupHoldTheirClosesUntilOneIsLeft) {
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  const std::string other_log = (*dir_ / (name_ + "-other.log")).string();
  // Both would exit once idle, were they not holding their closes.
  std::unique_ptr<ChildProcess> one = Serve({"--exit-when-idle", "4"});
  auto other = std::make_unique<ChildProcess>(
      ServeCommand((*dir_ / "config.yaml").string(), state_ + "-other", bootstrap(),
                   {"--exit-when-idle", "4"}),
      other_log, "/dev/null");
  const auto both_held = [&] {
    return ReadFile(log_).find("CLOSES HELD") != std::string::npos &&
           ReadFile(other_log).find("CLOSES HELD") != std::string::npos;
  };
  for (int i = 0; i < 600 && !both_held(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(both_held()) << ReadFile(log_) << "\n--- other:\n" << ReadFile(other_log);
  EXPECT_NE(ReadFile(log_).find("another instance is in group fugong"), std::string::npos);

  Produce("fugong.readings", "readings", *readings_);
  // Until the group has read every reading: both consumed, neither closed.
  KafkaConfig kafka;
  kafka.Set("bootstrap.servers", bootstrap());
  Result<std::unique_ptr<ConsumerGroupLag>> lag =
      ConsumerGroupLag::Create(kafka, "fugong", "fugong.readings");
  ASSERT_TRUE(lag.ok());
  int64_t behind = -1;
  for (int i = 0; i < 600 && behind != 0; ++i) {
    Result<ConsumerGroupLag::Measurement> m = (*lag)->Measure(std::chrono::seconds(5));
    behind = m.ok() ? m->lag : -1;
    if (behind != 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(behind, 0) << "the group never read every reading";
  // Longer than the idle time: neither exits, neither publishes.
  std::this_thread::sleep_for(std::chrono::seconds(6));
  EXPECT_TRUE(one->running());
  EXPECT_TRUE(other->running());
  EXPECT_TRUE(ReadTopic("fugong.index.daily").empty()) << "a partial total was published";
  // The registry is a global table: each instance holds all of it, though the group spread the
  // readings over both (and, before, the registry's 4 partitions too).
  const int64_t registered = LastRegistered(ReadFile(log_));
  EXPECT_GT(registered, 0) << ReadFile(log_);
  EXPECT_EQ(LastRegistered(ReadFile(other_log)), registered) << ReadFile(other_log);

  other->Signal(SIGTERM);
  ASSERT_EQ(other->Wait(), 0) << ReadFile(other_log);
  // The one left gets every partition, reads the other's from their start, closes everything
  // once idle and exits.
  ASSERT_EQ(one->Wait(), 0) << ReadFile(log_);
  EXPECT_NE(ReadFile(log_).find("closes resume: every partition held"), std::string::npos);
  ExpectSameRecords(PublishedIndex(), *backfill_);
  EXPECT_EQ(LastRegistered(ReadFile(log_)), registered);
}

// The epidemic risk chart through its topic (`fugong produce --kind risk`): county records
// carry the levels exactly as a backfill with the same chart file gives them.
TEST_F(ServeTest, TheRiskChartTopicGivesTheBackfillsCountyRecords) {
  ASSERT_TRUE(cluster_->CreateTopic("fugong.risk", 1).ok());
  // Two counties of the registry, with entries before and inside the streamed days, and a bad one.
  std::vector<std::string> counties;
  const std::vector<std::string> lines =
      SplitLines(ReadFile((*dir_ / "input/enterprises.csv").string()));
  for (size_t i = 1; i < lines.size() && counties.size() < 2; ++i) {
    const size_t comma = lines[i].find(',');
    const std::string county =
        lines[i].substr(comma + 1, lines[i].find(',', comma + 1) - comma - 1);
    if (std::find(counties.begin(), counties.end(), county) == counties.end()) {
      counties.push_back(county);
    }
  }
  ASSERT_EQ(counties.size(), 2u);
  const fs::path chart = *dir_ / (name_ + "-risk.csv");
  std::ofstream(chart) << "county_code,date,level\n"
                       << counties[0] << ",2020-01-01,high\n"
                       << counties[0] << ",2020-02-20,low\n"
                       << counties[1] << ",2020-02-18,medium\n"
                       << counties[1] << ",2020-02-19,amber\n";
  BackfillFiles files = BackfillFilesFor(*dir_, *readings_, name_ + "-backfill");
  files.risk = chart.string();
  Result<RunConfig> config = LoadRunConfig((*dir_ / "config.yaml").string(), {});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  Result<BackfillSummary> summary = RunBackfillFromFiles(*config, files, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->risk.used, 3u);
  EXPECT_EQ(summary->risk.dead_total(), 1u);
  const std::map<std::string, std::string> want = ReadIndexRecordsWithoutComputedAt(files.out);
  size_t with_risk = 0;
  for (const auto& [key, record] : want) {
    if (record.find("\"risk\":") != std::string::npos) ++with_risk;
  }
  EXPECT_GT(with_risk, 0u) << "the chart covers no published county record";

  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  Produce("fugong.risk", "risk", {chart.string()});
  std::unique_ptr<ChildProcess> serve = Serve({"--exit-when-idle", "4"});
  Produce("fugong.readings", "readings", *readings_);
  ASSERT_EQ(serve->Wait(), 0) << ReadFile(log_);
  ExpectSameRecords(PublishedIndex(), want);
  const std::string out = ReadFile((*dir_ / (name_ + ".out")).string());
  EXPECT_NE(out.find("\"risk_used\":3,\"risk_dead\":1"), std::string::npos) << out;
}

TEST_F(ServeTest, CrashesAndKillNineMidStreamEndInTheSameRecords) {
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  ChildProcess producer(ProduceArgs("fugong.readings", "readings", *readings_), log_, "/dev/null");
  // Two abrupt exits right after a commit (before its records are sent)...
  for (int i = 0; i < 2; ++i) {
    std::unique_ptr<ChildProcess> serve = Serve({"--crash-after-commits", "6"});
    EXPECT_EQ(serve->Wait(), 9) << "crash " << i;
  }
  // ...and a kill -9 at an arbitrary moment.
  {
    std::unique_ptr<ChildProcess> serve = Serve({});
    std::this_thread::sleep_for(std::chrono::milliseconds(1700));
    EXPECT_FALSE(serve->Exited());
    serve->Signal(SIGKILL);
    EXPECT_EQ(serve->Wait(), 128 + SIGKILL);
  }
  std::unique_ptr<ChildProcess> serve = Serve({"--exit-when-idle", "4"});
  EXPECT_EQ(producer.Wait(), 0);
  ASSERT_EQ(serve->Wait(), 0);
  ExpectSameRecords(PublishedIndex(), *backfill_);
}

// A kill -9 while a commit is being written, the poller thread polling on meanwhile
// (FUGONG_TEST_STATE_WRITE_PAUSE: the write-ahead-log append that crosses 300,000 bytes writes
// the part of its record before that point, prints a line and hangs until the kill): the restart
// drops the torn record, resumes from the commit before it, counts every reading exactly once
// and ends in the same records.
TEST_F(ServeTest, AKillNineMidCommitEndsInTheSameRecords) {
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  // The producer keeps within 60,000 messages of the group's committed offsets: it goes on
  // once the restarted service is assigned (it tells the group where it resumes).
  ChildProcess producer(ProduceArgs("fugong.readings", "readings", *readings_), log_, "/dev/null");
  {
    std::vector<std::string> args =
        ServeCommand((*dir_ / "config.yaml").string(), state_, bootstrap(), {});
    args.insert(args.begin(), {"/usr/bin/env", "FUGONG_TEST_STATE_WRITE_PAUSE=300000:.log"});
    ChildProcess serve(args, log_);
    ASSERT_EQ(serve.FirstLine(std::chrono::seconds(120)), "state write paused");
    EXPECT_FALSE(serve.Exited());
    serve.Signal(SIGKILL);
    EXPECT_EQ(serve.Wait(), 128 + SIGKILL);
  }
  const std::string out = (*dir_ / (name_ + ".out")).string();
  std::unique_ptr<ChildProcess> serve = Serve({"--exit-when-idle", "4"});
  EXPECT_EQ(producer.Wait(), 0);
  ASSERT_EQ(serve->Wait(), 0);
  const nlohmann::json summary = nlohmann::json::parse(ReadFile(out));
  EXPECT_GT(summary["messages"].get<uint64_t>(), 0u) << "the restart read what was not durable";
  EXPECT_EQ(summary["readings_records"].get<uint64_t>(), readings_lines_)
      << "every reading counted once over both runs";
  EXPECT_EQ(summary["gaps"].get<uint64_t>(), 0u);
  ExpectSameRecords(PublishedIndex(), *backfill_);
}

// A full disk (FUGONG_TEST_STATE_WRITE_LIMIT: the state's file system refuses writes after so
// many bytes): serve stops consuming and exits 1 with the state directory and the OS error, no
// abort; restarted with space, it resumes and the topics end with the backfill's records.
TEST_F(ServeTest, AFullDiskStopsServeWithItsReasonAndARestartLosesNothing) {
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  ChildProcess producer(ProduceArgs("fugong.readings", "readings", *readings_), log_, "/dev/null");
  ExpectServeStopsOnAFullDisk("1000000");
  std::unique_ptr<ChildProcess> serve = Serve({"--exit-when-idle", "4"});
  EXPECT_EQ(producer.Wait(), 0);
  ASSERT_EQ(serve->Wait(), 0);
  ExpectSameRecords(PublishedIndex(), *backfill_);
}

// A commit's state write that fails on the commit thread while readings stream in (the
// write-ahead log runs out of space after the registry, the weather and the first commits of
// readings: FUGONG_TEST_STATE_WRITE_LIMIT=BYTES:.log): serve stops with the state error, as a
// failed write on the job thread did (exit 1, the reason, no abort, no hang), and a restart with
// space ends in the backfill's records.
TEST_F(ServeTest, AFailedWriteOnTheCommitThreadStopsServeWithTheStateError) {
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  ChildProcess producer(ProduceArgs("fugong.readings", "readings", *readings_), log_, "/dev/null");
  const std::string log = ExpectServeStopsOnAFullDisk("3000000:.log");
  EXPECT_EQ(log.find("the commit thread failed"), std::string::npos);
  std::unique_ptr<ChildProcess> serve = Serve({"--exit-when-idle", "4"});
  EXPECT_EQ(producer.Wait(), 0);
  ASSERT_EQ(serve->Wait(), 0);
  const nlohmann::json summary =
      nlohmann::json::parse(ReadFile((*dir_ / (name_ + ".out")).string()));
  EXPECT_EQ(summary["readings_records"].get<uint64_t>(), readings_lines_)
      << "every reading counted once over both runs";
  ExpectSameRecords(PublishedIndex(), *backfill_);
}

TEST_F(ServeTest, ReadingsBeforeTheRegistryGiveTheSameRecords) {
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  std::unique_ptr<ChildProcess> serve = Serve({"--exit-when-idle", "5"});
  Produce("fugong.readings", "readings", *readings_);
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  ASSERT_EQ(serve->Wait(), 0);
  // Days closed while the registry was still arriving are published with the enterprises known
  // then and revised as the rest arrive: the figures end as the backfill's, the revision may be
  // higher.
  const auto without_revision = [](std::map<std::string, std::string> records) {
    for (auto& [key, value] : records) {
      nlohmann::json j = nlohmann::json::parse(value);
      j.erase("revision");
      value = j.dump();
    }
    return records;
  };
  ExpectSameRecords(without_revision(PublishedIndex()), without_revision(*backfill_));
}

TEST_F(ServeTest, ABrokerDownAndBackLosesNothing) {
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  std::unique_ptr<ChildProcess> serve = Serve({"--exit-when-idle", "6"});
  ChildProcess producer(ProduceArgs("fugong.readings", "readings", *readings_), log_, "/dev/null");
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  ASSERT_TRUE(cluster_->SetBrokerDown(2).ok());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ASSERT_TRUE(cluster_->SetBrokerUp(2).ok());
  EXPECT_EQ(producer.Wait(), 0);
  ASSERT_EQ(serve->Wait(), 0);
  ExpectSameRecords(PublishedIndex(), *backfill_);
}

TEST_F(ServeTest, BadMessagesAreDeadLetteredAndGoodOnesBetweenThemCounted) {
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  KafkaConfig config;
  config.Set("bootstrap.servers", bootstrap());
  config.Set("message.max.bytes", "200000");
  Result<std::unique_ptr<KafkaProducer>> producer =
      KafkaProducer::Create(config, "fugong.readings");
  ASSERT_TRUE(producer.ok());
  const std::string good =
      R"({"meter_id":"M0000001","enterprise_id":"E000001","ts":"2020-01-06T10:00:00+08:00","kwh":1.5})";
  const std::vector<std::tuple<std::optional<std::string>, std::string, std::string>> bad = {
      {"E000001", "M1,E000001,2020-01-06T10:00:00+08:00", "parse_error"},  // a raw CSV line
      {"E000001", "[1,2,3]", "parse_error"},
      {"E000001", R"({"meter_id":"M1","enterprise_id":"E000001","ts":1,"kwh":1})", "wrong_type"},
      {"E000001",
       R"({"meter_id":"M1","enterprise_id":"E000001","ts":"2020-01-06T10:00:00+08:00","kwh":1,"extra":"x"})",
       "unknown_field"},
      {std::nullopt, good, "missing_key"},
      {"E000001", "{\"meter_id\":\"" + std::string(100000, 'M') + "\"}", "message_too_large"},
      {"E000001",
       R"({"meter_id":"M1","enterprise_id":"E000001","ts":"2020-01-06T10:07:00+08:00","kwh":1})",
       "ts_not_aligned"},
  };
  for (const auto& [key, value, reason] : bad) {
    ASSERT_TRUE((*producer)->Produce("E000001", good).ok());
    if (key) {
      ASSERT_TRUE((*producer)->Produce(*key, value).ok());
    } else {
      ASSERT_TRUE((*producer)->ProduceWithoutKey(value).ok());
    }
  }
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(20)).ok());
  ASSERT_EQ((*producer)->counts().failed, 0u);
  std::unique_ptr<ChildProcess> serve = Serve({"--exit-when-idle", "3"});
  ASSERT_EQ(serve->Wait(), 0);
  const nlohmann::json summary =
      nlohmann::json::parse(SplitLines(ReadFile(*dir_ / (name_ + ".out"))).back());
  EXPECT_EQ(summary["readings_records"], 2 * bad.size());
  EXPECT_EQ(summary["readings_used"], bad.size());
  EXPECT_EQ(summary["readings_dead"], bad.size());
  std::multiset<std::string> reasons, want;
  for (const TopicRecord& m : ReadTopic("fugong.deadletter")) {
    const nlohmann::json j = nlohmann::json::parse(m.value);
    reasons.insert(j["reason"].get<std::string>());
    EXPECT_EQ(j["source"]["topic"], "fugong.readings");
    EXPECT_TRUE(j.contains("raw"));
  }
  for (const auto& [key, value, reason] : bad) want.insert(reason);
  EXPECT_EQ(reasons, want);
}

TEST_F(ServeTest, AGapInAPartitionIsReportedLoudlyNotSkipped) {
  // One partition, filled far beyond what the mock keeps (~5 MiB) before the service reads it:
  // the broker drops the oldest messages, and the service must say so.
  ASSERT_TRUE(cluster_->CreateTopic("small.readings", 1).ok());
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  std::vector<std::string> args = {FUGONG_BINARY, "produce", "--bootstrap",
                                   bootstrap(),   "--topic", "small.readings"};
  args.insert(args.end(), readings_->begin(), readings_->end());  // ~38 MB
  ChildProcess produce(args, log_, "/dev/null");
  ASSERT_EQ(produce.Wait(), 0);
  std::unique_ptr<ChildProcess> serve =
      Serve({"--set", "topic_readings=small.readings", "--exit-when-idle", "3"});
  ASSERT_EQ(serve->Wait(), 0);
  const std::string log = ReadFile(log_);
  EXPECT_NE(log.find("PARTITION GAP: small.readings[0] offsets 0.."), std::string::npos) << log;
  const nlohmann::json summary =
      nlohmann::json::parse(SplitLines(ReadFile(*dir_ / (name_ + ".out"))).back());
  EXPECT_EQ(summary["gaps"], 1);
  int gaps = 0;
  for (const TopicRecord& m : ReadTopic("fugong.deadletter")) {
    const nlohmann::json j = nlohmann::json::parse(m.value);
    if (j["reason"] == "partition_gap") {
      ++gaps;
      EXPECT_EQ(j["source"]["topic"], "small.readings");
      EXPECT_EQ(j["source"]["offset"], 0);
    }
  }
  EXPECT_EQ(gaps, 1);
}

// The service's HTTP port while it streams: ready once assigned, the API answers from state
// with the records on the index topic, the live stream carries every record the topic got, and
// the metrics count what was consumed and published.
TEST_F(ServeTest, HttpAnswersWhileStreaming) {
  Produce("fugong.enterprises", "enterprises", {(*dir_ / "input/enterprises.csv").string()});
  Produce("fugong.weather", "weather", {(*dir_ / "input/weather.csv").string()});
  std::unique_ptr<ChildProcess> serve = Serve({"--http", "127.0.0.1:0"});
  const std::string address = WaitUntilReady(log_);
  ASSERT_FALSE(address.empty()) << ReadFile(log_);
  testing::EventStreamClient live(address, "/v1/stream");

  Produce("fugong.readings", "readings", *readings_);
  const size_t readings = ReadTopic("fugong.readings").size();
  // Wait until the service has consumed everything and published what could close.
  std::map<std::string, double> metrics;
  const auto sample = [&](const std::string& name) {
    auto it = metrics.find(name);
    return it == metrics.end() ? -1.0 : it->second;
  };
  for (int i = 0; i < 600; ++i) {
    metrics.clear();
    for (const std::string& line : SplitLines(testing::HttpGet(address, "/metrics").body)) {
      if (line.empty() || line[0] == '#') continue;
      metrics[line.substr(0, line.rfind(' '))] = std::stod(line.substr(line.rfind(' ') + 1));
    }
    const double published = sample("fugong_index_records_published_total{kind=\"new\"}") +
                             sample("fugong_index_records_published_total{kind=\"revised\"}");
    if (sample("fugong_records_consumed_total{input=\"readings\"}") >= readings &&
        sample("fugong_days_closed_total") > 0 &&
        sample("fugong_output_messages_acknowledged_total{output=\"index\"}") == published) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(sample("fugong_records_consumed_total{input=\"readings\"}"), readings);
  double dead = 0;
  for (const auto& [name, value] : metrics) {
    if (name.rfind("fugong_records_dead_lettered_total{input=\"readings\"", 0) == 0) dead += value;
  }
  EXPECT_GT(sample("fugong_records_used_total{input=\"readings\"}"), 0);
  EXPECT_EQ(sample("fugong_records_used_total{input=\"readings\"}") + dead, readings)
      << "every reading is used or dead-lettered";
  EXPECT_GT(sample("fugong_days_closed_total"), 0);
  EXPECT_GT(sample("fugong_watermark_timestamp_seconds"), 1.5e9);
  EXPECT_EQ(sample("fugong_ready"), 1);
  EXPECT_GE(sample("fugong_consumer_lag_messages{partition=\"0\",topic=\"fugong.readings\"}"), 0);
  EXPECT_EQ(testing::HttpGet(address, "/healthz").status, 200);

  // The live stream carried every record the topic got (the service sends after acknowledgement).
  size_t messages = 0;
  const std::map<std::string, std::string> published = PublishedIndex(&messages);
  ASSERT_GT(published.size(), 0u);
  const std::vector<std::string>& events = live.WaitForData(messages, std::chrono::seconds(20));
  ASSERT_EQ(events.size(), messages);
  std::map<std::string, std::string> streamed;
  for (const std::string& e : events) streamed[IndexKeyOf(e)] = WithoutComputedAt(e);
  EXPECT_EQ(streamed, published);
  // The API answers from state with the same records.
  const std::string some_day = published.rbegin()->first.substr(0, 10);
  const nlohmann::json day = nlohmann::json::parse(
      testing::HttpGet(address, "/v1/index?date=" + some_day + "&level=county").body);
  ASSERT_GT(day["records"].size(), 0u);
  for (nlohmann::json record : day["records"]) {
    const std::string key = some_day + "|county|" + record["code"].get<std::string>();
    record.erase("computed_at");
    EXPECT_EQ(record, nlohmann::json::parse(published.at(key))) << key;
  }

  serve->Signal(SIGTERM);
  ASSERT_EQ(serve->Wait(), 0) << ReadFile(log_);
  // Every closed day's records are the backfill's.
  for (const auto& [key, value] : published) EXPECT_EQ(value, backfill_->at(key)) << key;
}

}  // namespace
}  // namespace fugong
