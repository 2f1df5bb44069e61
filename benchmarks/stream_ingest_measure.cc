// A measurement, not a check (built in benchmarks/, not run by ctest): how fast the streaming
// service ingests a readings topic into its state, against how fast a plain librdkafka consumer
// reads the same topic on the same machine, in one run:
//
//   1. A province is generated (GenerateProvince, into $FUGONG_SBENCH_DIR, default
//      /tmp/fugong-stream-measure) and produced into an embedded cluster hosted by this process
//      (3 brokers): enterprises, weather, and readings into as many partitions as needed for each
//      to hold < 30,000 readings (predicted from the keys with Kafka's murmur2, checked after):
//      the mock keeps ~5 MiB per partition and silently drops the oldest beyond. Every readings
//      partition's log start must still be 0 after producing.
//   2. Raw: a consumer assigned every readings partition from offset 0, with
//      SetStreamConsumerDefaults and rd_kafka_consume_batch_queue, that only touches each
//      message (sums the value lengths). Rate = readings / (first message -> last message).
//   3. Fugong: the real service, `fugong serve --exit-when-idle 3`, as a child process against the
//      same cluster with a fresh state directory and its own group, from offset 0. Rate =
//      readings_records / ingest_seconds of its summary (first message polled -> the commit that
//      made the last one durable in RocksDB). It must use every reading produced, see no gap,
//      and publish real (unsuppressed) index records; the index topic is read back per day.
//
// Scenarios (GoogleTest filters):
//   StreamIngest.Province2000Enterprises15Min   2,000 enterprises x 12 days, 15-minute readings
//                                               (~3.1 M readings): the rate and the ratio
//   StreamIngest.CloseLatency20000Enterprises60Min  20,000 enterprises x 7 days, hourly readings
//                                               (~4.6 M): a day's close with a full province
//   StreamIngest.FromEnvironment                skipped unless FUGONG_SBENCH_ENTERPRISES is set;
//                                               FUGONG_SBENCH_{FROM,TO,INTERVAL,BASELINE_FROM,
//                                               BASELINE_TO} (dates YYYY-MM-DD) size it
//
//   build/benchmarks/stream_ingest_measure [--gtest_filter=StreamIngest.Province*]
//
// Environment: FUGONG_SBENCH_DIR (work directory; data, state and logs of each scenario go into
// DIR/<scenario>/ and are removed after a successful run unless FUGONG_SBENCH_KEEP=1);
// FUGONG_SBENCH_PERF=1 runs the service under `perf record -g` (DIR/<scenario>/perf.data; the
// rates are then lower). FUGONG_KAFKA_* variables apply to both consumers (the service reads
// them too).
//
// The baseline window is set explicitly (`--set baseline_from/baseline_to`) to the first days
// of the data, so that days close during the run with scored (not suppressed) records: with the
// default window (2019-11-29..2020-01-09 for 2020) every day would wait for 42 days of data.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/generate/province_generator.h"
#include "connectors/kafka/client_defaults.h"
#include "connectors/kafka/csv_message_encoder.h"
#include "connectors/kafka/csv_topic_replay.h"
#include "connectors/kafka/embedded_cluster.h"
#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_handles.h"
#include "engine/common/date.h"
#include "tests/support/topic_reader.h"

extern char** environ;

#ifndef FUGONG_BINARY
#define FUGONG_BINARY ""
#endif

namespace fugong {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kReadings = "fugong.readings";
constexpr const char* kEnterprises = "fugong.enterprises";
constexpr const char* kWeather = "fugong.weather";
constexpr const char* kIndex = "fugong.index.daily";
constexpr const char* kDeadLetters = "fugong.deadletter";
// The mock keeps ~38,000 readings a partition (5 MiB); stay well below.
constexpr uint64_t kMaxPerPartition = 30000;

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string Env(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

Day DateOrDie(const std::string& text) {
  Day d = 0;
  EXPECT_TRUE(ParseDate(text, &d)) << "not a date: " << text;
  return d;
}

struct Scenario {
  std::string name;
  int enterprises;
  Day from, to;
  int interval_minutes;
  Day baseline_from, baseline_to;
};

// The fugong binary: the build's (compile definition), else next to this binary's directory.
std::string FugongBinary() {
  if (fs::exists(FUGONG_BINARY)) return FUGONG_BINARY;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const fs::path guess = self.parent_path().parent_path() / "fugong";
  return fs::exists(guess) ? guess.string() : "";
}

// Kafka's murmur2 (the Java client's, which librdkafka's murmur2_random partitioner follows).
uint32_t Murmur2(std::string_view key) {
  const uint32_t m = 0x5bd1e995;
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const size_t length = key.size();
  uint32_t h = 0x9747b28c ^ static_cast<uint32_t>(length);
  const size_t whole = length / 4;
  for (size_t i = 0; i < whole; ++i) {
    uint32_t k = data[i * 4] | (data[i * 4 + 1] << 8) | (data[i * 4 + 2] << 16) |
                 (static_cast<uint32_t>(data[i * 4 + 3]) << 24);
    k *= m;
    k ^= k >> 24;
    k *= m;
    h *= m;
    h ^= k;
  }
  const size_t tail = length & ~size_t{3};
  switch (length % 4) {
    case 3:
      h ^= data[tail + 2] << 16;
      [[fallthrough]];
    case 2:
      h ^= data[tail + 1] << 8;
      [[fallthrough]];
    case 1:
      h ^= data[tail];
      h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

// Readings per key (and keyless lines) as `produce` would send them.
struct KeyCounts {
  std::unordered_map<std::string, uint64_t> per_key;
  uint64_t keyless = 0;
  uint64_t lines = 0;
};

KeyCounts CountKeys(const std::vector<std::string>& files) {
  KeyCounts out;
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::string line;
    EXPECT_TRUE(std::getline(in, line)) << file;
    Result<CsvMessageEncoder> encoder = CsvMessageEncoder::FromHeader(TopicRecordKind::kReadings, line);
    EXPECT_TRUE(encoder.ok()) << file;
    if (!encoder.ok()) return out;
    while (std::getline(in, line)) {
      if (line.empty() || line == "\r") continue;  // produce skips blank lines
      ++out.lines;
      const CsvMessageEncoder::Message m = encoder->Encode(line);
      if (m.raw) {
        ++out.keyless;
      } else {
        ++out.per_key[std::string(m.key)];
      }
    }
  }
  return out;
}

// The fewest partitions (a multiple of 8) whose fullest one, with every keyless line added,
// stays below kMaxPerPartition; `predicted` gets the keyed readings of each partition.
int ChoosePartitions(const KeyCounts& counts, std::vector<uint64_t>* predicted) {
  for (int p = 8; p <= 4096; p += 8) {
    std::vector<uint64_t> per(p, 0);
    for (const auto& [key, n] : counts.per_key) per[(Murmur2(key) & 0x7fffffff) % p] += n;
    if (*std::max_element(per.begin(), per.end()) + counts.keyless < kMaxPerPartition) {
      *predicted = std::move(per);
      return p;
    }
  }
  return -1;
}

KafkaHandlePtr NewConsumer(const std::string& bootstrap, const std::string& group) {
  KafkaConfig config;
  config.Set("bootstrap.servers", bootstrap);
  config.Set("group.id", group);
  config.Set("enable.auto.commit", "false");
  config.ApplyEnvironment(environ);
  SetStreamConsumerDefaults(&config);
  Result<KafkaConfPtr> conf = config.Build();
  EXPECT_TRUE(conf.ok()) << conf.status().ToString();
  if (!conf.ok()) return nullptr;
  char errstr[512];
  KafkaHandlePtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf->release(), errstr, sizeof errstr));
  EXPECT_NE(rk, nullptr) << errstr;
  return rk;
}

struct RawPass {
  double seconds = 0;  // first message -> last (connection set-up left out)
  uint64_t messages = 0;
  uint64_t bytes = 0;
};

// (1) The raw rate: every readings partition from offset 0, touching each message.
RawPass RawConsume(const std::string& bootstrap, int partitions, uint64_t expected) {
  KafkaHandlePtr rk = NewConsumer(bootstrap, "stream-measure-raw");
  RawPass pass;
  if (rk == nullptr) return pass;
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), kReadings, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  EXPECT_EQ(rd_kafka_assign(rk.get(), list.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
  KafkaQueuePtr queue(rd_kafka_queue_get_consumer(rk.get()));
  constexpr size_t kBatch = 4096;
  std::vector<rd_kafka_message_t*> batch(kBatch);
  Clock::time_point first{};
  const Clock::time_point deadline = Clock::now() + std::chrono::minutes(5);
  while (pass.messages < expected && Clock::now() < deadline) {
    // Returns when the batch is full or the timeout passed: ask for no more than what is left.
    const size_t want = std::min<uint64_t>(kBatch, expected - pass.messages);
    const ssize_t n = rd_kafka_consume_batch_queue(queue.get(), 100, batch.data(), want);
    for (ssize_t i = 0; i < n; ++i) {
      if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (pass.messages == 0) first = Clock::now();
        ++pass.messages;
        pass.bytes += batch[i]->len;
      }
      rd_kafka_message_destroy(batch[i]);
    }
  }
  pass.seconds = Since(first);
  rd_kafka_consumer_close(rk.get());
  return pass;
}

struct ChildRun {
  int exit_code = -1;  // 128 + signal when killed
  double wall_seconds = 0;
  double user_seconds = 0;
  double system_seconds = 0;
  long max_rss_kib = 0;
  std::string last_line;  // of stdout
};

std::string LastLine(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

// Runs `args` with stdout and stderr to files. The child closes every descriptor >= 3 before
// exec: this process hosts the mock cluster, whose sockets a child must not inherit (a
// connection the mock closes would stay open in the child and librdkafka clients hang on it).
ChildRun RunChild(std::vector<std::string> args, const std::string& stdout_path,
                  const std::string& stderr_path, std::chrono::seconds timeout) {
  ChildRun run;
  const Clock::time_point start = Clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    for (int fd = 3; fd < 65536; ++fd) close(fd);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  if (pid < 0) return run;
  int status = 0;
  rusage usage{};
  bool killed = false;
  while (true) {
    const pid_t done = wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (!killed && Clock::now() - start > timeout) {
      std::fprintf(stderr, "[          ] the service did not finish in %lld s: killed\n",
                   static_cast<long long>(timeout.count()));
      kill(pid, SIGKILL);
      killed = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  run.wall_seconds = Since(start);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.user_seconds = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6;
  run.system_seconds = usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
  run.max_rss_kib = usage.ru_maxrss;
  run.last_line = LastLine(stdout_path);
  return run;
}

std::string Tail(const std::string& path, size_t bytes = 3000) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > bytes ? "..." + text.substr(text.size() - bytes) : text;
}

double Number(const nlohmann::json& j, const char* key, double fallback = -1) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

void RunScenario(const Scenario& s) {
  const std::string fugong = FugongBinary();
  ASSERT_FALSE(fugong.empty()) << "the fugong binary was not found (build target fugong)";
  const fs::path dir = fs::path(Env("FUGONG_SBENCH_DIR", "/tmp/fugong-stream-measure")) / s.name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::printf("[          ] scenario %s: %d enterprises, %s..%s, %d-minute readings, baseline %s..%s\n",
              s.name.c_str(), s.enterprises, FormatDate(s.from).c_str(), FormatDate(s.to).c_str(),
              s.interval_minutes, FormatDate(s.baseline_from).c_str(),
              FormatDate(s.baseline_to).c_str());

  // The province.
  GenerateOptions gen;
  gen.enterprises = s.enterprises;
  gen.from = s.from;
  gen.to = s.to;
  gen.interval_minutes = s.interval_minutes;
  gen.out_dir = (dir / "data").string();
  gen.split = 1;  // one file per month: readings in time order, as a live feed sends them
  Clock::time_point t = Clock::now();
  Result<GenerateSummary> generated = GenerateProvince(gen, nullptr);
  ASSERT_TRUE(generated.ok()) << generated.status().ToString();
  std::vector<std::string> readings_files = generated->readings_files;  // paths
  std::sort(readings_files.begin(), readings_files.end());  // readings-YYYY-MM.csv: month order
  std::printf("[          ] generated %llu enterprises, %llu meters, %llu readings lines in %.1f s\n",
              static_cast<unsigned long long>(generated->enterprises),
              static_cast<unsigned long long>(generated->meters),
              static_cast<unsigned long long>(generated->readings_lines), Since(t));

  // Partitions for the readings.
  const KeyCounts keys = CountKeys(readings_files);
  ASSERT_EQ(keys.lines, generated->readings_lines);
  std::vector<uint64_t> predicted;
  const int partitions = ChoosePartitions(keys, &predicted);
  ASSERT_GT(partitions, 0);
  std::printf("[          ] fugong.readings: %d partitions, the fullest predicted at %llu readings "
              "(+ %llu keyless lines spread at random)\n",
              partitions,
              static_cast<unsigned long long>(*std::max_element(predicted.begin(), predicted.end())),
              static_cast<unsigned long long>(keys.keyless));

  Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  const std::string bootstrap = (*cluster)->bootstrap_servers();
  ASSERT_TRUE((*cluster)->CreateTopic(kReadings, partitions).ok());
  ASSERT_TRUE((*cluster)->CreateTopic(kEnterprises, 4).ok());
  ASSERT_TRUE((*cluster)->CreateTopic(kWeather, 1).ok());
  ASSERT_TRUE((*cluster)->CreateTopic(kIndex, 12).ok());
  ASSERT_TRUE((*cluster)->CreateTopic(kDeadLetters, 2).ok());

  // Produce everything before anything consumes.
  KafkaConfig producer;
  producer.Set("bootstrap.servers", bootstrap);
  SetReplayProducerDefaults(&producer);
  uint64_t readings = 0;
  for (const auto& [topic, kind, files] :
       std::vector<std::tuple<std::string, TopicRecordKind, std::vector<std::string>>>{
           {kEnterprises, TopicRecordKind::kEnterprises, {gen.out_dir + "/enterprises.csv"}},
           {kWeather, TopicRecordKind::kWeather, {gen.out_dir + "/weather.csv"}},
           {kReadings, TopicRecordKind::kReadings, readings_files}}) {
    ReplayOptions options;
    options.topic = topic;
    options.kind = kind;
    options.files = files;
    t = Clock::now();
    Result<ReplayStats> stats = ReplayCsvToTopic(producer, options, nullptr);
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    ASSERT_EQ(stats->failed, 0u) << stats->first_delivery_error;
    ASSERT_EQ(stats->delivered, stats->messages);
    const double seconds = Since(t);
    std::printf("[          ] produced %9llu messages into %-18s in %5.2f s (%.2f M/s)\n",
                static_cast<unsigned long long>(stats->messages), topic.c_str(), seconds,
                stats->messages / seconds / 1e6);
    if (topic == kReadings) readings = stats->messages;
  }
  ASSERT_EQ(readings, keys.lines);

  // Nothing lost: every readings partition still starts at 0 and the ends add up.
  {
    KafkaHandlePtr rk = NewConsumer(bootstrap, "stream-measure-check");
    ASSERT_NE(rk, nullptr);
    uint64_t total = 0, fullest = 0;
    int off_prediction = 0;
    for (int p = 0; p < partitions; ++p) {
      int64_t low = -1, high = -1;
      ASSERT_EQ(rd_kafka_query_watermark_offsets(rk.get(), kReadings, p, &low, &high, 10000),
                RD_KAFKA_RESP_ERR_NO_ERROR);
      ASSERT_EQ(low, 0) << "the mock dropped the oldest messages of partition " << p;
      total += high;
      fullest = std::max<uint64_t>(fullest, high);
      if (static_cast<uint64_t>(high) < predicted[p] ||
          static_cast<uint64_t>(high) > predicted[p] + keys.keyless) {
        ++off_prediction;
      }
    }
    ASSERT_EQ(total, readings);
    EXPECT_EQ(off_prediction, 0) << "partitions whose count the murmur2 prediction missed";
    std::printf("[          ] every readings partition starts at offset 0; the fullest holds %llu\n",
                static_cast<unsigned long long>(fullest));
  }

  // (1) Raw.
  const RawPass raw = RawConsume(bootstrap, partitions, readings);
  ASSERT_EQ(raw.messages, readings);
  const double raw_rate = raw.messages / raw.seconds;
  std::printf("[          ] raw consume: %llu messages (%.1f bytes a value) in %.2f s: %.2f M/s\n",
              static_cast<unsigned long long>(raw.messages),
              static_cast<double>(raw.bytes) / raw.messages, raw.seconds, raw_rate / 1e6);

  // (2) Fugong.
  std::vector<std::string> args;
  const bool perf = Env("FUGONG_SBENCH_PERF") == "1";
  if (perf) args = {"perf", "record", "-g", "-o", (dir / "perf.data").string(), "--"};
  for (const std::string& a :
       {fugong, std::string("serve"), std::string("--state"), (dir / "state").string(),
        std::string("--exit-when-idle"), std::string("3"), std::string("--set"),
        "kafka.bootstrap.servers=" + bootstrap, std::string("--set"),
        std::string("group_id=stream-measure-serve"), std::string("--set"),
        "interval_minutes=" + std::to_string(s.interval_minutes), std::string("--set"),
        "baseline_from=" + FormatDate(s.baseline_from), std::string("--set"),
        "baseline_to=" + FormatDate(s.baseline_to)}) {
    args.push_back(a);
  }
  const std::string out_path = (dir / "serve.out").string(), err_path = (dir / "serve.err").string();
  rusage self_before{}, self_after{};
  getrusage(RUSAGE_SELF, &self_before);
  const ChildRun serve = RunChild(args, out_path, err_path, std::chrono::minutes(10));
  getrusage(RUSAGE_SELF, &self_after);
  // This process meanwhile is the mock cluster serving the service's fetches and produces.
  const auto cpu_of = [](const rusage& u) {
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
  };
  const double mock_cpu = cpu_of(self_after) - cpu_of(self_before);
  ASSERT_EQ(serve.exit_code, 0) << "fugong serve failed; its stderr ends:\n" << Tail(err_path);
  const nlohmann::json summary = nlohmann::json::parse(serve.last_line, nullptr, false);
  ASSERT_TRUE(summary.is_object()) << "no JSON summary as the last line: " << serve.last_line;
  const double records = Number(summary, "readings_records");
  const double ingest_seconds = Number(summary, "ingest_seconds");
  ASSERT_GT(ingest_seconds, 0) << serve.last_line;
  EXPECT_EQ(records, static_cast<double>(readings)) << "the service did not read every reading";
  EXPECT_EQ(Number(summary, "gaps"), 0) << "partition gaps: the mock dropped readings";
  const double fugong_rate = records / ingest_seconds;
  const double closes = Number(summary, "closes");
  const double close_max = Number(summary, "close_to_published_max_seconds");
  double close_mean = Number(summary, "close_to_published_mean_seconds");
  if (close_mean < 0 && Number(summary, "close_to_published_total_seconds") >= 0 && closes > 0) {
    close_mean = Number(summary, "close_to_published_total_seconds") / closes;
  }

  // What it published, per day: the index topic as a dashboard would read it.
  const std::vector<testing::TopicMessage> index = testing::ReadWholeTopic(bootstrap, kIndex);
  std::map<std::string, std::pair<int, int>> per_day;  // date -> {records, unsuppressed}
  for (const testing::TopicMessage& m : index) {
    const std::string date = m.key ? m.key->substr(0, 10) : "?";
    ++per_day[date].first;
    if (m.value.find("\"suppressed\":false") != std::string::npos) ++per_day[date].second;
  }
  int unsuppressed = 0;
  for (const auto& [date, n] : per_day) unsuppressed += n.second;
  EXPECT_GT(unsuppressed, 0) << "no scored index record was published";

  const double ratio = fugong_rate / raw_rate;
  char close_mean_text[64] = "n/a (the summary gives no total or mean)";
  if (close_mean >= 0) std::snprintf(close_mean_text, sizeof close_mean_text, "%.3f s", close_mean);
  const double cpu = serve.user_seconds + serve.system_seconds;
  std::printf(
      "[          ] ---- %s ----\n"
      "[          ] readings             %llu in %d partitions (%d enterprises, %s..%s, %d min)\n"
      "[          ] raw librdkafka       %.2f M readings/s (%.2f s)\n"
      "[          ] fugong serve         %.2f M readings/s (ingest %.2f s; the whole run %.2f s "
      "wall, %.1f s CPU = %.2f cores, peak RSS %ld MiB)%s\n"
      "[          ] mock cluster         %.1f s CPU in this process while the service ran\n"
      "[          ] ratio fugong / raw   %.2f   (targets: >= 1 M readings/s, >= 0.50)\n"
      "[          ] closes               %.0f; close -> published max %.3f s, mean %s "
      "(target < 1 s)\n"
      "[          ] index published      %zu records on %zu days, %d of them scored "
      "(not suppressed)\n",
      s.name.c_str(), static_cast<unsigned long long>(readings), partitions, s.enterprises,
      FormatDate(s.from).c_str(), FormatDate(s.to).c_str(), s.interval_minutes, raw_rate / 1e6,
      raw.seconds, fugong_rate / 1e6, ingest_seconds, serve.wall_seconds, cpu,
      cpu / serve.wall_seconds, serve.max_rss_kib / 1024, perf ? " [under perf record]" : "",
      mock_cpu,
      ratio, closes, close_max,
      close_mean_text,
      index.size(), per_day.size(), unsuppressed);
  for (const auto& [date, n] : per_day) {
    std::printf("[          ]   %s  %5d records, %5d scored\n", date.c_str(), n.first, n.second);
  }
  std::printf("[          ] serve summary: %s\n", serve.last_line.c_str());
  // One machine-readable line.
  nlohmann::json result = {{"scenario", s.name},
                           {"readings", readings},
                           {"partitions", partitions},
                           {"raw_rate", raw_rate},
                           {"raw_seconds", raw.seconds},
                           {"fugong_rate", fugong_rate},
                           {"ratio", ratio},
                           {"serve_cpu_seconds", cpu},
                           {"serve_max_rss_kib", serve.max_rss_kib},
                           {"serve_wall_seconds", serve.wall_seconds},
                           {"mock_cpu_seconds_during_serve", mock_cpu},
                           {"index_records", index.size()},
                           {"index_scored", unsuppressed},
                           {"serve", summary}};
  std::printf("[   RESULT ] %s\n", result.dump().c_str());
  std::fflush(stdout);
  if (!::testing::Test::HasFailure() && Env("FUGONG_SBENCH_KEEP") != "1" && !perf) {
    fs::remove_all(dir);
  }
}

// 2,000 enterprises x 12 days of 15-minute readings (~3.1 M readings; all 90 counties): the
// ingest rate against the raw rate. Baseline window: the first 3 days (Mon-Wed); the other days
// close and publish during the run.
TEST(StreamIngest, Province2000Enterprises15Min) {
  RunScenario({"province-2000-15min", 2000, DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 17), 15,
               DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 8)});
}

// 20,000 enterprises x 7 days of hourly readings (~4.6 M readings): each day is ~650,000
// readings, so a commit closes one day at a time, with every group of a large province.
TEST(StreamIngest, CloseLatency20000Enterprises60Min) {
  RunScenario({"province-20000-60min", 20000, DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 12),
               60, DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 8)});
}

TEST(StreamIngest, FromEnvironment) {
  const std::string enterprises = Env("FUGONG_SBENCH_ENTERPRISES");
  if (enterprises.empty()) GTEST_SKIP() << "set FUGONG_SBENCH_ENTERPRISES to run it";
  const Day from = DateOrDie(Env("FUGONG_SBENCH_FROM", "2020-01-06"));
  RunScenario({"custom", std::stoi(enterprises), from,
               DateOrDie(Env("FUGONG_SBENCH_TO", "2020-01-12")),
               std::stoi(Env("FUGONG_SBENCH_INTERVAL", "15")),
               DateOrDie(Env("FUGONG_SBENCH_BASELINE_FROM", FormatDate(from))),
               DateOrDie(Env("FUGONG_SBENCH_BASELINE_TO", FormatDate(from + 2)))});
}

}  // namespace
}  // namespace fugong
