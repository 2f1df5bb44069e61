#include "app/backfill_runner.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "app/run_kafka_config.h"
#include "connectors/file/csv_file_source.h"
#include "connectors/file/jsonl_file_sink.h"
#include "connectors/kafka/kafka_index_sink.h"
#include "engine/common/clock.h"
#include "engine/common/json_writer.h"
#include "engine/job/tee_index_sink.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {

namespace {

// A temporary state directory that removes itself.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "fugong-state-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Counts(const IngestCounters& c) {
  std::string s = std::to_string(c.records) + " records, " + std::to_string(c.used) + " used, " +
                  std::to_string(c.dead_total()) + " dead-lettered";
  std::string reasons;
  for (size_t i = 0; i < kDeadLetterReasonCount; ++i) {
    if (c.dead[i] == 0) continue;
    if (!reasons.empty()) reasons += ", ";
    reasons +=
        std::string(ReasonCode(static_cast<DeadLetterReason>(i))) + " " + std::to_string(c.dead[i]);
  }
  if (!reasons.empty()) s += " (" + reasons + ")";
  if (c.duplicates > 0) s += ", " + std::to_string(c.duplicates) + " duplicates";
  if (c.blank > 0) s += ", " + std::to_string(c.blank) + " blank lines";
  return s;
}

void WriteCounts(const IngestCounters& c, JsonWriter* w) {
  w->BeginObject();
  w->Key("records").Int(static_cast<int64_t>(c.records));
  w->Key("used").Int(static_cast<int64_t>(c.used));
  w->Key("blank").Int(static_cast<int64_t>(c.blank));
  w->Key("duplicates").Int(static_cast<int64_t>(c.duplicates));
  w->Key("dead_lettered").Int(static_cast<int64_t>(c.dead_total()));
  w->Key("dead_letter_reasons").BeginObject();
  for (size_t i = 0; i < kDeadLetterReasonCount; ++i) {
    if (c.dead[i] == 0) continue;
    w->Key(ReasonCode(static_cast<DeadLetterReason>(i))).Int(static_cast<int64_t>(c.dead[i]));
  }
  w->EndObject().EndObject();
}

}  // namespace

Result<BackfillSummary> RunBackfillFromFiles(const RunConfig& config, const BackfillFiles& files,
                                             ProgressListener* progress,
                                             PublishSummary* published) {
  // A --publish without a cluster is a usage error, found before any work is done.
  KafkaConfig kafka;
  if (files.publish) {
    kafka = KafkaConfigOf(config);
    if (!kafka.Get("bootstrap.servers")) {
      return Status::InvalidArgument(
          "--publish needs a Kafka cluster: set kafka.bootstrap.servers in the config (or --set "
          "kafka.bootstrap.servers=HOST:PORT, or FUGONG_KAFKA_BOOTSTRAP_SERVERS)");
    }
    if (config.index_topic.empty()) {
      return Status::InvalidArgument("--publish needs topic_index in the config");
    }
  }
  TempDir temp;
  std::string state_dir = files.state_dir;
  if (state_dir.empty()) {
    if (temp.path().empty()) return Status::IOError("cannot create a temporary state directory");
    state_dir = temp.path();
  }
  Result<std::unique_ptr<StateStore>> state = StateStore::Open(state_dir, files.state_options);
  if (!state.ok()) return state.status();
  // Connected before the inputs are read, so an unreachable cluster or a missing topic fails
  // the run at once rather than after the whole backfill.
  std::unique_ptr<KafkaIndexSink> kafka_index;
  if (files.publish) {
    KafkaIndexSink::Options options;
    options.resend_all = files.republish;
    options.on_error = [](std::string_view text) {
      std::fprintf(stderr, "fugong backfill: kafka: %.*s\n", static_cast<int>(text.size()),
                   text.data());
    };
    Result<std::unique_ptr<KafkaIndexSink>> sink =
        KafkaIndexSink::Create(kafka, config.index_topic, state->get(), std::move(options));
    if (!sink.ok()) return sink.status();
    kafka_index = std::move(sink).value();
  }

  Result<std::unique_ptr<CsvFileSource>> enterprises = CsvFileSource::Open(files.enterprises);
  if (!enterprises.ok()) return enterprises.status();
  std::unique_ptr<CsvFileSource> weather;
  if (!files.weather.empty()) {
    Result<std::unique_ptr<CsvFileSource>> w = CsvFileSource::Open(files.weather);
    if (!w.ok()) return w.status();
    weather = std::move(w).value();
  }
  std::unique_ptr<CsvFileSource> risk;
  if (!files.risk.empty()) {
    Result<std::unique_ptr<CsvFileSource>> r = CsvFileSource::Open(files.risk);
    if (!r.ok()) return r.status();
    risk = std::move(r).value();
  }
  std::vector<std::unique_ptr<CsvFileSource>> readings;
  BackfillRequest request;
  for (const std::string& path : files.readings) {
    Result<std::unique_ptr<CsvFileSource>> r = CsvFileSource::Open(path);
    if (!r.ok()) return r.status();
    readings.push_back(std::move(r).value());
    request.readings.push_back(readings.back().get());
  }
  request.enterprises = enterprises->get();
  request.weather = weather.get();
  request.risk = risk.get();
  request.from = files.from;
  request.to = files.to;
  request.commit_records = files.commit_records;
  if (files.crash_after_commits > 0) {
    const uint64_t crash_at = files.crash_after_commits;
    request.after_commit = [crash_at](uint64_t commits) {
      if (commits >= crash_at) _exit(137);  // as abrupt as kill -9: no destructors, no flush
    };
  }

  Result<std::unique_ptr<JsonlFileSink>> index = JsonlFileSink::Create(files.out);
  if (!index.ok()) return index.status();
  Result<std::unique_ptr<JsonlFileSink>> dead = JsonlFileSink::Create(files.deadletter);
  if (!dead.ok()) return dead.status();

  // The file first: it is complete even when the topic did not take everything.
  std::unique_ptr<TeeIndexSink> tee;
  IndexSink* index_sink = index->get();
  if (kafka_index) {
    tee = std::make_unique<TeeIndexSink>(index->get(), kafka_index.get());
    index_sink = tee.get();
  }

  SystemClock clock;
  BackfillJob job(config.engine, *config.regions, *config.industries, *config.calendar, clock,
                  state->get());
  Result<BackfillSummary> summary = job.Run(request, index_sink, dead->get(), progress);
  if (!summary.ok() && (*state)->write_failed()) {
    // What was committed before the failure is safe (one batch per commit, and RocksDB's WAL):
    // the operator frees space and runs again, and the run resumes from there.
    return Status::IOError(summary.status().message() +
                           (files.state_dir.empty()
                                ? "; free space and run again"
                                : "; free space and run again with the same --state to resume"));
  }
  if (summary.ok() && kafka_index && published != nullptr) {
    const KafkaIndexSink::Counts counts = kafka_index->counts();
    published->topic = kafka_index->topic();
    published->sent = counts.delivered;
    published->held = counts.held;
  }
  return summary;
}

std::string SummaryText(const BackfillSummary& s, const BackfillFiles& files, double seconds) {
  const ComputationSummary& c = s.computation;
  std::string out;
  char buf[256];
  std::snprintf(buf, sizeof buf, "fugong backfill: done in %.1f s\n", seconds);
  out += buf;
  out += "  readings     " + Counts(s.readings) + "\n";
  out += "  enterprises  " + Counts(s.enterprises) + "\n";
  if (!files.weather.empty()) out += "  weather      " + Counts(s.weather) + "\n";
  if (!files.risk.empty()) out += "  risk chart   " + Counts(s.risk) + "\n";
  out += "  meter-days   " + std::to_string(c.meter_days) + " (" +
         std::to_string(c.meter_days_estimated) + " estimated, " +
         std::to_string(c.meter_days_missing) + " missing), " +
         std::to_string(c.register_rollovers) + " register rollovers, " +
         std::to_string(c.duplicates) + " duplicates, " + std::to_string(c.corrections) +
         " corrections\n";
  out += "  baselines    " + std::to_string(c.baselines_calendar) + " calendar, " +
         std::to_string(c.baselines_mean) + " mean, " + std::to_string(c.baselines_invalid) +
         " invalid (" + std::to_string(c.enterprises_with_readings) + " of " +
         std::to_string(c.enterprises) + " enterprises have readings)\n";
  if (c.from) {
    out += "  index        " + FormatDate(*c.from) + ".." + FormatDate(*c.to) + ": " +
           std::to_string(*c.to - *c.from + 1) + " days x " + std::to_string(c.groups) +
           " groups: " + std::to_string(c.records) + " records (" + std::to_string(c.records_new) +
           " new, " + std::to_string(c.records_revised) + " revised) -> " + files.out + "\n";
  } else {
    out += "  index        no days with readings: nothing published -> " + files.out + "\n";
  }
  out +=
      "  dead letters " + std::to_string(s.dead_letters_written) + " -> " + files.deadletter + "\n";
  if (seconds > 0) {
    std::snprintf(buf, sizeof buf, "  rate         %.0f readings/s this run\n",
                  s.readings_this_run / seconds);
    out += buf;
  }
  return out;
}

std::string SummaryJson(const BackfillSummary& s, double seconds, const PublishSummary* published) {
  const ComputationSummary& c = s.computation;
  const auto count = [](auto n) { return static_cast<int64_t>(n); };
  JsonWriter w(2);
  w.BeginObject().Key("seconds").Fixed(seconds, 3);
  w.Key("readings");
  WriteCounts(s.readings, &w);
  w.Key("readings_this_run").Int(count(s.readings_this_run));
  w.Key("enterprises");
  WriteCounts(s.enterprises, &w);
  w.Key("weather");
  WriteCounts(s.weather, &w);
  w.Key("risk");
  WriteCounts(s.risk, &w);
  w.Key("meter_days").BeginObject();
  w.Key("total").Int(count(c.meter_days)).Key("estimated").Int(count(c.meter_days_estimated));
  w.Key("missing").Int(count(c.meter_days_missing));
  w.Key("register_rollovers").Int(count(c.register_rollovers));
  w.Key("duplicates").Int(count(c.duplicates)).Key("corrections").Int(count(c.corrections));
  w.EndObject();
  w.Key("baselines").BeginObject();
  w.Key("calendar").Int(count(c.baselines_calendar)).Key("mean").Int(count(c.baselines_mean));
  w.Key("invalid").Int(count(c.baselines_invalid)).EndObject();
  w.Key("index").BeginObject();
  w.Key("from").String(c.from ? FormatDate(*c.from) : "");
  w.Key("to").String(c.to ? FormatDate(*c.to) : "");
  w.Key("records").Int(count(c.records)).Key("groups").Int(count(c.groups));
  w.Key("new").Int(count(c.records_new)).Key("revised").Int(count(c.records_revised));
  w.EndObject();
  w.Key("dead_letters_written").Int(count(s.dead_letters_written));
  w.Key("state_bytes").Int(count(s.state_bytes));
  if (published != nullptr) {
    w.Key("published").BeginObject().Key("topic").String(published->topic);
    w.Key("records").Int(count(published->sent));
    w.Key("unchanged_not_sent").Int(count(published->held)).EndObject();
  }
  w.EndObject();
  return w.Take();
}

}  // namespace fugong
