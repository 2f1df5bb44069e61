// `fugong backfill --publish` as a user runs it, against the embedded cluster started in the test
// process: the index topic receives exactly the records of the output file (same keys, same
// bytes, computed_at included); a rerun with a corrected reading sends only the records it
// revised; records a failed run did not deliver are sent by the next; no cluster or an
// unreachable one fail the run with a clear error within a bounded time.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "connectors/kafka/embedded_cluster.h"
#include "connectors/kafka/topic_snapshot.h"
#include "tests/support/child_process.h"
#include "tests/support/files.h"
#include "tests/support/generated_province.h"
#include "tests/support/record_compare.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::ChildProcess;
using testing::ExpectSameRecords;
using testing::GenerateProvinceInto;
using testing::IndexKeyOf;
using testing::ReadFile;
using testing::SplitLines;

constexpr char kIndexTopic[] = "fugong.index.daily";

// An index file as key -> the whole line (computed_at included: the topic gets the same bytes).
std::map<std::string, std::string> RecordsOfFile(const fs::path& path) {
  std::map<std::string, std::string> records;
  for (const std::string& line : SplitLines(ReadFile(path))) {
    EXPECT_TRUE(records.emplace(IndexKeyOf(line), line).second) << "key twice in " << path;
  }
  return records;
}

int RevisionOf(const std::string& record) {
  return nlohmann::json::parse(record)["revision"].get<int>();
}

class BackfillPublish : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("fugong-publish-test-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    const std::optional<GenerateSummary> generated = GenerateProvinceInto(
        *dir_, {.seed = 5, .enterprises = 100, .from = "2019-11-25", .to = "2020-02-20"});
    ASSERT_TRUE(generated);
    readings_ = new std::vector<std::string>(generated->readings_files);
    std::ofstream(*dir_ / "config.yaml") << "interval_minutes: 60\n";
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete readings_;
  }

  void SetUp() override {
    name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    log_ = (*dir_ / (name_ + ".log")).string();
    state_ = (*dir_ / (name_ + "-state")).string();
    Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(cluster).value();
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "backfill log:\n" << ReadFile(log_) << "\n";
  }

  // The topics of app/embedded_topics.cc: the index compacted (on a real cluster) with 12
  // partitions. `replication_factor` 1 puts each partition on one broker only.
  void CreateTopics(int replication_factor = 0) {
    ASSERT_TRUE(cluster_->CreateTopic(kIndexTopic, 12, replication_factor).ok());
    ASSERT_TRUE(cluster_->CreateTopic("fugong.deadletter", 2, replication_factor).ok());
  }

  // Runs `fugong backfill --publish` into run `run`/ of this test; returns its exit code. The
  // run's stderr is appended to the test's log.
  int Backfill(const std::string& run, const std::vector<std::string>& readings,
               std::vector<std::string> extra, std::string bootstrap = "",
               std::chrono::seconds timeout = std::chrono::seconds(300)) {
    if (bootstrap.empty() && cluster_) bootstrap = cluster_->bootstrap_servers();
    const fs::path out = *dir_ / name_ / run;
    fs::create_directories(out);
    std::vector<std::string> args = {FUGONG_BINARY,   "backfill",
                                     "--enterprises", (*dir_ / "input/enterprises.csv").string(),
                                     "--weather",     (*dir_ / "input/weather.csv").string(),
                                     "--config",      (*dir_ / "config.yaml").string(),
                                     "--out",         (out / "index.jsonl").string(),
                                     "--deadletter",  (out / "dead.jsonl").string(),
                                     "--state",       state_,
                                     "--publish",     "--readings"};
    args.insert(args.end(), readings.begin(), readings.end());
    if (bootstrap != "none") {
      args.push_back("--set");
      args.push_back("kafka.bootstrap.servers=" + bootstrap);
    }
    args.insert(args.end(), extra.begin(), extra.end());
    const std::string err = (out / "stderr.txt").string();
    ChildProcess backfill(args, err, "/dev/null");
    const int code = backfill.Wait(timeout);
    std::ofstream(log_, std::ios::app) << "--- " << run << " (exit " << code << ")\n"
                                       << ReadFile(err);
    return code;
  }
  std::string Stderr(const std::string& run) {
    return ReadFile(*dir_ / name_ / run / "stderr.txt");
  }
  std::map<std::string, std::string> Output(const std::string& run) {
    return RecordsOfFile(*dir_ / name_ / run / "index.jsonl");
  }

  std::vector<TopicRecord> ReadTopic(const std::string& topic) {
    KafkaConfig config;
    config.Set("bootstrap.servers", cluster_->bootstrap_servers());
    Result<std::vector<TopicRecord>> records =
        ReadTopicSnapshot(config, topic, std::chrono::seconds(60));
    EXPECT_TRUE(records.ok()) << records.status().ToString();
    return records.ok() ? *records : std::vector<TopicRecord>();
  }
  // The index topic's messages per key, in offset order (a key is always in one partition).
  std::map<std::string, std::vector<std::string>> IndexMessagesByKey() {
    std::map<std::string, std::vector<std::string>> by_key;
    for (const TopicRecord& m : ReadTopic(kIndexTopic)) {
      EXPECT_TRUE(m.key.has_value()) << "an index message without key";
      EXPECT_EQ(m.key.value_or(""), IndexKeyOf(m.value)) << "key and record disagree";
      by_key[m.key.value_or("")].push_back(m.value);
    }
    return by_key;
  }
  static std::map<std::string, std::string> Latest(
      const std::map<std::string, std::vector<std::string>>& by_key) {
    std::map<std::string, std::string> latest;
    for (const auto& [key, values] : by_key) latest[key] = values.back();
    return latest;
  }

  // A readings file of one line: an interval reading of 2020-02-18 10:00 seen again with twice
  // its kWh, so that the later value wins (a correction) and that day's records change.
  std::string CorrectionFile() {
    const std::vector<std::string> lines =
        SplitLines(ReadFile(*dir_ / "input/readings-2020-02.csv"));
    for (const std::string& line : lines) {
      if (line.find(",2020-02-18T10:00:00+08:00,") == std::string::npos) continue;
      if (line.find(",interval") == std::string::npos) continue;
      const size_t kwh_start = line.find("+08:00,") + 7;
      const size_t kwh_end = line.find(',', kwh_start);
      const double kwh = std::atof(line.substr(kwh_start, kwh_end - kwh_start).c_str());
      if (kwh < 5) continue;  // a closed enterprise's trickle would change little
      const fs::path path = *dir_ / (name_ + "-correction.csv");
      std::ofstream(path) << lines[0] << "\n"
                          << line.substr(0, kwh_start) << kwh * 2 << line.substr(kwh_end) << "\n";
      return path.string();
    }
    ADD_FAILURE() << "no interval reading of 2020-02-18 10:00 in the generated file";
    return "";
  }

  static fs::path* dir_;
  static std::vector<std::string>* readings_;
  std::string name_, log_, state_;
  std::unique_ptr<EmbeddedCluster> cluster_;
};

fs::path* BackfillPublish::dir_ = nullptr;
std::vector<std::string>* BackfillPublish::readings_ = nullptr;

TEST_F(BackfillPublish, TopicGetsTheOutputFileThenOnlyTheRecordsACorrectionRevises) {
  CreateTopics();
  ASSERT_EQ(Backfill("first", *readings_, {}), 0);
  const std::map<std::string, std::string> first = Output("first");
  ASSERT_GT(first.size(), 1000u);
  std::map<std::string, std::vector<std::string>> by_key = IndexMessagesByKey();
  size_t messages = 0;
  for (const auto& [key, values] : by_key) messages += values.size();
  EXPECT_EQ(messages, first.size()) << "every record of the file sent exactly once";
  ExpectSameRecords(Latest(by_key), first);
  EXPECT_NE(Stderr("first").find("published " + std::to_string(first.size()) +
                                 " index records to fugong.index.daily"),
            std::string::npos)
      << Stderr("first");
  // Dead letters stay in their file.
  EXPECT_FALSE(ReadFile(*dir_ / name_ / "first" / "dead.jsonl").empty());
  EXPECT_TRUE(ReadTopic("fugong.deadletter").empty());

  // The same state, the same files plus one corrected reading.
  std::vector<std::string> corrected = *readings_;
  corrected.push_back(CorrectionFile());
  ASSERT_EQ(Backfill("second", corrected, {}), 0);
  const std::map<std::string, std::string> second = Output("second");
  ASSERT_EQ(second.size(), first.size());
  std::set<std::string> changed;
  for (const auto& [key, record] : second) {
    if (record != first.at(key)) changed.insert(key);
  }
  ASSERT_FALSE(changed.empty()) << "the correction changed no record";
  by_key = IndexMessagesByKey();
  ExpectSameRecords(Latest(by_key), second);
  for (const auto& [key, values] : by_key) {
    if (changed.count(key)) {
      ASSERT_EQ(values.size(), 2u) << key;
      EXPECT_EQ(RevisionOf(values.back()), 2) << key;
      EXPECT_EQ(values.front(), first.at(key)) << key;
    } else {
      EXPECT_EQ(values.size(), 1u) << key << " was sent again though unchanged";
      EXPECT_EQ(RevisionOf(values.back()), 1) << key;
    }
  }
  EXPECT_NE(Stderr("second").find("published " + std::to_string(changed.size()) +
                                  " index records to fugong.index.daily (" +
                                  std::to_string(first.size() - changed.size()) + " unchanged"),
            std::string::npos)
      << Stderr("second");

  // Nothing new: nothing sent.
  ASSERT_EQ(Backfill("third", corrected, {}), 0);
  EXPECT_EQ(Output("third"), second);
  EXPECT_EQ(IndexMessagesByKey(), by_key);
}

TEST_F(BackfillPublish, RepublishSendsEveryRecordAgainWithTheSameBytes) {
  CreateTopics();
  ASSERT_EQ(Backfill("first", *readings_, {}), 0);
  ASSERT_EQ(Backfill("again", *readings_, {"--republish"}), 0);
  const std::map<std::string, std::string> output = Output("again");
  EXPECT_EQ(output, Output("first"));
  const std::map<std::string, std::vector<std::string>> by_key = IndexMessagesByKey();
  ASSERT_EQ(by_key.size(), output.size());
  for (const auto& [key, values] : by_key) {
    ASSERT_EQ(values.size(), 2u) << key;
    EXPECT_EQ(values[0], values[1]) << key;
    EXPECT_EQ(values[1], output.at(key)) << key;
  }
}

TEST_F(BackfillPublish, WithoutBootstrapServersExitsTwoNamingTheKey) {
  unsetenv("FUGONG_KAFKA_BOOTSTRAP_SERVERS");
  EXPECT_EQ(Backfill("run", *readings_, {}, "none"), 2);
  EXPECT_NE(Stderr("run").find("kafka.bootstrap.servers"), std::string::npos) << Stderr("run");
  EXPECT_FALSE(fs::exists(*dir_ / name_ / "run" / "index.jsonl")) << "refused before any work";
}

TEST_F(BackfillPublish, UnreachableClusterFailsWithinTheMessageTimeout) {
  cluster_.reset();  // nothing listens on its ports any more
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Backfill("run", *readings_, {"--set", "kafka.message.timeout.ms=3000"}, "127.0.0.1:1",
                     std::chrono::seconds(60)),
            1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_NE(Stderr("run").find("no answer from the Kafka cluster"), std::string::npos)
      << Stderr("run");
}

TEST_F(BackfillPublish, UndeliveredRecordsFailTheRunAndTheNextRunSendsThem) {
  // Each partition on one broker; two of three brokers down: the partitions they lead take
  // nothing, the others everything.
  CreateTopics(1);
  ASSERT_TRUE(cluster_->SetBrokerDown(2).ok());
  ASSERT_TRUE(cluster_->SetBrokerDown(3).ok());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Backfill("failed", *readings_, {"--set", "kafka.message.timeout.ms=3000"}, "",
                     std::chrono::seconds(120)),
            1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
  EXPECT_NE(Stderr("failed").find("were not delivered to fugong.index.daily"), std::string::npos)
      << Stderr("failed");
  // The files are written all the same.
  const std::map<std::string, std::string> output = Output("failed");
  ASSERT_GT(output.size(), 1000u);
  EXPECT_FALSE(ReadFile(*dir_ / name_ / "failed" / "dead.jsonl").empty());

  // (A topic is read only with every broker up: a reader waits for a partition's leader.)
  ASSERT_TRUE(cluster_->SetBrokerUp(2).ok());
  ASSERT_TRUE(cluster_->SetBrokerUp(3).ok());
  const size_t delivered = ReadTopic(kIndexTopic).size();
  EXPECT_GT(delivered, 0u);
  EXPECT_LT(delivered, output.size());
  ASSERT_EQ(Backfill("retry", *readings_, {}), 0);
  EXPECT_EQ(Output("retry"), output);
  const std::map<std::string, std::vector<std::string>> by_key = IndexMessagesByKey();
  ExpectSameRecords(Latest(by_key), output);
  for (const auto& [key, values] : by_key) {
    EXPECT_EQ(values.size(), 1u) << key << ": delivered before, sent again";
  }
  EXPECT_NE(Stderr("retry").find("published " + std::to_string(output.size() - delivered) +
                                 " index records"),
            std::string::npos)
      << Stderr("retry");
}

}  // namespace
}  // namespace fugong
