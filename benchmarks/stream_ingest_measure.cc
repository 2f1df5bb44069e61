// A measurement, not a check (built in benchmarks/, not run by ctest): how fast the streaming
// service ingests a readings topic into its state, against how fast a plain librdkafka consumer
// reads the same topic on the same machine, in one run; and how long a day's close takes to reach
// the index topic. docs/benchmarks.md ("Streaming") has the figures and where the time goes.
//
//   1. A province is generated (GenerateProvince, into $FUGONG_SBENCH_DIR, default
//      /tmp/fugong-stream-measure) and produced into an embedded cluster hosted by this process
//      (3 brokers): enterprises, weather, and readings into as many partitions as needed for each
//      to hold < 30,000 readings (predicted from the keys with Kafka's murmur2, checked after):
//      the mock keeps ~5 MiB per partition and silently drops the oldest beyond. Every readings
//      partition's log start must still be 0 after producing.
//   2. Raw: a consumer assigned every readings partition from offset 0, with
//      SetStreamConsumerDefaults and rd_kafka_consume_batch_queue (4096), that only touches each
//      message (sums the value lengths). Rate = readings / (first message -> last message). Run
//      twice in this process and once in a child process (this binary again), as the service
//      is; the fastest of the three is the raw rate.
//   3. Fugong: the real service, `fugong serve --exit-when-idle 3`, as a child process against the
//      same cluster with a fresh state directory and its own group, from offset 0. Rate =
//      readings_records / ingest_seconds of its summary (first message polled -> the commit that
//      made the last one durable in RocksDB). It must use every reading produced, see no gap,
//      and publish scored (not suppressed) index records; the index topic is read back per day.
//      `closes` and close_to_published_max_seconds come from its summary (a close is a commit that
//      closed one or more days; the final close at --exit-when-idle is not timed by the service).
//
// The short scenarios set the baseline window (`--set baseline_from/baseline_to`) to their first
// days, so that days close during the run with scored records: with the default window
// (2019-11-29..2020-01-09 for 2020) every day would wait for 42 days of data.
//
// Scenarios (GoogleTest filters):
//   StreamIngest.Province2000Enterprises15Min      2,000 enterprises x 12 days, 15-minute
//                                                  readings (3.1 M): the rates and the ratio
//   StreamIngest.CloseLatency20000Enterprises60Min  20,000 enterprises x 7 days, hourly (4.5 M)
//   StreamIngest.CloseLatency100000Enterprises60Min 100,000 enterprises x 4 days, hourly (13 M,
//                                                  576 partitions, ~4 GB of memory, ~40 s)
//   StreamIngest.DailyClose20000EnterprisesSeason  20,000 enterprises, 2019-11-29..2020-02-11,
//                                                  daily readings, default baseline window; a
//                                                  second run on the same state closes one day
//   StreamIngest.ApiLoad2000Enterprises15Min       serving while ingesting (issue 4): the data
//                                                  of Province2000Enterprises15Min, ingested by
//                                                  `serve --http 127.0.0.1:0` 1 + 2 x 6 times
//                                                  (fresh state and group each): an unloaded
//                                                  warm-up, then alternately without and with a
//                                                  client in this process (api_load_client.h:
//                                                  one /v1/stream connection counting events,
//                                                  50 requests/s over one keep-alive connection):
//                                                  median rates, their ratio, latencies, status
//                                                  codes; the live stream must carry as many
//                                                  events as the run's summary `published_index`
//   StreamIngest.Changelogs2000Enterprises15Min   the same data through the partials topic,
//                                                  with and without changelogs (issue 12):
//                                                  the ingest ratio, the changelogs' bytes per
//                                                  reading, the restore rate
//   StreamIngest.FromEnvironment   skipped unless FUGONG_SBENCH_ENTERPRISES is set;
//                                  FUGONG_SBENCH_{FROM,TO,INTERVAL,BASELINE_FROM,BASELINE_TO,
//                                  LATER_DAYS}; FUGONG_SBENCH_BASELINE=default: the default window
//
//   build/benchmarks/stream_ingest_measure [--gtest_filter=StreamIngest.Province*]
//
// Environment:
//   FUGONG_SBENCH_DIR            work directory; DIR/<scenario>/ holds data, state and logs,
//                                removed after a successful run unless FUGONG_SBENCH_KEEP=1
//   FUGONG_SBENCH_PERF=1         the service runs under `perf record -F 1000 --call-graph dwarf`
//                                (DIR/<scenario>/serve.perf.data, kept; the rates are then lower)
//   FUGONG_SBENCH_SERVE_SETS     more `--set`s for the service: "commit_interval_ms=250;..."
//   FUGONG_SBENCH_SERVE_WRAPPER  words before the service's command line ("env LD_PRELOAD=...")
//   FUGONG_SBENCH_RAW_SHAPES     more raw runs in a child process, imitating the service's loop:
//                                "BATCH:HOLD:NS[:TIMEOUT_MS[:SLEEP]],..." (see RawShape)
//   FUGONG_SBENCH_API_PAIRS      ApiLoad*: unloaded/loaded pairs of runs (default 6)
//   FUGONG_SBENCH_API_RATE       ApiLoad*: requests a second of the loaded runs (default 50)
//   FUGONG_SBENCH_API_ORDER      ApiLoad*: "ul" (default) unloaded first in each pair, "lu" loaded
//   FUGONG_KAFKA_*               Kafka properties of both consumers (the service reads them too)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "app/generate/province_generator.h"
#include "benchmarks/api_load_client.h"
#include "benchmarks/proc_status.h"
#include "connectors/kafka/client_defaults.h"
#include "connectors/kafka/csv_message_encoder.h"
#include "connectors/kafka/csv_topic_replay.h"
#include "connectors/kafka/embedded_cluster.h"
#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_handles.h"
#include "connectors/kafka/topic_snapshot.h"
#include "engine/common/date.h"

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
// The mock keeps 5 MiB of record batches a partition (and 100,000 batches) and silently drops
// the oldest beyond: stay well below, in readings (~38,000 of 15-minute readings fill it) and in
// bytes (register readings are longer; 300,000 enterprises' registry fills 15 partitions).
constexpr uint64_t kMaxPerPartition = 30000;
constexpr uint64_t kMaxBytesPerPartition = 4 << 20;
// A record's bytes in a batch besides its key and value (length, attributes, deltas, sizes).
constexpr uint64_t kRecordOverhead = 24;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

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
  int enterprises = 0;
  Day from = 0, to = 0;
  int interval_minutes = 15;
  // The baseline window (`--set baseline_from/baseline_to`); none: the config's default, the 42
  // days ending 15 days before the Spring Festival of the day's season.
  std::optional<std::pair<Day, Day>> baseline;
  // > 0: the readings of the last `later_days` days are produced only after a first run of the
  // service has read and closed everything before them; a second run on the same state then
  // reads them, and the first of them closes alone: the daily close at the end of a long stream.
  int later_days = 0;
  // Share of meters that are daily register meters. A register reading at midnight opens the
  // next day, so a first run ending there would close that day too (CloseAll closes through the
  // last day with data): the daily-close scenario has none.
  double register_fraction = 0.1;
};

std::string BaselineText(const Scenario& s) {
  return s.baseline ? FormatDate(s.baseline->first) + ".." + FormatDate(s.baseline->second)
                    : std::string("the default window");
}

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

// Records per key (and keyless lines) as `produce` would send them, and their bytes.
struct KeyCounts {
  struct PerKey {
    uint64_t records = 0;
    uint64_t bytes = 0;
  };
  std::unordered_map<std::string, PerKey> per_key;
  uint64_t keyless = 0;
  uint64_t keyless_bytes = 0;
  uint64_t lines = 0;
};

KeyCounts CountKeys(const std::vector<std::string>& files,
                    TopicRecordKind kind = TopicRecordKind::kReadings) {
  KeyCounts out;
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::string line;
    EXPECT_TRUE(std::getline(in, line)) << file;
    Result<CsvMessageEncoder> encoder = CsvMessageEncoder::FromHeader(kind, line);
    EXPECT_TRUE(encoder.ok()) << file;
    if (!encoder.ok()) return out;
    while (std::getline(in, line)) {
      if (line.empty() || line == "\r") continue;  // produce skips blank lines
      ++out.lines;
      const CsvMessageEncoder::Message m = encoder->Encode(line);
      const uint64_t bytes = m.key.size() + m.value.size() + kRecordOverhead;
      if (m.raw) {
        ++out.keyless;
        out.keyless_bytes += bytes;
      } else {
        KeyCounts::PerKey& k = out.per_key[std::string(m.key)];
        ++k.records;
        k.bytes += bytes;
      }
    }
  }
  return out;
}

// The fewest partitions (a multiple of `step`) whose fullest one, with every keyless line
// added, stays below kMaxPerPartition records and kMaxBytesPerPartition bytes; `predicted` gets
// the keyed records of each partition.
int ChoosePartitions(const KeyCounts& counts, std::vector<uint64_t>* predicted, int step = 8) {
  for (int p = step; p <= 4096; p += step) {
    std::vector<uint64_t> per(p, 0), bytes(p, 0);
    for (const auto& [key, n] : counts.per_key) {
      const size_t at = (Murmur2(key) & 0x7fffffff) % p;
      per[at] += n.records;
      bytes[at] += n.bytes;
    }
    if (*std::max_element(per.begin(), per.end()) + counts.keyless < kMaxPerPartition &&
        *std::max_element(bytes.begin(), bytes.end()) + counts.keyless_bytes <
            kMaxBytesPerPartition) {
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

// How the raw consumer takes its messages. The default only touches them; the others imitate the
// service's loop (KafkaStreamConsumer::Poll: batches of up to 100,000 with a 100 ms timeout, the
// messages of a batch held until the next call) and its processing (a busy wait per message).
struct RawShape {
  size_t batch = 4096;
  bool hold = false;     // destroy a batch's messages only at the next call
  double spin_ns = 0;    // busy-wait this long per message, on the polling thread
  int timeout_ms = 100;  // of rd_kafka_consume_batch_queue, which waits for a full batch
  bool sleep = false;    // sleep instead of the busy wait: the time without the CPU
};

// "BATCH:HOLD:SPIN_NS[:TIMEOUT_MS[:SLEEP]]" (e.g. 100000:1:300).
RawShape ParseShape(const std::string& text) {
  RawShape shape;
  unsigned long batch = 4096;
  int hold = 0;
  double spin = 0;
  int timeout = 100, sleep = 0;
  if (std::sscanf(text.c_str(), "%lu:%d:%lf:%d:%d", &batch, &hold, &spin, &timeout, &sleep) >= 1) {
    shape.timeout_ms = timeout;
    shape.sleep = sleep != 0;
    shape.batch = std::max(1ul, batch);
    shape.hold = hold != 0;
    shape.spin_ns = spin;
  }
  return shape;
}

void Spin(double ns) {
  if (ns <= 0) return;
  const Clock::time_point until = Clock::now() + std::chrono::nanoseconds(static_cast<int64_t>(ns));
  while (Clock::now() < until) {
  }
}

// (1) The raw rate: every readings partition from offset 0, touching each message.
RawPass RawConsume(const std::string& bootstrap, int partitions, uint64_t expected,
                   const RawShape& shape = RawShape()) {
  KafkaHandlePtr rk = NewConsumer(bootstrap, "stream-measure-raw");
  RawPass pass;
  if (rk == nullptr) return pass;
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), kReadings, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  EXPECT_EQ(rd_kafka_assign(rk.get(), list.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
  KafkaQueuePtr queue(rd_kafka_queue_get_consumer(rk.get()));
  std::vector<rd_kafka_message_t*> batch(shape.batch);
  ssize_t held = 0;
  Clock::time_point first{};
  const Clock::time_point deadline = Clock::now() + std::chrono::minutes(5);
  while (pass.messages < expected && Clock::now() < deadline) {
    for (ssize_t i = 0; i < held; ++i) rd_kafka_message_destroy(batch[i]);
    held = 0;
    // Returns when the batch is full or the timeout passed: ask for no more than what is left.
    const size_t want = std::min<uint64_t>(shape.batch, expected - pass.messages);
    const ssize_t n =
        rd_kafka_consume_batch_queue(queue.get(), shape.timeout_ms, batch.data(), want);
    for (ssize_t i = 0; i < n; ++i) {
      if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (pass.messages == 0) first = Clock::now();
        ++pass.messages;
        pass.bytes += batch[i]->len;
      }
      if (!shape.hold) rd_kafka_message_destroy(batch[i]);
    }
    if (shape.hold) held = std::max<ssize_t>(n, 0);
    const double wait_ns = shape.spin_ns * std::max<ssize_t>(n, 0);
    if (shape.sleep) {
      std::this_thread::sleep_for(std::chrono::nanoseconds(static_cast<int64_t>(wait_ns)));
    } else {
      Spin(wait_ns);
    }
  }
  pass.seconds = Since(first);
  for (ssize_t i = 0; i < held; ++i) rd_kafka_message_destroy(batch[i]);
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

// VmHWM of a running child, in KiB, once it runs a program of its own (before its exec it is a
// copy of this process, whose peak would be read); 0 when it cannot be read.
long PeakRssKib(pid_t pid) {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", error);
  if (error || exe == fs::read_symlink("/proc/self/exe", error)) return 0;
  return ProcStatusKib(std::to_string(pid), "VmHWM");
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
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a measurement killed midway leaves no service behind
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
  long peak_kib = 0;  // VmHWM of the program the child runs, read while it runs (every 20 ms)
  while (true) {
    peak_kib = std::max(peak_kib, PeakRssKib(pid));
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
  // Not usage.ru_maxrss: a child's counts this process's RSS at the fork (the mock's topics, GBs
  // at 300,000 enterprises), however little the program it then runs uses.
  run.max_rss_kib = peak_kib;
  run.last_line = LastLine(stdout_path);
  return run;
}

// CPU seconds the whole machine spent busy (all cores; /proc/stat) and this process used.
double MachineBusySeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                     steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  return static_cast<double>(user + nice + system + irq + softirq + steal) / sysconf(_SC_CLK_TCK);
}
double SelfCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

std::string Tail(const std::string& path, size_t bytes = 3000) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return text.size() > bytes ? "..." + text.substr(text.size() - bytes) : text;
}

double Number(const nlohmann::json& j, const char* key, double fallback = -1) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : fallback;
}

// Splits readings files at the start of `cut`: the readings of days before it, and of `cut` and
// later (by the text of ts, ISO-8601 as the generator writes it: ts is the end of its interval,
// so `cut`T00:00:00 still belongs to the day before). Lines without a ts field go to the first.
void SplitReadings(const std::vector<std::string>& files, Day cut, const fs::path& dir,
                   std::vector<std::string>* before, std::vector<std::string>* after) {
  const std::string boundary = FormatDate(cut) + "T00:00:00";
  const std::string before_path = (dir / "readings-before.csv").string();
  const std::string after_path = (dir / "readings-after.csv").string();
  std::ofstream a(before_path), b(after_path);
  bool header_written = false;
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::string line;
    if (!std::getline(in, line)) continue;
    if (!header_written) {
      a << line << '\n';
      b << line << '\n';
      header_written = true;
    }
    while (std::getline(in, line)) {
      // meter_id,enterprise_id,ts,kwh,kind: ts is the third field.
      const size_t c1 = line.find(',');
      const size_t c2 = c1 == std::string::npos ? c1 : line.find(',', c1 + 1);
      const bool later = c2 != std::string::npos && line.size() >= c2 + 20 &&
                         line.compare(c2 + 1, 19, boundary) > 0;
      (later ? b : a) << line << '\n';
    }
  }
  *before = {before_path};
  *after = {after_path};
}

// Every partition of `topic` still starts at offset 0 (the mock dropped nothing) and the end
// offsets add up to `expected`; with `predicted`, each partition holds what murmur2 predicted.
void CheckTopic(const std::string& bootstrap, const char* topic, int partitions, uint64_t expected,
                const std::vector<uint64_t>* predicted, uint64_t keyless) {
  KafkaHandlePtr rk = NewConsumer(bootstrap, "stream-measure-check");
  ASSERT_NE(rk, nullptr);
  uint64_t total = 0, fullest = 0;
  int off_prediction = 0;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = -1, high = -1;
    ASSERT_EQ(rd_kafka_query_watermark_offsets(rk.get(), topic, p, &low, &high, 10000),
              RD_KAFKA_RESP_ERR_NO_ERROR);
    ASSERT_EQ(low, 0) << "the mock dropped the oldest messages of " << topic << " partition " << p;
    total += high;
    fullest = std::max<uint64_t>(fullest, high);
    if (predicted != nullptr && (static_cast<uint64_t>(high) < (*predicted)[p] ||
                                 static_cast<uint64_t>(high) > (*predicted)[p] + keyless)) {
      ++off_prediction;
    }
  }
  ASSERT_EQ(total, expected);
  EXPECT_EQ(off_prediction, 0) << "partitions whose count the murmur2 prediction missed";
  std::printf("[          ] every %s partition starts at offset 0; the fullest holds %llu\n", topic,
              static_cast<unsigned long long>(fullest));
}

// One run of `fugong serve --exit-when-idle 3` against the cluster.
struct ServeRun {
  ChildRun child;
  nlohmann::json summary;
  double mock_cpu = 0;    // this process (the mock cluster) meanwhile
  double others_cpu = 0;  // other processes on the machine meanwhile
};

ServeRun RunServe(const Scenario& s, const std::string& bootstrap, const fs::path& dir,
                  const std::string& group, const std::string& name,
                  const std::vector<std::string>& extra_sets = {},
                  const std::vector<std::string>& extra_args = {}) {
  ServeRun run;
  std::vector<std::string> args;
  if (Env("FUGONG_SBENCH_PERF") == "1") {
    // The build has no frame pointers: DWARF call graphs.
    args = {"perf",
            "record",
            "-F",
            "1000",
            "--call-graph",
            "dwarf,16384",
            "-o",
            (dir / (name + ".perf.data")).string(),
            "--"};
  }
  {
    std::istringstream words(Env("FUGONG_SBENCH_SERVE_WRAPPER"));
    std::string word;
    while (words >> word) args.push_back(word);
  }
  for (const std::string& a :
       {FugongBinary(), std::string("serve"), std::string("--state"), (dir / "state").string(),
        std::string("--exit-when-idle"), std::string("3"), std::string("--set"),
        "kafka.bootstrap.servers=" + bootstrap, std::string("--set"), "group_id=" + group,
        std::string("--set"), "interval_minutes=" + std::to_string(s.interval_minutes)}) {
    args.push_back(a);
  }
  if (s.baseline) {
    args.insert(args.end(), {"--set", "baseline_from=" + FormatDate(s.baseline->first), "--set",
                             "baseline_to=" + FormatDate(s.baseline->second)});
  }
  for (const std::string& set : extra_sets) args.insert(args.end(), {"--set", set});
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const std::string sets = Env("FUGONG_SBENCH_SERVE_SETS");
  for (size_t begin = 0; begin < sets.size();) {
    const size_t end = std::min(sets.find(';', begin), sets.size());
    if (end > begin) args.insert(args.end(), {"--set", sets.substr(begin, end - begin)});
    begin = end + 1;
  }
  const std::string err_path = (dir / (name + ".err")).string();
  const double busy_before = MachineBusySeconds(), self_before = SelfCpuSeconds();
  run.child = RunChild(args, (dir / (name + ".out")).string(), err_path, std::chrono::minutes(10));
  run.mock_cpu = SelfCpuSeconds() - self_before;
  run.others_cpu = std::max(0.0, MachineBusySeconds() - busy_before - run.mock_cpu -
                                     run.child.user_seconds - run.child.system_seconds);
  EXPECT_EQ(run.child.exit_code, 0) << "fugong serve failed; its stderr ends:\n" << Tail(err_path);
  run.summary = nlohmann::json::parse(run.child.last_line, nullptr, false);
  EXPECT_TRUE(run.summary.is_object())
      << "no JSON summary as the last line: " << run.child.last_line;
  if (!run.summary.is_object()) run.summary = nlohmann::json::object();
  return run;
}

std::string CloseMeanText(const nlohmann::json& summary) {
  double mean = Number(summary, "close_to_published_mean_seconds");
  const double total = Number(summary, "close_to_published_total_seconds");
  const double closes = Number(summary, "closes");
  if (mean < 0 && total >= 0 && closes > 0) mean = total / closes;
  char text[64] = "n/a (the summary gives no total or mean)";
  if (mean >= 0) std::snprintf(text, sizeof text, "%.3f s", mean);
  return text;
}

// Step 1 of the header: the province generated and produced into an embedded cluster (all but
// the later days).
struct PreparedTopics {
  fs::path dir;
  std::unique_ptr<EmbeddedCluster> cluster;
  std::string bootstrap;
  int partitions = 0;
  uint64_t readings = 0;  // produced into kReadings
  KeyCounts keys;
  std::vector<uint64_t> predicted;
  std::vector<std::string> later_files;  // readings of the later days, not produced yet
};

// Produces CSV files into a topic of the cluster; the messages produced.
uint64_t ProduceFiles(const std::string& bootstrap, const std::string& topic, TopicRecordKind kind,
                      const std::vector<std::string>& files) {
  KafkaConfig producer;
  producer.Set("bootstrap.servers", bootstrap);
  SetReplayProducerDefaults(&producer);
  ReplayOptions options;
  options.topic = topic;
  options.kind = kind;
  options.files = files;
  const Clock::time_point start = Clock::now();
  Result<ReplayStats> stats = ReplayCsvToTopic(producer, options, nullptr);
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  if (!stats.ok()) return 0;
  EXPECT_EQ(stats->failed, 0u) << stats->first_delivery_error;
  EXPECT_EQ(stats->delivered, stats->messages);
  const double seconds = Since(start);
  std::printf("[          ] produced %9llu messages into %-18s in %5.2f s (%.2f M/s)\n",
              static_cast<unsigned long long>(stats->messages), topic.c_str(), seconds,
              stats->messages / seconds / 1e6);
  return stats->messages;
}

void PrepareTopics(const Scenario& s, PreparedTopics* out) {
  ASSERT_FALSE(FugongBinary().empty()) << "the fugong binary was not found (build target fugong)";
  const fs::path dir = fs::path(Env("FUGONG_SBENCH_DIR", "/tmp/fugong-stream-measure")) / s.name;
  out->dir = dir;
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::printf("[          ] scenario %s: %d enterprises, %s..%s, %d-minute readings, baseline %s\n",
              s.name.c_str(), s.enterprises, FormatDate(s.from).c_str(), FormatDate(s.to).c_str(),
              s.interval_minutes, BaselineText(s).c_str());

  // The province.
  GenerateOptions gen;
  gen.enterprises = s.enterprises;
  gen.from = s.from;
  gen.to = s.to;
  gen.interval_minutes = s.interval_minutes;
  gen.out_dir = (dir / "data").string();
  gen.split = 1;  // one file per month: readings in time order, as a live feed sends them
  gen.register_fraction = s.register_fraction;
  Clock::time_point t = Clock::now();
  Result<GenerateSummary> generated = GenerateProvince(gen, nullptr);
  ASSERT_TRUE(generated.ok()) << generated.status().ToString();
  std::vector<std::string> readings_files = generated->readings_files;  // paths
  std::sort(readings_files.begin(), readings_files.end());  // readings-YYYY-MM.csv: month order
  std::printf(
      "[          ] generated %llu enterprises, %llu meters, %llu readings lines in %.1f s\n",
      static_cast<unsigned long long>(generated->enterprises),
      static_cast<unsigned long long>(generated->meters),
      static_cast<unsigned long long>(generated->readings_lines), Since(t));

  // Partitions for all the readings.
  out->keys = CountKeys(readings_files);
  const KeyCounts& keys = out->keys;
  ASSERT_EQ(keys.lines, generated->readings_lines);
  std::vector<uint64_t>& predicted = out->predicted;
  const int partitions = ChoosePartitions(keys, &predicted);
  out->partitions = partitions;
  ASSERT_GT(partitions, 0);
  std::printf(
      "[          ] fugong.readings: %d partitions, the fullest predicted at %llu readings "
      "(+ %llu keyless lines spread at random)\n",
      partitions,
      static_cast<unsigned long long>(*std::max_element(predicted.begin(), predicted.end())),
      static_cast<unsigned long long>(keys.keyless));
  std::vector<std::string>& later_files = out->later_files;
  if (s.later_days > 0) {
    std::vector<std::string> first_files;
    SplitReadings(readings_files, s.to - s.later_days + 1, dir / "data", &first_files,
                  &later_files);
    readings_files = first_files;
  }

  Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  out->cluster = std::move(cluster).value();
  out->bootstrap = out->cluster->bootstrap_servers();
  const std::string& bootstrap = out->bootstrap;
  ASSERT_TRUE(out->cluster->CreateTopic(kReadings, partitions).ok());
  const std::string registry_file = gen.out_dir + "/enterprises.csv";
  const KeyCounts registry = CountKeys({registry_file}, TopicRecordKind::kEnterprises);
  std::vector<uint64_t> registry_predicted;
  const int registry_partitions = ChoosePartitions(registry, &registry_predicted, 4);
  ASSERT_GT(registry_partitions, 0);
  ASSERT_TRUE(out->cluster->CreateTopic(kEnterprises, registry_partitions).ok());
  ASSERT_TRUE(out->cluster->CreateTopic(kWeather, 1).ok());
  ASSERT_TRUE(out->cluster->CreateTopic(kIndex, 12).ok());
  ASSERT_TRUE(out->cluster->CreateTopic(kDeadLetters, 2).ok());

  const auto produce = [&](const std::string& topic, TopicRecordKind kind,
                           const std::vector<std::string>& files) {
    return ProduceFiles(bootstrap, topic, kind, files);
  };
  // Everything (but the later days) is produced before anything consumes.
  const uint64_t registered = produce(kEnterprises, TopicRecordKind::kEnterprises, {registry_file});
  CheckTopic(bootstrap, kEnterprises, registry_partitions, registered, &registry_predicted,
             registry.keyless);
  ASSERT_EQ(registered, registry.lines);
  produce(kWeather, TopicRecordKind::kWeather, {gen.out_dir + "/weather.csv"});
  const uint64_t readings = produce(kReadings, TopicRecordKind::kReadings, readings_files);
  ASSERT_FALSE(::testing::Test::HasFailure());
  if (s.later_days == 0) {
    ASSERT_EQ(readings, keys.lines);
  }
  CheckTopic(bootstrap, kReadings, partitions, readings, s.later_days == 0 ? &predicted : nullptr,
             keys.keyless);
  out->readings = readings;
}

void RunScenario(const Scenario& s) {
  PreparedTopics topics;
  PrepareTopics(s, &topics);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const fs::path& dir = topics.dir;
  const std::string& bootstrap = topics.bootstrap;
  const int partitions = topics.partitions;
  const uint64_t readings = topics.readings;
  const KeyCounts& keys = topics.keys;
  const std::vector<uint64_t>& predicted = topics.predicted;
  const std::vector<std::string>& later_files = topics.later_files;
  const auto produce = [&](const std::string& topic, TopicRecordKind kind,
                           const std::vector<std::string>& files) {
    return ProduceFiles(bootstrap, topic, kind, files);
  };

  // (1) Raw, twice in this process (the rate moves by tens of percent from run to run).
  double raw_rate = 0, raw_seconds = 0;
  for (int run = 0; run < 2; ++run) {
    const double busy_before = MachineBusySeconds(), self_before = SelfCpuSeconds();
    const Clock::time_point start = Clock::now();
    const RawPass raw = RawConsume(bootstrap, partitions, readings);
    const double wall = Since(start);
    const double self = SelfCpuSeconds() - self_before;
    const double others = std::max(0.0, MachineBusySeconds() - busy_before - self);
    ASSERT_EQ(raw.messages, readings);
    const double rate = raw.messages / raw.seconds;
    std::printf(
        "[          ] raw consume: %llu messages (%.1f bytes a value) in %.2f s: %.2f M/s; "
        "%.1f s CPU in this process (consumer and mock), other processes %.1f s CPU "
        "(%.2f cores)\n",
        static_cast<unsigned long long>(raw.messages),
        static_cast<double>(raw.bytes) / raw.messages, raw.seconds, rate / 1e6, self, others,
        others / wall);
    if (rate > raw_rate) {
      raw_rate = rate;
      raw_seconds = raw.seconds;
    }
  }

  // (1b) Raw again, from a child process as the service is. FUGONG_SBENCH_RAW_SHAPES adds runs
  // of other shapes (RawShape): the service's batch and hold, a processing cost per message.
  const auto raw_in_child = [&](const std::string& shape) -> double {
    setenv("FUGONG_SBENCH_RAW_BOOTSTRAP", bootstrap.c_str(), 1);
    setenv("FUGONG_SBENCH_RAW_PARTITIONS", std::to_string(partitions).c_str(), 1);
    setenv("FUGONG_SBENCH_RAW_EXPECTED", std::to_string(readings).c_str(), 1);
    setenv("FUGONG_SBENCH_RAW_SHAPE", shape.c_str(), 1);
    std::error_code ec;
    const ChildRun child =
        RunChild({fs::read_symlink("/proc/self/exe", ec).string(),
                  "--gtest_filter=StreamIngest.RawConsumerChild"},
                 (dir / "raw.out").string(), (dir / "raw.err").string(), std::chrono::minutes(6));
    unsetenv("FUGONG_SBENCH_RAW_BOOTSTRAP");
    unsetenv("FUGONG_SBENCH_RAW_SHAPE");
    double rate = -1;
    std::ifstream in(dir / "raw.out");
    std::string line;
    while (std::getline(in, line)) {
      const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object() && Number(j, "messages") == static_cast<double>(readings)) {
        rate = readings / Number(j, "seconds");
      }
    }
    EXPECT_EQ(child.exit_code, 0) << Tail((dir / "raw.out").string());
    EXPECT_GT(rate, 0) << "the raw consumer in a child process failed";
    std::printf(
        "[          ] raw consume in a child process, shape %s (batch:hold:ns): %.2f M/s "
        "(%.1f s CPU)\n",
        shape.c_str(), rate / 1e6, child.user_seconds + child.system_seconds);
    return rate;
  };
  const double raw_child_rate = raw_in_child("4096:0:0");
  const std::string shapes = Env("FUGONG_SBENCH_RAW_SHAPES");
  for (size_t begin = 0; begin < shapes.size();) {
    const size_t comma = std::min(shapes.find(',', begin), shapes.size());
    raw_in_child(shapes.substr(begin, comma - begin));
    begin = comma + 1;
  }
  const double raw_best = std::max(raw_rate, raw_child_rate);

  // (2) Fugong.
  const ServeRun serve = RunServe(s, bootstrap, dir, "stream-measure-serve", "serve");
  ASSERT_FALSE(::testing::Test::HasFailure());
  const nlohmann::json& summary = serve.summary;
  const double records = Number(summary, "readings_records");
  const double ingest_seconds = Number(summary, "ingest_seconds");
  ASSERT_GT(ingest_seconds, 0) << serve.child.last_line;
  EXPECT_EQ(records, static_cast<double>(readings)) << "the service did not use every reading";
  EXPECT_EQ(Number(summary, "gaps"), 0) << "partition gaps: the mock dropped readings";
  const double fugong_rate = records / ingest_seconds;
  const double ratio = fugong_rate / raw_best;
  const double cpu = serve.child.user_seconds + serve.child.system_seconds;

  // (3) The later days, read by a second run on the same state (another group: the mock holds a
  // rejoin of the first run's group for session.timeout.ms; the offsets come from state anyway).
  ServeRun later;
  uint64_t later_readings = 0;
  if (s.later_days > 0) {
    later_readings = produce(kReadings, TopicRecordKind::kReadings, later_files);
    CheckTopic(bootstrap, kReadings, partitions, readings + later_readings, &predicted,
               keys.keyless);
    ASSERT_EQ(readings + later_readings, keys.lines);
    // A service restarted on a state that has offsets commits them to the group every
    // commit_interval_ms before it has joined; each refusal (UNKNOWN_MEMBER_ID) makes librdkafka
    // 2.0.2 restart the join, which the mock holds 3 s: with the default 1 s interval it is never
    // assigned. A 5 s interval lets the join finish (closes are timed from their commit anyway).
    later = RunServe(s, bootstrap, dir, "stream-measure-serve-later", "later",
                     {"commit_interval_ms=5000"});
    ASSERT_FALSE(::testing::Test::HasFailure());
    EXPECT_EQ(Number(later.summary, "readings_records"), static_cast<double>(keys.lines))
        << "the second run did not use every reading";
    EXPECT_EQ(Number(later.summary, "gaps"), 0);
  }

  // What was published, per day: the index topic as a dashboard reads it.
  KafkaConfig reader;
  reader.Set("bootstrap.servers", bootstrap);
  Result<std::vector<TopicRecord>> snapshot =
      ReadTopicSnapshot(reader, kIndex, std::chrono::seconds(60));
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  const std::vector<TopicRecord>& index = *snapshot;
  std::map<std::string, std::pair<int, int>> per_day;  // date -> {records, unsuppressed}
  std::set<std::string> counties, county_industries;
  for (const TopicRecord& m : index) {
    const std::string date = m.key ? m.key->substr(0, 10) : "?";
    if (m.key && m.key->find("|county|") == 10) counties.insert(m.key->substr(18));
    if (m.key && m.key->find("|county_industry|") == 10) {
      county_industries.insert(m.key->substr(27));
    }
    ++per_day[date].first;
    if (m.value.find("\"suppressed\":false") != std::string::npos) ++per_day[date].second;
  }
  int scored = 0;
  for (const auto& [date, n] : per_day) scored += n.second;
  EXPECT_GT(scored, 0) << "no scored index record was published";

  std::printf(
      "[          ] ---- %s ----\n"
      "[          ] readings             %llu in %d partitions (%d enterprises, %s..%s, %d min, "
      "baseline %s)\n"
      "[          ] raw librdkafka       %.2f M readings/s (in this process, best of 2: %.2f M/s "
      "in %.2f s; in a child process %.2f M/s)\n"
      "[          ] fugong serve         %.2f M readings/s (ingest %.2f s; the whole run %.2f s "
      "wall, %.1f s CPU = %.2f cores, peak RSS %ld MiB)\n"
      "[          ] meanwhile            mock cluster (this process) %.1f s CPU; other processes "
      "on the machine %.1f s CPU (%.2f cores)\n"
      "[          ] ratio fugong / raw   %.2f   (targets: >= 1 M readings/s, >= 0.50)\n"
      "[          ] closes               %.0f; close -> published max %.3f s, mean %s "
      "(target < 1 s)\n",
      s.name.c_str(), static_cast<unsigned long long>(readings), partitions, s.enterprises,
      FormatDate(s.from).c_str(), FormatDate(s.to - s.later_days).c_str(), s.interval_minutes,
      BaselineText(s).c_str(), raw_best / 1e6, raw_rate / 1e6, raw_seconds, raw_child_rate / 1e6,
      fugong_rate / 1e6, ingest_seconds, serve.child.wall_seconds, cpu,
      cpu / serve.child.wall_seconds, serve.child.max_rss_kib / 1024, serve.mock_cpu,
      serve.others_cpu, serve.others_cpu / serve.child.wall_seconds, ratio,
      Number(summary, "closes"), Number(summary, "close_to_published_max_seconds"),
      CloseMeanText(summary).c_str());
  if (s.later_days > 0) {
    std::printf(
        "[          ] later %d day(s)       %llu readings, then a second run on the same state: "
        "closes %.0f, close -> published max %.3f s, mean %s; ingest %.2f s, the whole run "
        "%.2f s (restart included)\n",
        s.later_days, static_cast<unsigned long long>(later_readings),
        Number(later.summary, "closes"), Number(later.summary, "close_to_published_max_seconds"),
        CloseMeanText(later.summary).c_str(), Number(later.summary, "ingest_seconds"),
        later.child.wall_seconds);
  }
  std::printf(
      "[          ] index published      %zu records on %zu days, %d of them scored "
      "(not suppressed); %zu counties, %zu county x industry groups\n",
      index.size(), per_day.size(), scored, counties.size(), county_industries.size());
  for (const auto& [date, n] : per_day) {
    std::printf("[          ]   %s  %5d records, %5d scored\n", date.c_str(), n.first, n.second);
  }
  std::printf("[          ] serve summary: %s\n", serve.child.last_line.c_str());
  if (s.later_days > 0) {
    std::printf("[          ] second run summary: %s\n", later.child.last_line.c_str());
  }
  // One machine-readable line.
  nlohmann::json result = {{"scenario", s.name},
                           {"readings", readings},
                           {"partitions", partitions},
                           {"raw_rate", raw_rate},
                           {"raw_seconds", raw_seconds},
                           {"raw_child_rate", raw_child_rate},
                           {"raw_best_rate", raw_best},
                           {"fugong_rate", fugong_rate},
                           {"ratio", ratio},
                           {"serve_cpu_seconds", cpu},
                           {"serve_max_rss_kib", serve.child.max_rss_kib},
                           {"serve_wall_seconds", serve.child.wall_seconds},
                           {"mock_cpu_seconds_during_serve", serve.mock_cpu},
                           {"others_cpu_seconds_during_serve", serve.others_cpu},
                           {"index_records", index.size()},
                           {"index_scored", scored},
                           {"counties", counties.size()},
                           {"county_industry_groups", county_industries.size()},
                           {"serve", summary}};
  if (s.later_days > 0) {
    result["later_readings"] = later_readings;
    result["later_serve"] = later.summary;
  }
  std::printf("[   RESULT ] %s\n", result.dump().c_str());
  std::fflush(stdout);
  if (!::testing::Test::HasFailure() && Env("FUGONG_SBENCH_KEEP") != "1" &&
      Env("FUGONG_SBENCH_PERF") != "1") {
    fs::remove_all(dir);
  }
}

// Serving while ingesting (issue 4): the service ingests the same topic several times, each
// with a fresh state directory and group and `--http 127.0.0.1:0`, alternately without and with
// a client (api_load_client.h: one live stream and 50 requests/s over one keep-alive
// connection). An unloaded warm-up run comes first and is not counted.
struct ApiLoadRun {
  std::string name;
  bool loaded = false;
  bool warmup = false;
  double rate = 0;  // readings_records / ingest_seconds
  double ingest_seconds = 0;
  double wall_seconds = 0;
  double serve_cpu = 0;
  double mock_cpu = 0;  // this process but the client
  double others_cpu = 0;
  double published_index = 0;
  int closes = 0;  // commits during the run that closed days (not the final close)
  bench::ApiLoadResult client;
};

// Nearest rank; `v` sorted ascending, not empty.
double Percentile(const std::vector<double>& v, double p) {
  const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * v.size()));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

struct LatencySummary {
  size_t n = 0;
  double p50 = 0, p99 = 0, max = 0;
};

LatencySummary Summarize(std::vector<double> v) {
  LatencySummary out;
  out.n = v.size();
  if (v.empty()) return out;
  std::sort(v.begin(), v.end());
  out.p50 = Percentile(v, 50);
  out.p99 = Percentile(v, 99);
  out.max = v.back();
  return out;
}

std::string LatencyText(const LatencySummary& l) {
  if (l.n == 0) return "no samples";
  char text[128];
  std::snprintf(text, sizeof text, "n %4zu  p50 %6.2f  p99 %6.2f  max %6.2f ms", l.n, l.p50, l.p99,
                l.max);
  return text;
}

enum class Phase { kAll, kIngesting, kAfterIngest };

// Latencies (ms) of the 200 answers of `route` in `runs`. kIngesting: those sent before the
// client's /metrics showed every reading consumed; kAfterIngest: the others.
std::vector<double> Latencies(const std::vector<const ApiLoadRun*>& runs, bench::ApiRoute route,
                              Phase phase = Phase::kAll) {
  std::vector<double> out;
  for (const ApiLoadRun* run : runs) {
    for (const bench::ApiSample& sample : run->client.samples) {
      if (sample.route != route || sample.status != 200) continue;
      if (phase == Phase::kIngesting && !sample.during_ingest) continue;
      if (phase == Phase::kAfterIngest && sample.during_ingest) continue;
      out.push_back(sample.latency_ms);
    }
  }
  return out;
}

// The upper bounds (seconds) of fugong_http_request_duration_seconds{route="/v1/index"} and
// the cumulative counts of each, from a /metrics text; added into `counts`.
void AddIndexHistogram(const std::string& metrics, std::map<double, double>* counts) {
  const std::string name = "fugong_http_request_duration_seconds_bucket{";
  std::istringstream in(metrics);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name, 0) != 0 || line.find("route=\"/v1/index\"") == std::string::npos) {
      continue;
    }
    const size_t le = line.find("le=\"");
    const size_t space = line.rfind(' ');
    if (le == std::string::npos || space == std::string::npos) continue;
    const std::string bound = line.substr(le + 4, line.find('"', le + 4) - le - 4);
    const double upper = bound == "+Inf" ? INFINITY : std::strtod(bound.c_str(), nullptr);
    (*counts)[upper] += std::strtod(line.c_str() + space + 1, nullptr);
  }
}

void RunApiLoad(const Scenario& s) {
  PreparedTopics topics;
  PrepareTopics(s, &topics);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const fs::path& dir = topics.dir;
  const int pairs = std::stoi(Env("FUGONG_SBENCH_API_PAIRS", "6"));
  const double rate = std::stod(Env("FUGONG_SBENCH_API_RATE", "50"));
  // "ul" (default): unloaded first in each pair; "lu": loaded first.
  const bool loaded_first = Env("FUGONG_SBENCH_API_ORDER", "ul") == "lu";
  std::vector<ApiLoadRun> runs;
  for (int i = -1; i < 2 * pairs; ++i) {
    ApiLoadRun run;
    run.warmup = i < 0;
    run.loaded = i >= 0 && (i % 2 == 1) != loaded_first;
    run.name = run.warmup ? "api-warmup"
                          : "api-" + std::to_string(i + 1) + (run.loaded ? "-loaded" : "-unloaded");
    fs::remove_all(dir / "state");
    std::optional<bench::ApiLoadClient> client;
    if (run.loaded) {
      bench::ApiLoadOptions options;
      options.log_path = (dir / (run.name + ".err")).string();
      options.requests_per_second = rate;
      options.first_date = FormatDate(s.from);
      options.expected_readings = topics.readings;
      client.emplace(options);
      client->Start();
    }
    const ServeRun serve = RunServe(s, topics.bootstrap, dir, "stream-measure-" + run.name,
                                    run.name, {}, {"--http", "127.0.0.1:0"});
    if (client) run.client = client->Finish();
    const nlohmann::json& summary = serve.summary;
    run.ingest_seconds = Number(summary, "ingest_seconds");
    run.rate =
        run.ingest_seconds > 0 ? Number(summary, "readings_records") / run.ingest_seconds : 0;
    run.wall_seconds = serve.child.wall_seconds;
    run.serve_cpu = serve.child.user_seconds + serve.child.system_seconds;
    run.mock_cpu = std::max(0.0, serve.mock_cpu - run.client.client_cpu_seconds);
    run.others_cpu = serve.others_cpu;
    run.published_index = Number(summary, "published_index");
    run.closes = static_cast<int>(Number(summary, "closes"));
    EXPECT_GT(run.ingest_seconds, 0) << run.name << ": " << serve.child.last_line;
    EXPECT_EQ(Number(summary, "readings_records"), static_cast<double>(topics.readings))
        << run.name << ": the service did not use every reading";
    EXPECT_EQ(Number(summary, "gaps"), 0) << run.name;
    EXPECT_GT(run.published_index, 0) << run.name;
    if (run.loaded) {
      const bench::ApiLoadResult& c = run.client;
      EXPECT_FALSE(c.address.empty()) << run.name << ": no `http: listening on` line";
      EXPECT_EQ(c.sse_status, 200) << run.name;
      EXPECT_GT(c.samples.size(), 0u) << run.name;
      EXPECT_EQ(static_cast<double>(c.sse_events), run.published_index)
          << run.name << ": the live stream did not carry every published record";
    }
    std::printf(
        "[          ] %-18s %s: %.2f M readings/s (ingest %.3f s), %.1f s wall, serve %.2f s CPU, "
        "published %.0f",
        run.name.c_str(), run.loaded ? "loaded  " : "unloaded", run.rate / 1e6, run.ingest_seconds,
        run.wall_seconds, run.serve_cpu, run.published_index);
    if (run.loaded) {
      std::printf("; %zu requests, %llu SSE events, client %.2f s CPU", run.client.samples.size(),
                  static_cast<unsigned long long>(run.client.sse_events),
                  run.client.client_cpu_seconds);
    }
    std::printf("\n");
    std::fflush(stdout);
    runs.push_back(std::move(run));
    if (::testing::Test::HasFatalFailure()) return;
  }

  std::vector<const ApiLoadRun*> loaded, unloaded;
  std::vector<double> loaded_rates, unloaded_rates, loaded_cpu, unloaded_cpu;
  for (const ApiLoadRun& run : runs) {
    if (run.warmup) continue;
    (run.loaded ? loaded : unloaded).push_back(&run);
    (run.loaded ? loaded_rates : unloaded_rates).push_back(run.rate);
    (run.loaded ? loaded_cpu : unloaded_cpu).push_back(run.serve_cpu);
  }
  const double median_unloaded = Median(unloaded_rates), median_loaded = Median(loaded_rates);
  const double ratio = median_unloaded > 0 ? median_loaded / median_unloaded : 0;
  const LatencySummary index = Summarize(Latencies(loaded, bench::ApiRoute::kIndexCounty));
  const LatencySummary index_ingesting =
      Summarize(Latencies(loaded, bench::ApiRoute::kIndexCounty, Phase::kIngesting));
  const LatencySummary index_after =
      Summarize(Latencies(loaded, bench::ApiRoute::kIndexCounty, Phase::kAfterIngest));

  std::printf(
      "[          ] ---- %s: serving while ingesting ----\n"
      "[          ] readings %llu in %d partitions (%d enterprises, %s..%s, %d min); every run "
      "`fugong serve --exit-when-idle 3 --http 127.0.0.1:0`, fresh state and group\n"
      "[          ] load: one /v1/stream connection + %.0f requests/s over one keep-alive "
      "connection, cycling %s, %s, %s, %s, %s\n"
      "[          ] run                 load      ingest s  M readings/s  closes  wall s  serve "
      "CPU "
      "s  mock CPU s  others CPU s  published  requests  late  SSE events  index county 200s "
      "p50/p99/max ms\n",
      s.name.c_str(), static_cast<unsigned long long>(topics.readings), topics.partitions,
      s.enterprises, FormatDate(s.from).c_str(), FormatDate(s.to).c_str(), s.interval_minutes, rate,
      bench::ApiRouteName(bench::ApiRoute::kIndexCounty),
      bench::ApiRouteName(bench::ApiRoute::kDates), bench::ApiRouteName(bench::ApiRoute::kMetrics),
      bench::ApiRouteName(bench::ApiRoute::kSeries), bench::ApiRouteName(bench::ApiRoute::kMap));
  nlohmann::json json_runs = nlohmann::json::array();
  char load_text[32];
  std::snprintf(load_text, sizeof load_text, "%g/s+SSE", rate);
  for (const ApiLoadRun& run : runs) {
    std::printf("[          ] %-19s %-8s  %8.3f  %12.3f  %6d  %6.2f  %11.2f  %10.2f  %12.2f  %9.0f",
                run.name.c_str(),
                run.warmup   ? "warm-up"
                : run.loaded ? load_text
                             : "none",
                run.ingest_seconds, run.rate / 1e6, run.closes, run.wall_seconds, run.serve_cpu,
                run.mock_cpu, run.others_cpu, run.published_index);
    nlohmann::json j = {{"run", run.name},
                        {"loaded", run.loaded},
                        {"warmup", run.warmup},
                        {"ingest_seconds", run.ingest_seconds},
                        {"rate", run.rate},
                        {"wall_seconds", run.wall_seconds},
                        {"serve_cpu_seconds", run.serve_cpu},
                        {"mock_cpu_seconds", run.mock_cpu},
                        {"others_cpu_seconds", run.others_cpu},
                        {"published_index", run.published_index},
                        {"closes", run.closes}};
    if (run.loaded) {
      const LatencySummary l = Summarize(Latencies({&run}, bench::ApiRoute::kIndexCounty));
      std::printf("  %8zu  %4llu  %10llu  %6.2f / %6.2f / %6.2f (n %zu)\n",
                  run.client.samples.size(), static_cast<unsigned long long>(run.client.late),
                  static_cast<unsigned long long>(run.client.sse_events), l.p50, l.p99, l.max, l.n);
      j["requests"] = run.client.samples.size();
      j["late"] = run.client.late;
      j["connections"] = run.client.connections;
      j["sse_events"] = run.client.sse_events;
      j["client_cpu_seconds"] = run.client.client_cpu_seconds;
      j["index_county_200"] = {{"n", l.n}, {"p50_ms", l.p50}, {"p99_ms", l.p99}, {"max_ms", l.max}};
    } else {
      std::printf("\n");
    }
    json_runs.push_back(j);
  }
  std::printf(
      "[          ] ingest, median of %zu: unloaded %.3f M readings/s, loaded %.3f M readings/s; "
      "ratio loaded / unloaded %.3f (target >= 0.95: %s)\n"
      "[          ] serve CPU, median: unloaded %.2f s, loaded %.2f s\n",
      unloaded_rates.size(), median_unloaded / 1e6, median_loaded / 1e6, ratio,
      ratio >= 0.95 ? "met" : "NOT met", Median(unloaded_cpu), Median(loaded_cpu));
  // The rate has two modes, by whether ingest ends before or after one more 1-second commit
  // (each commit stops consumption and may close days): compare runs of the same mode too.
  std::map<int, std::pair<std::vector<double>, std::vector<double>>> by_closes;
  for (const ApiLoadRun& run : runs) {
    if (run.warmup) continue;
    (run.loaded ? by_closes[run.closes].second : by_closes[run.closes].first).push_back(run.rate);
  }
  nlohmann::json json_modes = nlohmann::json::array();
  for (const auto& [closes, rates] : by_closes) {
    const double u = Median(rates.first), l = Median(rates.second);
    std::printf(
        "[          ]   runs with %d closes during ingest: unloaded %zu, median %.3f M/s; loaded "
        "%zu, median %.3f M/s; ratio %s\n",
        closes, rates.first.size(), u / 1e6, rates.second.size(), l / 1e6,
        u > 0 && l > 0 ? std::to_string(l / u).substr(0, 5).c_str() : "n/a");
    json_modes.push_back({{"closes", closes},
                          {"unloaded_runs", rates.first.size()},
                          {"unloaded_median_rate", u},
                          {"loaded_runs", rates.second.size()},
                          {"loaded_median_rate", l}});
  }
  std::printf(
      "[          ] /v1/index?date=D&level=county, 200 answers, all loaded runs: %s (target p99 < "
      "5 "
      "ms: %s)\n"
      "[          ]   sent while the service ingested: %s\n"
      "[          ]   sent after:                      %s\n",
      LatencyText(index).c_str(), index.n > 0 && index.p99 < 5 ? "met" : "NOT met",
      LatencyText(index_ingesting).c_str(), LatencyText(index_after).c_str());
  // Where the time of the /v1/index answers goes: in the handler (the service's own histogram,
  // from the last /metrics of each loaded run) or around it (client side, the same answers).
  std::map<double, double> server;
  std::vector<double> client_index;
  for (const ApiLoadRun* run : loaded) {
    AddIndexHistogram(run->client.last_metrics, &server);
    for (const bench::ApiSample& sample : run->client.samples) {
      if (sample.route == bench::ApiRoute::kIndexCounty && sample.status != 0) {
        client_index.push_back(sample.latency_ms);
      }
    }
  }
  if (!server.empty()) {
    std::string server_text, client_text;
    const double server_total = server.rbegin()->second;
    for (const auto& [upper, count] : server) {
      if (std::isinf(upper) || upper > 0.0101) continue;
      const double n = static_cast<double>(std::count_if(
          client_index.begin(), client_index.end(), [&](double ms) { return ms <= upper * 1e3; }));
      char text[96];
      std::snprintf(text, sizeof text, "  > %g ms: %.0f (%.1f %%)", upper * 1e3,
                    server_total - count, 100 * (server_total - count) / server_total);
      server_text += text;
      std::snprintf(text, sizeof text, "  > %g ms: %.0f (%.1f %%)", upper * 1e3,
                    client_index.size() - n, 100 * (client_index.size() - n) / client_index.size());
      client_text += text;
    }
    std::printf(
        "[          ] /v1/index answers (200 and 404) slower than ...\n"
        "[          ]   in the handler (server histogram, %.0f answers):  %s\n"
        "[          ]   at the client (send -> response read, %zu):      %s\n",
        server_total, server_text.c_str(), client_index.size(), client_text.c_str());
  }
  // Status codes and latencies per route, all loaded runs.
  nlohmann::json json_routes = nlohmann::json::object();
  for (int r = 0; r < bench::kApiRoutes; ++r) {
    const auto route = static_cast<bench::ApiRoute>(r);
    std::map<int, uint64_t> codes;
    for (const ApiLoadRun* run : loaded) {
      for (const bench::ApiSample& sample : run->client.samples) {
        if (sample.route == route) ++codes[sample.status];
      }
    }
    std::string codes_text;
    nlohmann::json json_codes = nlohmann::json::object();
    for (const auto& [code, n] : codes) {
      codes_text += (codes_text.empty() ? "" : ", ") +
                    std::string(code == 0 ? "no answer" : std::to_string(code)) + " x" +
                    std::to_string(n);
      json_codes[std::to_string(code)] = n;
    }
    const LatencySummary l = Summarize(Latencies(loaded, route));
    std::printf("[          ]   %-45s %-28s 200s: %s\n", bench::ApiRouteName(route),
                codes_text.c_str(), LatencyText(l).c_str());
    json_routes[bench::ApiRouteName(route)] = {
        {"codes", json_codes}, {"n", l.n}, {"p50_ms", l.p50}, {"p99_ms", l.p99}, {"max_ms", l.max}};
  }
  const nlohmann::json result = {
      {"scenario", s.name},
      {"readings", topics.readings},
      {"requests_per_second", rate},
      {"median_unloaded_rate", median_unloaded},
      {"median_loaded_rate", median_loaded},
      {"ratio", ratio},
      {"index_county_200",
       {{"n", index.n}, {"p50_ms", index.p50}, {"p99_ms", index.p99}, {"max_ms", index.max}}},
      {"index_county_200_while_ingesting",
       {{"n", index_ingesting.n},
        {"p50_ms", index_ingesting.p50},
        {"p99_ms", index_ingesting.p99},
        {"max_ms", index_ingesting.max}}},
      {"index_county_200_after_ingest",
       {{"n", index_after.n},
        {"p50_ms", index_after.p50},
        {"p99_ms", index_after.p99},
        {"max_ms", index_after.max}}},
      {"rate_modes", json_modes},
      {"routes", json_routes},
      {"runs", json_runs}};
  std::printf("[   RESULT ] %s\n", result.dump().c_str());
  std::fflush(stdout);
  if (!::testing::Test::HasFailure() && Env("FUGONG_SBENCH_KEEP") != "1" &&
      Env("FUGONG_SBENCH_PERF") != "1") {
    fs::remove_all(dir);
  }
}

// What changelogs cost (issue 12, docs/scale-out.md): the ingest rate of one instance with
// `changelogs: true` against the same instance without (both through the partials topic, fresh
// state and group each run, alternately, FUGONG_SBENCH_CL_PAIRS pairs, default 3; medians); the
// bytes the changelogs hold per reading; and the restore rate of a fresh instance that restores
// every task of the last changelog run from its changelogs alone (its "restored task" lines).
void RunChangelogCost(const Scenario& s) {
  PreparedTopics topics;
  PrepareTopics(s, &topics);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const fs::path& dir = topics.dir;
  ASSERT_TRUE(topics.cluster->CreateTopic("fugong.partials", 4).ok());
  const int pairs = std::stoi(Env("FUGONG_SBENCH_CL_PAIRS", "3"));
  std::vector<double> off_rates, on_rates, off_cpu, on_cpu;
  std::string last_group;
  for (int i = 0; i < 2 * pairs; ++i) {
    const bool on = i % 2 == 1;
    const std::string name =
        std::string(on ? "changelogs-on-" : "changelogs-off-") + std::to_string(i / 2 + 1);
    const std::string group = "cl-" + name;
    std::vector<std::string> sets = {"topic_partials=fugong.partials"};
    if (on) {
      for (const char* store : {"meter_day", "task", "progress"}) {
        ASSERT_TRUE(
            topics.cluster
                ->CreateTopic("fugong." + group + "." + store + "-changelog", topics.partitions)
                .ok());
      }
      sets.push_back("changelogs=true");
      last_group = group;
    }
    fs::remove_all(dir / "state");
    const ServeRun run = RunServe(s, topics.bootstrap, dir, group, name, sets);
    const double ingest = Number(run.summary, "ingest_seconds");
    ASSERT_GT(ingest, 0) << name << ": " << run.child.last_line;
    EXPECT_EQ(Number(run.summary, "readings_records"), static_cast<double>(topics.readings))
        << name << ": the service did not use every reading";
    const double rate = Number(run.summary, "readings_records") / ingest;
    const double cpu = run.child.user_seconds + run.child.system_seconds;
    (on ? on_rates : off_rates).push_back(rate);
    (on ? on_cpu : off_cpu).push_back(cpu);
    std::printf("[          ] %-18s %.3f M readings/s (ingest %.3f s), serve %.2f s CPU\n",
                name.c_str(), rate / 1e6, ingest, cpu);
    std::fflush(stdout);
  }
  const double off = Median(off_rates), on = Median(on_rates);
  std::printf(
      "[          ] ingest with changelogs / without (medians of %d): %.3f / %.3f M readings/s = "
      "%.2f; serve CPU %.2f / %.2f s\n",
      pairs, on / 1e6, off / 1e6, off > 0 ? on / off : 0, Median(on_cpu), Median(off_cpu));

  // What the changelogs hold (the mock does not compact: every record sent is there).
  KafkaConfig reader;
  reader.Set("bootstrap.servers", topics.bootstrap);
  uint64_t changelog_records = 0, changelog_bytes = 0;
  for (const char* store : {"meter_day", "task", "progress"}) {
    const std::string topic = "fugong." + last_group + "." + store + "-changelog";
    Result<std::vector<TopicRecord>> records =
        ReadTopicSnapshot(reader, topic, std::chrono::seconds(120));
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    uint64_t bytes = 0;
    for (const TopicRecord& r : *records) bytes += r.value.size() + r.key.value_or("").size();
    std::printf("[          ] %-44s %8zu records, %6.1f MB (%.1f bytes per reading)\n",
                topic.c_str(), records->size(), bytes / 1e6,
                static_cast<double>(bytes) / topics.readings);
    changelog_records += records->size();
    changelog_bytes += bytes;
  }
  std::printf("[          ] changelogs: %llu records, %.1f bytes per reading\n",
              static_cast<unsigned long long>(changelog_records),
              static_cast<double>(changelog_bytes) / topics.readings);

  // A fresh instance in the last changelog run's group: every task restored from the beginning.
  fs::remove_all(dir / "state");
  const ServeRun restore = RunServe(s, topics.bootstrap, dir, last_group, "restore",
                                    {"topic_partials=fugong.partials", "changelogs=true"});
  std::ifstream log(dir / "restore.err");
  std::string line;
  const std::regex restored(
      R"(restored task 0_[0-9]+ from its changelogs \(from the beginning\): ([0-9]+) records, ([0-9]+) meter-days)");
  const std::regex restored_all(
      R"(restored ([0-9]+) tasks: ([0-9]+) changelog records in ([0-9.]+) s)");
  double records = 0, meter_days = 0, seconds = 0;
  int tasks = 0;
  while (std::getline(log, line)) {
    std::smatch m;
    if (std::regex_search(line, m, restored)) {
      ++tasks;
      records += std::stod(m[1]);
      meter_days += std::stod(m[2]);
    } else if (std::regex_search(line, m, restored_all)) {
      seconds += std::stod(m[3]);
    }
  }
  EXPECT_EQ(tasks, topics.partitions) << "every task restored from the beginning";
  ASSERT_GT(seconds, 0);
  // The reference of this machine in this run: the ingest rate without changelogs.
  std::printf(
      "[          ] restore: %d tasks, %.0f records (%.0f meter-days) in %.2f s: %.0f records/s, "
      "%.0f meter-days/s (%.2f of the readings ingest rate without changelogs, in rows); a task "
      "of 100,000 meter-days would take %.1f s\n",
      tasks, records, meter_days, seconds, records / seconds, meter_days / seconds,
      off > 0 ? (records / seconds) / off : 0, 100000 / (meter_days / seconds));
  std::printf("[          ] serve restore run: %.2f s CPU, %.1f s wall\n",
              restore.child.user_seconds + restore.child.system_seconds,
              restore.child.wall_seconds);
}

// Changelogs on against off (RunChangelogCost) on the data of Province2000Enterprises15Min.
TEST(StreamIngest, Changelogs2000Enterprises15Min) {
  RunChangelogCost({"changelogs-2000-15min", 2000, DayFromCivil(2020, 1, 6),
                    DayFromCivil(2020, 1, 17), 15,
                    std::make_pair(DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 8))});
}

// 2,000 enterprises x 12 days of 15-minute readings (3.1 M readings; all 90 counties): the ingest
// rate against the raw rate. Baseline window: the first 3 days (Mon-Wed), so that the other days
// close and publish scored records during the run.
TEST(StreamIngest, Province2000Enterprises15Min) {
  RunScenario({"province-2000-15min", 2000, DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 17), 15,
               std::make_pair(DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 8))});
}

// Serving must not slow ingest (issue 4): the data of Province2000Enterprises15Min, ingested
// without and with a client of the HTTP API and the live stream (RunApiLoad).
TEST(StreamIngest, ApiLoad2000Enterprises15Min) {
  RunApiLoad({"api-load-2000-15min", 2000, DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 17), 15,
              std::make_pair(DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 8))});
}

// 20,000 enterprises x 7 days of hourly readings (4.5 M readings, ~650,000 a day).
TEST(StreamIngest, CloseLatency20000Enterprises60Min) {
  RunScenario({"province-20000-60min", 20000, DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 12),
               60, std::make_pair(DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 8))});
}

// 100,000 enterprises (the province of issue 2) x 4 days of hourly readings (13 M readings, 576
// partitions; the mock holds ~1.7 GB): closes at full size, ~3.2 M readings a day.
TEST(StreamIngest, CloseLatency100000Enterprises60Min) {
  RunScenario({"province-100000-60min", 100000, DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 9),
               60, std::make_pair(DayFromCivil(2020, 1, 6), DayFromCivil(2020, 1, 7))});
}

// The daily close at the end of a season: 20,000 enterprises from 2019-11-29 (the first day of
// the default baseline window of 2020) to 2020-02-11, one reading a meter-day (1440-minute
// intervals: 2.2 M readings), the default window. A first run reads everything up to 2020-02-09;
// a second run on its state reads 2020-02-10 and 2020-02-11, and 2020-02-10 closes alone: every
// enterprise rescored over 74 days, ~1,400 records published.
TEST(StreamIngest, DailyClose20000EnterprisesSeason) {
  RunScenario({"season-20000-daily", 20000, DayFromCivil(2019, 11, 29), DayFromCivil(2020, 2, 11),
               1440, std::nullopt, 2, 0.0});
}

// Not a scenario: the raw consumer of RunScenario re-run in a child process (this binary with
// this filter), to see what crossing a process boundary costs a consumer; prints one JSON line.
TEST(StreamIngest, RawConsumerChild) {
  const std::string bootstrap = Env("FUGONG_SBENCH_RAW_BOOTSTRAP");
  if (bootstrap.empty()) GTEST_SKIP() << "run by the scenarios";
  const uint64_t expected = std::stoull(Env("FUGONG_SBENCH_RAW_EXPECTED"));
  const RawPass pass = RawConsume(bootstrap, std::stoi(Env("FUGONG_SBENCH_RAW_PARTITIONS")),
                                  expected, ParseShape(Env("FUGONG_SBENCH_RAW_SHAPE", "4096:0:0")));
  EXPECT_EQ(pass.messages, expected);
  std::printf(
      "%s\n",
      nlohmann::json({{"messages", pass.messages}, {"seconds", pass.seconds}}).dump().c_str());
}

TEST(StreamIngest, FromEnvironment) {
  const std::string enterprises = Env("FUGONG_SBENCH_ENTERPRISES");
  if (enterprises.empty()) GTEST_SKIP() << "set FUGONG_SBENCH_ENTERPRISES to run it";
  const Day from = DateOrDie(Env("FUGONG_SBENCH_FROM", "2020-01-06"));
  Scenario s;
  s.name = "custom";
  s.enterprises = std::stoi(enterprises);
  s.from = from;
  s.to = DateOrDie(Env("FUGONG_SBENCH_TO", "2020-01-12"));
  s.interval_minutes = std::stoi(Env("FUGONG_SBENCH_INTERVAL", "15"));
  if (Env("FUGONG_SBENCH_BASELINE") != "default") {
    s.baseline = std::make_pair(DateOrDie(Env("FUGONG_SBENCH_BASELINE_FROM", FormatDate(from))),
                                DateOrDie(Env("FUGONG_SBENCH_BASELINE_TO", FormatDate(from + 2))));
  }
  s.later_days = std::stoi(Env("FUGONG_SBENCH_LATER_DAYS", "0"));
  if (s.later_days > 0) s.register_fraction = 0;
  RunScenario(s);
}

}  // namespace
}  // namespace fugong
