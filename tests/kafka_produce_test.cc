// `fugong produce` against the embedded cluster, checked by a plain librdkafka consumer that
// knows only the bootstrap servers: every line arrives exactly once with its key and JSON value,
// one key's lines in file order; gzip input gives the same messages; a line with the wrong field
// count arrives as its raw bytes; a broker down and back during the replay loses and duplicates
// nothing; pacing keeps the produced-but-uncommitted count within max-lag plus one batch; the
// command's summary and exit status; and `fugong broker` as a process of its own.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

#include "connectors/file/csv_file_source.h"
#include "connectors/kafka/client_defaults.h"
#include "connectors/kafka/consumer_group_lag.h"
#include "connectors/kafka/csv_topic_replay.h"
#include "connectors/kafka/embedded_cluster.h"
#include "connectors/kafka/kafka_config.h"
#include "tests/support/files.h"
#include "tests/support/shared_cluster.h"
#include "tests/support/shell_command.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr const char* kHeader = "meter_id,enterprise_id,ts,kwh,kind";

struct Consumed {
  int32_t partition = 0;
  int64_t offset = 0;
  bool has_key = false;
  std::string key;
  std::string value;
  auto Tie() const { return std::tie(partition, offset, has_key, key, value); }
  bool operator==(const Consumed& o) const { return Tie() == o.Tie(); }
  bool operator<(const Consumed& o) const { return Tie() < o.Tie(); }
};

// One line of the generated readings and the message it must become.
struct Line {
  std::string text;
  std::string key;
  std::string value;
};

// Readings of `enterprises` enterprises with 2 meters each, `count` lines in all, distinct
// (meter, ts) everywhere; `seed` makes the lines of different files distinct.
std::vector<Line> MakeReadings(int count, int enterprises, int seed) {
  std::vector<Line> lines;
  for (int i = 0; i < count; ++i) {
    const int e = i % enterprises;
    const int meter = (i / enterprises) % 2;
    const long ts = 1581782400L + 900L * (seed * 1000000L + i);
    char kwh[32];
    std::snprintf(kwh, sizeof kwh, "%d.%03d", i % 97, (i * 7) % 1000);
    Line line;
    line.key = "E" + std::to_string(e);
    const std::string meter_id = "M" + std::to_string(e) + "-" + std::to_string(meter);
    line.text = meter_id + "," + line.key + "," + std::to_string(ts) + "," + kwh + ",interval";
    line.value = R"({"meter_id":")" + meter_id + R"(","enterprise_id":")" + line.key +
                 R"(","ts":")" + std::to_string(ts) + R"(","kwh":)" + kwh +
                 R"(,"kind":"interval"})";
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string CsvText(const std::vector<Line>& lines) {
  std::string text = std::string(kHeader) + "\n";
  for (const Line& line : lines) text += line.text + "\n";
  return text;
}

void WriteFile(const fs::path& path, const std::string& text, bool gzip) {
  if (gzip) {
    gzFile gz = gzopen(path.c_str(), "wb");
    ASSERT_NE(gz, nullptr);
    ASSERT_EQ(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())),
              static_cast<int>(text.size()));
    gzclose(gz);
  } else {
    std::ofstream(path, std::ios::binary) << text;
  }
}

KafkaHandlePtr NewConsumer(const std::string& bootstrap, const std::string& group,
                           const std::string& fetch_wait_ms = "100") {
  KafkaConfig config;
  config.Set("bootstrap.servers", bootstrap);
  config.Set("fetch.wait.max.ms", fetch_wait_ms);
  config.Set("group.id", group);
  config.Set("enable.auto.commit", "false");
  config.Set("enable.partition.eof", "false");
  Result<KafkaConfPtr> conf = config.Build();
  EXPECT_TRUE(conf.ok()) << conf.status().ToString();
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->release(), errstr, sizeof errstr);
  EXPECT_NE(rk, nullptr) << errstr;
  return KafkaHandlePtr(rk);
}

int PartitionCount(rd_kafka_t* rk, const std::string& topic) {
  KafkaTopicPtr rkt(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
  const rd_kafka_metadata_t* raw = nullptr;
  if (rd_kafka_metadata(rk, 0, rkt.get(), &raw, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  KafkaMetadataPtr metadata(raw);
  return metadata->topic_cnt == 1 ? metadata->topics[0].partition_cnt : 0;
}

// Assigns every partition of `topic` from its beginning (no group membership, no rebalance).
void AssignAll(rd_kafka_t* rk, const std::string& topic) {
  const int partitions = PartitionCount(rk, topic);
  ASSERT_GT(partitions, 0);
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  ASSERT_EQ(rd_kafka_assign(rk, list.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
}

Consumed ToConsumed(const rd_kafka_message_t* m) {
  Consumed c;
  c.partition = m->partition;
  c.offset = m->offset;
  c.has_key = m->key != nullptr;
  if (c.has_key) c.key.assign(static_cast<const char*>(m->key), m->key_len);
  c.value.assign(static_cast<const char*>(m->payload), m->len);
  return c;
}

// Reads `topic` from the start until `expected` messages came, then half a second more, so that
// a duplicate or an extra message would be seen too. Sorted by (partition, offset).
std::vector<Consumed> ConsumeAll(const std::string& bootstrap, const std::string& topic,
                                 size_t expected) {
  KafkaHandlePtr rk = NewConsumer(bootstrap, "reader-" + topic);
  AssignAll(rk.get(), topic);
  std::vector<Consumed> out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::chrono::steady_clock::time_point quiet_until{};
  while (std::chrono::steady_clock::now() < deadline) {
    if (out.size() >= expected) {
      if (quiet_until == std::chrono::steady_clock::time_point{}) {
        quiet_until = std::chrono::steady_clock::now() + milliseconds(500);
      } else if (std::chrono::steady_clock::now() > quiet_until) {
        break;
      }
    }
    KafkaMessagePtr m(rd_kafka_consumer_poll(rk.get(), 100));
    if (m == nullptr) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      ADD_FAILURE() << "consume error: " << rd_kafka_message_errstr(m.get());
      continue;
    }
    out.push_back(ToConsumed(m.get()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every line arrived exactly once with its key and value, and one key's lines in file order.
void ExpectExactlyTheLines(const std::vector<Line>& lines, const std::vector<Consumed>& got) {
  ASSERT_EQ(got.size(), lines.size());
  std::map<std::string, std::vector<std::string>> want_by_key, got_by_key;
  std::map<std::string, std::set<int32_t>> partitions_of_key;
  for (const Line& line : lines) want_by_key[line.key].push_back(line.value);
  for (const Consumed& c : got) {  // sorted by partition, then offset
    ASSERT_TRUE(c.has_key);
    got_by_key[c.key].push_back(c.value);
    partitions_of_key[c.key].insert(c.partition);
  }
  EXPECT_EQ(got_by_key, want_by_key);
  for (const auto& [key, partitions] : partitions_of_key) {
    EXPECT_EQ(partitions.size(), 1u) << key << " is spread over partitions";
  }
}

class KafkaProduce : public testing::SharedClusterTest {
 protected:
  void SetUp() override {
    ASSERT_NE(cluster_, nullptr);
    dir_ = fs::temp_directory_path() /
           ("fugong-kafka-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static const std::string& bootstrap() { return cluster_->bootstrap_servers(); }

  static KafkaConfig Config() {
    KafkaConfig config;
    config.Set("bootstrap.servers", bootstrap());
    // Come back quickly after a broker returns (the default backoff grows to 10 s).
    config.Set("reconnect.backoff.max.ms", "500");
    SetReplayProducerDefaults(&config);
    return config;
  }

  static Result<ReplayStats> Replay(const std::string& topic, std::vector<std::string> files,
                                    ProgressListener* progress = nullptr) {
    ReplayOptions options;
    options.topic = topic;
    options.files = std::move(files);
    return ReplayCsvToTopic(Config(), options, progress);
  }

  fs::path dir_;
};

TEST_F(KafkaProduce, EveryLineArrivesOnceWithItsKeyInOrder) {
  ASSERT_TRUE(cluster_->CreateTopic("plain", 6).ok());
  const std::vector<Line> lines = MakeReadings(3000, 37, 1);
  WriteFile(dir_ / "r.csv", CsvText(lines), false);
  Result<ReplayStats> stats = Replay("plain", {(dir_ / "r.csv").string()});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->lines, 3000u);
  EXPECT_EQ(stats->messages, 3000u);
  EXPECT_EQ(stats->delivered, 3000u);
  EXPECT_EQ(stats->failed, 0u);
  EXPECT_EQ(stats->raw_messages, 0u);
  ExpectExactlyTheLines(lines, ConsumeAll(bootstrap(), "plain", lines.size()));
}

TEST_F(KafkaProduce, GzipGivesTheSameMessages) {
  ASSERT_TRUE(cluster_->CreateTopic("from-plain", 4).ok());
  ASSERT_TRUE(cluster_->CreateTopic("from-gzip", 4).ok());
  const std::vector<Line> lines = MakeReadings(2000, 23, 2);
  WriteFile(dir_ / "r.csv", CsvText(lines), false);
  WriteFile(dir_ / "r.csv.gz", CsvText(lines), true);
  ASSERT_TRUE(Replay("from-plain", {(dir_ / "r.csv").string()}).ok());
  Result<ReplayStats> gz = Replay("from-gzip", {(dir_ / "r.csv.gz").string()});
  ASSERT_TRUE(gz.ok()) << gz.status().ToString();
  EXPECT_EQ(gz->delivered, 2000u);
  const std::vector<Consumed> plain = ConsumeAll(bootstrap(), "from-plain", lines.size());
  const std::vector<Consumed> gzip = ConsumeAll(bootstrap(), "from-gzip", lines.size());
  ExpectExactlyTheLines(lines, gzip);
  // Same partitioner, same order: even partitions and offsets agree.
  EXPECT_EQ(plain, gzip);
}

TEST_F(KafkaProduce, LinesWithTheWrongFieldCountArriveAsRawBytes) {
  ASSERT_TRUE(cluster_->CreateTopic("raw", 3).ok());
  const std::vector<Line> good = MakeReadings(10, 3, 3);
  const std::vector<std::string> bad = {"M1,E1,1581783300,1.0", "M1,E1,1581783300,1.0,x,y",
                                        "\xff\xfe not csv at all", "M1,\"E1,1581783300,1,interval"};
  std::string text = std::string(kHeader) + "\r\n";
  for (size_t i = 0; i < good.size(); ++i) {
    text += good[i].text + "\n";
    if (i < bad.size()) text += bad[i] + "\n";
    if (i == 5) text += "\n\r\n";  // blank lines are skipped, as a backfill skips them
  }
  WriteFile(dir_ / "r.csv", text, false);
  Result<ReplayStats> stats = Replay("raw", {(dir_ / "r.csv").string()});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->messages, good.size() + bad.size());
  EXPECT_EQ(stats->raw_messages, bad.size());
  EXPECT_EQ(stats->blank_lines, 2u);
  const std::vector<Consumed> got = ConsumeAll(bootstrap(), "raw", good.size() + bad.size());
  std::multiset<std::string> raw_values, keyed_values;
  for (const Consumed& c : got) (c.has_key ? keyed_values : raw_values).insert(c.value);
  EXPECT_EQ(raw_values, std::multiset<std::string>(bad.begin(), bad.end()));
  std::multiset<std::string> want;
  for (const Line& line : good) want.insert(line.value);
  EXPECT_EQ(keyed_values, want);
}

// The broker that leads `partition` of `topic`, from the cluster's metadata (the mock picks
// leaders at random).
int32_t LeaderOf(const std::string& bootstrap, const std::string& topic, int32_t partition) {
  KafkaHandlePtr rk = NewConsumer(bootstrap, "metadata");
  KafkaTopicPtr rkt(rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr));
  const rd_kafka_metadata_t* raw = nullptr;
  if (rd_kafka_metadata(rk.get(), 0, rkt.get(), &raw, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return -1;
  }
  KafkaMetadataPtr metadata(raw);
  if (metadata->topic_cnt != 1 || metadata->topics[0].partition_cnt <= partition) return -1;
  return metadata->topics[0].partitions[partition].leader;
}

// Takes a broker down as soon as the first file is queued and brings it back 1.5 s later.
class BrokerOutage : public ProgressListener {
 public:
  BrokerOutage(EmbeddedCluster* cluster, int32_t broker) : cluster_(cluster), broker_(broker) {}
  ~BrokerOutage() override {
    if (up_.joinable()) up_.join();
  }
  void OnProgress(std::string_view, uint64_t records, uint64_t, uint64_t) override {
    if (records == 0 || started_) return;
    started_ = true;
    EXPECT_TRUE(cluster_->SetBrokerDown(broker_).ok());
    up_ = std::thread([this] {
      std::this_thread::sleep_for(milliseconds(1500));
      EXPECT_TRUE(cluster_->SetBrokerUp(broker_).ok());
    });
  }
  void OnPhaseDone(std::string_view) override {}
  bool started() const { return started_; }

 private:
  EmbeddedCluster* cluster_;
  int32_t broker_;
  bool started_ = false;
  std::thread up_;
};

TEST_F(KafkaProduce, ABrokerDownAndBackLosesAndDuplicatesNothing) {
  ASSERT_TRUE(cluster_->CreateTopic("outage", 6).ok());
  std::vector<Line> all;
  std::vector<std::string> files;
  for (int f = 0; f < 4; ++f) {
    const std::vector<Line> lines = MakeReadings(20000, 101, 10 + f);
    const fs::path path = dir_ / ("r" + std::to_string(f) + ".csv");
    WriteFile(path, CsvText(lines), false);
    files.push_back(path.string());
    all.insert(all.end(), lines.begin(), lines.end());
  }
  // Down goes the leader of partition 0, so some partitions surely lose their leader.
  const int32_t leader = LeaderOf(bootstrap(), "outage", 0);
  ASSERT_GE(leader, 1);
  BrokerOutage outage(cluster_, leader);
  const auto start = std::chrono::steady_clock::now();
  Result<ReplayStats> stats = Replay("outage", files, &outage);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_TRUE(outage.started());
  EXPECT_GT(seconds, 1.4) << "the replay should have waited for the broker, took " << seconds;
  EXPECT_EQ(stats->messages, all.size());
  EXPECT_EQ(stats->delivered, all.size());
  EXPECT_EQ(stats->failed, 0u) << stats->first_delivery_error;
  const std::vector<Consumed> got = ConsumeAll(bootstrap(), "outage", all.size());
  ExpectExactlyTheLines(all, got);
}

// A consumer of group "slow" that commits every 100 messages and then dawdles for 20 ms, and
// the check, after every batch the replay produces, that the replay stayed within its lag.
class SlowGroup : public ProgressListener {
 public:
  SlowGroup(std::string topic, size_t total, int64_t max_lag, int64_t pace_batch)
      : topic_(std::move(topic)), total_(total), max_lag_(max_lag), pace_batch_(pace_batch) {}

  void Start(const std::string& bootstrap) {
    consumer_ = NewConsumer(bootstrap, "slow", "10");
    AssignAll(consumer_.get(), topic_);
    thread_ = std::thread([this] { Run(); });
  }
  void Join() { thread_.join(); }

  void OnProgress(std::string_view, uint64_t produced, uint64_t, uint64_t) override {
    // Waits for a commit under way, so `committed_` is at least what the replay measured.
    std::lock_guard<std::mutex> lock(mutex_);
    const int64_t uncommitted = static_cast<int64_t>(produced) - committed_;
    max_uncommitted_ = std::max(max_uncommitted_, uncommitted);
    EXPECT_LE(uncommitted, max_lag_ + pace_batch_) << "after " << produced << " produced";
  }
  void OnPhaseDone(std::string_view) override {}

  size_t consumed() const { return consumed_; }
  int64_t max_uncommitted() const { return max_uncommitted_; }

 private:
  void Run() {
    std::map<int32_t, int64_t> next_offset;
    size_t since_commit = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (consumed_ < total_ && std::chrono::steady_clock::now() < deadline) {
      KafkaMessagePtr m(rd_kafka_consumer_poll(consumer_.get(), 50));
      if (m != nullptr && m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        next_offset[m->partition] = m->offset + 1;
        ++consumed_;
        ++since_commit;
      }
      if (since_commit >= 100 || (consumed_ == total_ && since_commit > 0)) {
        Commit(next_offset);
        since_commit = 0;
        std::this_thread::sleep_for(milliseconds(20));
      }
    }
  }

  void Commit(const std::map<int32_t, int64_t>& next_offset) {
    KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(next_offset.size()));
    int64_t sum = 0;
    for (const auto& [partition, offset] : next_offset) {
      rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), partition)->offset = offset;
      sum += offset;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    const rd_kafka_resp_err_t err = rd_kafka_commit(consumer_.get(), list.get(), 0);
    EXPECT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) committed_ = sum;
  }

  std::string topic_;
  size_t total_;
  int64_t max_lag_, pace_batch_;
  KafkaHandlePtr consumer_;
  std::thread thread_;
  std::mutex mutex_;
  int64_t committed_ = 0;
  int64_t max_uncommitted_ = 0;
  std::atomic<size_t> consumed_{0};
};

TEST_F(KafkaProduce, PacingKeepsTheProducerWithinTheGroupsLag) {
  ASSERT_TRUE(cluster_->CreateTopic("paced", 4).ok());
  const std::vector<Line> lines = MakeReadings(6000, 41, 4);
  WriteFile(dir_ / "r.csv", CsvText(lines), false);
  ReplayOptions options;
  options.topic = "paced";
  options.files = {(dir_ / "r.csv").string()};
  options.max_lag = 600;
  options.group = "slow";
  options.pace_batch = 60;
  SlowGroup group("paced", lines.size(), options.max_lag, options.pace_batch);
  group.Start(bootstrap());
  Result<ReplayStats> stats = ReplayCsvToTopic(Config(), options, &group);
  group.Join();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->delivered, lines.size());
  EXPECT_EQ(group.consumed(), lines.size());
  EXPECT_GT(stats->lag_waits, 0u) << "the producer never had to wait: the test proves nothing";
  EXPECT_GT(stats->paced_seconds, 0.1);
  std::printf(
      "[          ] pacing: %llu lag checks, %llu waits, %.2f s waiting, max uncommitted "
      "%lld (max lag %lld + batch %lld)\n",
      static_cast<unsigned long long>(stats->lag_checks),
      static_cast<unsigned long long>(stats->lag_waits), stats->paced_seconds,
      static_cast<long long>(group.max_uncommitted()), static_cast<long long>(options.max_lag),
      static_cast<long long>(options.pace_batch));
}

TEST_F(KafkaProduce, LagIsEndOffsetsMinusCommittedOffsets) {
  ASSERT_TRUE(cluster_->CreateTopic("lag", 2).ok());
  KafkaConfig config = Config();
  Result<std::unique_ptr<ConsumerGroupLag>> lag = ConsumerGroupLag::Create(config, "g", "lag");
  ASSERT_TRUE(lag.ok()) << lag.status().ToString();
  Result<ConsumerGroupLag::Measurement> m = (*lag)->Measure(milliseconds(10000));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->lag, 0);
  EXPECT_EQ(m->partitions, 2);
  EXPECT_EQ(m->uncommitted_partitions, 2);

  const std::vector<Line> lines = MakeReadings(300, 11, 8);
  WriteFile(dir_ / "r.csv", CsvText(lines), false);
  ASSERT_TRUE(Replay("lag", {(dir_ / "r.csv").string()}).ok());
  m = (*lag)->Measure(milliseconds(10000));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->lag, 300);  // nothing committed: everything from the log start

  // The group commits 5 on partition 0 only.
  KafkaHandlePtr consumer = NewConsumer(bootstrap(), "g");
  KafkaPartitionListPtr offsets(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(offsets.get(), "lag", 0)->offset = 5;
  ASSERT_EQ(rd_kafka_commit(consumer.get(), offsets.get(), 0), RD_KAFKA_RESP_ERR_NO_ERROR);
  m = (*lag)->Measure(milliseconds(10000));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->lag, 295);
  EXPECT_EQ(m->uncommitted_partitions, 1);

  Result<std::unique_ptr<ConsumerGroupLag>> missing =
      ConsumerGroupLag::Create(config, "g", "no-such-topic");
  ASSERT_TRUE(missing.ok());
  m = (*missing)->Measure(milliseconds(10000));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->lag, 0);
}

// Runs the fugong binary with `args` (and `env`, "NAME=value ..." prefixed to the command),
// returning its exit status and stdout+stderr.
int RunFugong(const std::string& env, const std::string& args, std::string* output) {
  return testing::RunShellCommand(env + " " + FUGONG_BINARY + " " + args, output);
}

TEST_F(KafkaProduce, CommandPrintsASummaryAndExitsZero) {
  ASSERT_TRUE(cluster_->CreateTopic("cli", 3).ok());
  const std::vector<Line> lines = MakeReadings(500, 7, 5);
  WriteFile(dir_ / "r.csv.gz", CsvText(lines), true);
  std::string output;
  const int status = RunFugong(
      "", "produce --bootstrap " + bootstrap() + " --topic cli " + (dir_ / "r.csv.gz").string(),
      &output);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("messages   500 (raw lines 0"), std::string::npos) << output;
  EXPECT_NE(output.find("delivered  500\n"), std::string::npos) << output;
  EXPECT_NE(output.find("failed     0\n"), std::string::npos) << output;
  EXPECT_NE(output.find("rate       "), std::string::npos) << output;
  ExpectExactlyTheLines(lines, ConsumeAll(bootstrap(), "cli", lines.size()));
}

TEST_F(KafkaProduce, CommandRejectsBadPropertiesNamingTheVariable) {
  WriteFile(dir_ / "r.csv", CsvText(MakeReadings(5, 2, 6)), false);
  std::string output;
  const int status = RunFugong(
      "FUGONG_KAFKA_LINGER_MS=soon",
      "produce --bootstrap " + bootstrap() + " --topic cli-bad " + (dir_ / "r.csv").string(),
      &output);
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("linger.ms"), std::string::npos) << output;
  EXPECT_NE(output.find("FUGONG_KAFKA_LINGER_MS"), std::string::npos) << output;
}

TEST_F(KafkaProduce, CommandExitsNonZeroWhenDeliveriesFail) {
  // A cluster whose every broker is down: nothing can be delivered.
  Result<std::unique_ptr<EmbeddedCluster>> dead = EmbeddedCluster::Start(2);
  ASSERT_TRUE(dead.ok());
  ASSERT_TRUE((*dead)->CreateTopic("t", 1, 1).ok());
  ASSERT_TRUE((*dead)->SetBrokerDown(1).ok());
  ASSERT_TRUE((*dead)->SetBrokerDown(2).ok());
  WriteFile(dir_ / "r.csv", CsvText(MakeReadings(20, 2, 7)), false);
  std::string output;
  const int status =
      RunFugong("",
                "produce --bootstrap " + (*dead)->bootstrap_servers() +
                    " --topic t -X message.timeout.ms=1500 " + (dir_ / "r.csv").string(),
                &output);
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find("failed     20"), std::string::npos) << output;
  EXPECT_NE(output.find("20 messages were not delivered"), std::string::npos) << output;
}

// A gzip file cut short (an interrupted copy): the command fails naming the file and the byte
// offset where the gzip data ends, after the whole lines before the cut were produced and
// delivered; the partial line at the cut is not sent (not even as a raw message).
TEST_F(KafkaProduce, CommandFailsOnATruncatedGzipAfterProducingItsWholeLines) {
  ASSERT_TRUE(cluster_->CreateTopic("cli-cut", 3).ok());
  const std::vector<Line> lines = MakeReadings(20000, 13, 9);
  const fs::path good = dir_ / "good.csv.gz";
  WriteFile(good, CsvText(lines), true);
  const std::string gz = testing::ReadFile(good);
  const size_t cut = gz.size() * 3 / 5;
  const fs::path path = dir_ / "cut.csv.gz";
  std::ofstream(path, std::ios::binary) << gz.substr(0, cut);
  // The lines the cut file still holds whole.
  size_t whole = 0;
  {
    Result<std::unique_ptr<CsvFileSource>> source = CsvFileSource::Open(path.string());
    ASSERT_TRUE(source.ok());
    SourceBatch batch;
    while ((*source)->Next(&batch).ok() && !batch.records.empty()) whole += batch.records.size();
  }
  ASSERT_GT(whole, 100u);
  ASSERT_LT(whole, lines.size());

  std::string output;
  const int status = RunFugong(
      "", "produce --bootstrap " + bootstrap() + " --topic cli-cut " + path.string(), &output);
  EXPECT_EQ(status, 1) << output;
  EXPECT_NE(output.find(path.string() + ": gzip data truncated at byte " + std::to_string(cut)),
            std::string::npos)
      << output;
  EXPECT_NE(output.find(std::to_string(whole) + " of the " + std::to_string(whole) +
                        " messages produced before it were delivered"),
            std::string::npos)
      << output;
  ExpectExactlyTheLines(std::vector<Line>(lines.begin(), lines.begin() + whole),
                        ConsumeAll(bootstrap(), "cli-cut", whole));
}

// `fugong broker` as a process: the first line of its stdout is a bootstrap address that a
// client uses like any cluster's; SIGTERM stops it with status 0.
TEST(KafkaBrokerCommand, PrintsABootstrapAddressAndStopsOnSigterm) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDERR_FILENO);
    execl(FUGONG_BINARY, FUGONG_BINARY, "broker", "--brokers", "3", "--topics",
          "fugong.readings:5,fugong.enterprises:2", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string first_line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (first_line.find('\n') == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char c[256];
    const ssize_t n = read(out[0], c, sizeof c);
    if (n <= 0) break;
    first_line.append(c, n);
  }
  close(out[0]);
  ASSERT_NE(first_line.find('\n'), std::string::npos) << "no bootstrap line: " << first_line;
  const std::string bootstrap = first_line.substr(0, first_line.find('\n'));
  EXPECT_EQ(bootstrap.rfind("127.0.0.1:", 0), 0u) << bootstrap;

  {
    // A consumer that knows only the address sees the topics, and reads what a producer wrote.
    KafkaHandlePtr consumer = NewConsumer(bootstrap, "broker-test");
    EXPECT_EQ(PartitionCount(consumer.get(), "fugong.readings"), 5);
    EXPECT_EQ(PartitionCount(consumer.get(), "fugong.enterprises"), 2);
    KafkaConfig config;
    config.Set("bootstrap.servers", bootstrap);
    SetReplayProducerDefaults(&config);
    Result<KafkaConfPtr> conf = config.Build();
    ASSERT_TRUE(conf.ok());
    char errstr[512];
    KafkaHandlePtr producer(
        rd_kafka_new(RD_KAFKA_PRODUCER, conf->release(), errstr, sizeof errstr));
    ASSERT_NE(producer, nullptr) << errstr;
    const std::string value = R"({"hello":"broker"})";
    ASSERT_EQ(rd_kafka_producev(producer.get(), RD_KAFKA_V_TOPIC("fugong.enterprises"),
                                RD_KAFKA_V_KEY("E1", 2),
                                RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                                RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(rd_kafka_flush(producer.get(), 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
    AssignAll(consumer.get(), "fugong.enterprises");
    std::string got;
    for (int i = 0; i < 100 && got.empty(); ++i) {
      KafkaMessagePtr m(rd_kafka_consumer_poll(consumer.get(), 100));
      if (m != nullptr && m->err == RD_KAFKA_RESP_ERR_NO_ERROR) got = ToConsumed(m.get()).value;
    }
    EXPECT_EQ(got, value);
  }

  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  pid_t done = 0;
  for (int i = 0; i < 150 && done == 0; ++i) {
    done = waitpid(pid, &status, WNOHANG);
    if (done == 0) std::this_thread::sleep_for(milliseconds(100));
  }
  if (done == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    FAIL() << "fugong broker did not stop within 15 s of SIGTERM";
  }
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace fugong
