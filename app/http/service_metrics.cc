#include "app/http/service_metrics.h"

#include <prometheus/text_serializer.h>

#include "app/published_figures.h"
#include "engine/model/dead_letter.h"
#include "engine/publish/index_record.h"

namespace fugong {

namespace {

constexpr const char* kInputNames[] = {"readings", "enterprises", "weather", "risk"};

// Seconds, from a millisecond API answer to a slow close of a large province.
const prometheus::Histogram::BucketBoundaries kHttpBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
const prometheus::Histogram::BucketBoundaries kPublishBuckets = {0.05, 0.1, 0.25, 0.5, 1,  2,
                                                                 5,    10,  30,   60,  120};

}  // namespace

ServiceMetrics::ServiceMetrics(const RegionTable* regions)
    : regions_(regions), registry_(std::make_shared<prometheus::Registry>()) {
  using prometheus::BuildCounter;
  using prometheus::BuildGauge;
  using prometheus::BuildHistogram;
  consumed_ = &BuildCounter()
                   .Name("fugong_records_consumed_total")
                   .Help("Input records consumed (Kafka messages), over the life of the state.")
                   .Register(*registry_);
  used_ = &BuildCounter()
               .Name("fugong_records_used_total")
               .Help(
                   "Input records applied to state (readings to a meter-day, registry and "
                   "weather and risk chart records to their tables), over the life of the state.")
               .Register(*registry_);
  dead_ = &BuildCounter()
               .Name("fugong_records_dead_lettered_total")
               .Help("Input records sent to the dead-letter topic, by reason code.")
               .Register(*registry_);
  gaps_family_ = &BuildCounter()
                      .Name("fugong_partition_gaps_total")
                      .Help(
                          "Readings partition gaps: offsets the broker removed before they "
                          "were read, over the life of the state.")
                      .Register(*registry_);
  days_closed_ = &BuildCounter()
                      .Name("fugong_days_closed_total")
                      .Help("Days closed by this process (their index published).")
                      .Register(*registry_)
                      .Add({});
  auto& published = BuildCounter()
                        .Name("fugong_index_records_published_total")
                        .Help(
                            "Index records given a new revision by this process: kind=new for "
                            "revision 1, kind=revised for a correction of a published record.")
                        .Register(*registry_);
  published_new_ = &published.Add({{"kind", "new"}});
  published_revised_ = &published.Add({{"kind", "revised"}});
  auto& acked = BuildCounter()
                    .Name("fugong_output_messages_acknowledged_total")
                    .Help("Output messages acknowledged by the brokers, by output topic.")
                    .Register(*registry_);
  acked_index_ = &acked.Add({{"output", "index"}});
  acked_dead_ = &acked.Add({{"output", "deadletter"}});
  lag_ = &BuildGauge()
              .Name("fugong_consumer_lag_messages")
              .Help(
                  "Messages between the consumer's position and the log end, per assigned "
                  "partition (as of the last fetch).")
              .Register(*registry_);
  watermark_ = &BuildGauge()
                    .Name("fugong_watermark_timestamp_seconds")
                    .Help(
                        "The event-time watermark (Unix seconds): the slowest active readings "
                        "partition's latest reading time.")
                    .Register(*registry_)
                    .Add({});
  closed_through_ = &BuildGauge()
                         .Name("fugong_closed_through_timestamp_seconds")
                         .Help("End (next local midnight, Unix seconds) of the last closed day.")
                         .Register(*registry_)
                         .Add({});
  last_input_ = &BuildGauge()
                     .Name("fugong_last_input_timestamp_seconds")
                     .Help("Wall-clock time (Unix seconds) of the last message consumed.")
                     .Register(*registry_)
                     .Add({});
  state_bytes_ = &BuildGauge()
                      .Name("fugong_state_size_bytes")
                      .Help("Approximate size of the RocksDB state (SST files and memtables).")
                      .Register(*registry_)
                      .Add({});
  ready_ = &BuildGauge()
                .Name("fugong_ready")
                .Help("1 once state is restored and the consumer has its partitions, else 0.")
                .Register(*registry_)
                .Add({});
  live_clients_ = &BuildGauge()
                       .Name("fugong_live_stream_clients")
                       .Help("Clients connected to the live stream of index records.")
                       .Register(*registry_)
                       .Add({});
  followed_ = &BuildCounter()
                   .Name("fugong_index_followed_records_total")
                   .Help(
                       "Records of the index topic the follower read, by outcome: applied (new to "
                       "this instance), unchanged (already its own), stale (an older revision), "
                       "conflict (a revision it holds with other bytes: must stay 0), bad.")
                   .Register(*registry_);
  {
    const char* outcomes[] = {"applied", "unchanged", "stale", "conflict", "bad"};
    for (size_t i = 0; i < followed_by_outcome_.size(); ++i) {
      followed_by_outcome_[i] = &followed_->Add({{"outcome", outcomes[i]}});
    }
  }
  closes_held_ = &BuildGauge()
                      .Name("fugong_closes_held")
                      .Help(
                          "1 while closes and revisions are held because the group gave this "
                          "instance only some readings partitions (a second instance in the group; "
                          "the log says which), else 0.")
                      .Register(*registry_)
                      .Add({});
  restored_records_ = &BuildCounter()
                           .Name("fugong_restored_records_total")
                           .Help(
                               "Changelog records applied by restores of tasks (readings "
                               "partitions given to this instance; docs/scale-out.md).")
                           .Register(*registry_)
                           .Add({});
  restore_remaining_ = &BuildGauge()
                            .Name("fugong_restore_remaining_records")
                            .Help(
                                "Records of the changelog being restored still to read (0 when no "
                                "restore runs; /readyz is not ready while one does).")
                            .Register(*registry_)
                            .Add({});
  follow_caught_up_ = &BuildGauge()
                           .Name("fugong_index_follow_caught_up")
                           .Help(
                               "1 once the index follower has read the index topic as it was at "
                               "start (every instance then answers for the whole index), else 0.")
                           .Register(*registry_)
                           .Add({});
  composite_ = &BuildGauge()
                    .Name("fugong_composite_index")
                    .Help(
                        "Latest published composite index (0-100) of the province, each city "
                        "and each county.")
                    .Register(*registry_);
  tier_ = &BuildGauge()
               .Name("fugong_composite_tier")
               .Help("Tier of that record: 1 (T1, green, >= 80) to 5 (T5, red, < 20).")
               .Register(*registry_);
  suspect_share_ = &BuildGauge()
                        .Name("fugong_suspect_idle_share")
                        .Help(
                            "Share of the eligible enterprises of the latest published record "
                            "(province, each city and county) that are suspects of idle running: "
                            "resumed by energy, not active by the shape of their day "
                            "(docs/day-shape.md). Absent when the run reads no day shapes.")
                        .Register(*registry_);
  held_back_ = &BuildGauge()
                    .Name("fugong_counties_held_back")
                    .Help(
                        "Counties of low or lower epidemic risk in tier T4 or T5 on the latest "
                        "day with county records (GET /v1/matrix).")
                    .Register(*registry_)
                    .Add({});
  ahead_of_risk_ = &BuildGauge()
                        .Name("fugong_counties_ahead_of_risk")
                        .Help(
                            "Counties of high or very high epidemic risk in tier T1 or T2 on the "
                            "latest day with county records.")
                        .Register(*registry_)
                        .Add({});
  held_back_days_ = &BuildGauge()
                         .Name("fugong_county_held_back_days")
                         .Help(
                             "Consecutive days up to the latest day with county records on "
                             "which the county was held back (low or lower risk, T4 or T5); "
                             "counted up to 7.")
                         .Register(*registry_);
  day_publish_ = &BuildHistogram()
                      .Name("fugong_day_publish_seconds")
                      .Help("From the commit that closed days to their records acknowledged.")
                      .Register(*registry_)
                      .Add({}, kPublishBuckets);
  http_requests_ = &BuildCounter()
                        .Name("fugong_http_requests_total")
                        .Help("HTTP requests answered, by route and status code.")
                        .Register(*registry_);
  http_seconds_ = &BuildHistogram()
                       .Name("fugong_http_request_duration_seconds")
                       .Help("Time to answer an HTTP request (not the live stream), by route.")
                       .Register(*registry_);
  http_handler_failures_ =
      &BuildCounter()
           .Name("fugong_http_handler_failures_total")
           .Help("HTTP requests whose handler failed with an internal error (answered 500).")
           .Register(*registry_)
           .Add({});
}

std::string ServiceMetrics::Scrape() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

void ServiceMetrics::Advance(prometheus::Counter* counter, uint64_t to, uint64_t* shown) {
  if (to > *shown) counter->Increment(static_cast<double>(to - *shown));
  *shown = to;
}

void ServiceMetrics::SetStatus(const StreamStatus& status,
                               std::optional<EpochSeconds> closed_through_end) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (gaps_ == nullptr) {
    // The state's counters appear once the state is read, so a restart never shows them at 0
    // and then at their value (which would look like a burst of input to rate() and increase()).
    for (size_t i = 0; i < inputs_.size(); ++i) {
      Input& in = inputs_[i];
      in.consumed = &consumed_->Add({{"input", kInputNames[i]}});
      in.used = &used_->Add({{"input", kInputNames[i]}});
      for (size_t r = 0; r < kDeadLetterReasonCount; ++r) {
        const std::string reason(ReasonCode(static_cast<DeadLetterReason>(r)));
        in.dead.push_back(&dead_->Add({{"input", kInputNames[i]}, {"reason", reason}}));
      }
    }
    gaps_ = &gaps_family_->Add({});
  }
  const IngestCounters* counters[] = {&status.readings, &status.enterprises, &status.weather,
                                      &status.risk};
  for (size_t i = 0; i < inputs_.size(); ++i) {
    Input& in = inputs_[i];
    Advance(in.consumed, counters[i]->records, &in.shown.records);
    Advance(in.used, counters[i]->used, &in.shown.used);
    for (size_t r = 0; r < kDeadLetterReasonCount; ++r) {
      Advance(in.dead[r], counters[i]->dead[r], &in.shown.dead[r]);
    }
  }
  Advance(gaps_, status.gaps, &gaps_shown_);
  Advance(days_closed_, status.days_closed, &days_closed_shown_);
  Advance(published_new_, status.records_new, &new_shown_);
  Advance(published_revised_, status.records_revised, &revised_shown_);
  if (status.watermark) watermark_->Set(static_cast<double>(*status.watermark));
  if (closed_through_end) closed_through_->Set(static_cast<double>(*closed_through_end));
  closes_held_->Set(status.closes_held.empty() ? 0 : 1);
  Advance(restored_records_, status.restored_records, &restored_shown_);
  restore_remaining_->Set(static_cast<double>(status.restore_remaining));
}

void ServiceMetrics::SetPartitions(const std::vector<PartitionStatus>& partitions) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::map<std::pair<std::string, int32_t>, prometheus::Gauge*> now;
  for (const PartitionStatus& p : partitions) {
    const auto key = std::make_pair(p.topic, p.partition);
    auto it = lag_by_partition_.find(key);
    prometheus::Gauge* gauge =
        it != lag_by_partition_.end()
            ? it->second
            : &lag_->Add({{"topic", p.topic}, {"partition", std::to_string(p.partition)}});
    if (p.high_watermark >= 0 && p.position >= 0) {
      gauge->Set(static_cast<double>(std::max<int64_t>(0, p.high_watermark - p.position)));
    }
    now[key] = gauge;
  }
  // A partition no longer assigned has no lag of ours: its series goes.
  for (auto& [key, gauge] : lag_by_partition_) {
    if (!now.count(key)) lag_->Remove(gauge);
  }
  lag_by_partition_ = std::move(now);
}

void ServiceMetrics::SetStateBytes(uint64_t bytes) {
  state_bytes_->Set(static_cast<double>(bytes));
}
void ServiceMetrics::SetReady(bool ready) { ready_->Set(ready ? 1 : 0); }

void ServiceMetrics::SetIndexFollow(const FollowCounts& counts, bool caught_up) {
  std::lock_guard<std::mutex> lock(mutex_);
  const uint64_t now[] = {counts.applied, counts.unchanged, counts.stale, counts.conflicts,
                          counts.bad};
  uint64_t* shown[] = {&followed_shown_.applied, &followed_shown_.unchanged, &followed_shown_.stale,
                       &followed_shown_.conflicts, &followed_shown_.bad};
  for (size_t i = 0; i < followed_by_outcome_.size(); ++i) {
    Advance(followed_by_outcome_[i], now[i], shown[i]);
  }
  follow_caught_up_->Set(caught_up ? 1 : 0);
}

void ServiceMetrics::ShowFollowedRecords(
    const std::vector<std::pair<std::string, std::string>>& records) {
  for (const auto& [key, json] : records) {
    const std::string_view level = LevelOfIndexKey(key);
    if (level == "province" || level == "city" || level == "county") ShowRecord(json);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  UpdateRiskGauges();
}
void ServiceMetrics::SetLastInput(double unix_seconds) { last_input_->Set(unix_seconds); }
void ServiceMetrics::SetLiveClients(size_t clients) {
  live_clients_->Set(static_cast<double>(clients));
}
void ServiceMetrics::ObserveDayPublish(double seconds) { day_publish_->Observe(seconds); }

void ServiceMetrics::ObserveHttp(const std::string& route, int status, double seconds) {
  http_requests_->Add({{"route", route}, {"code", std::to_string(status)}}).Increment();
  http_seconds_->Add({{"route", route}}, kHttpBuckets).Observe(seconds);
}

void ServiceMetrics::CountHandlerFailure() { http_handler_failures_->Increment(); }

void ServiceMetrics::OnDelivered(const std::vector<OutboxRecord>& records) {
  for (const OutboxRecord& r : records) {
    if (r.kind != OutputKind::kIndex) {
      acked_dead_->Increment();
      continue;
    }
    acked_index_->Increment();
    // Key DATE|LEVEL|CODE: only the province, cities and counties have a gauge.
    const std::string_view level = LevelOfIndexKey(r.key);
    if (level == "province" || level == "city" || level == "county") ShowRecord(r.value);
  }
  // A day's ~90 county records come in one batch: the risk gauges are counted once for it.
  std::lock_guard<std::mutex> lock(mutex_);
  UpdateRiskGauges();
}

void ServiceMetrics::ShowIndexRecord(const std::string& json) {
  ShowRecord(json);
  std::lock_guard<std::mutex> lock(mutex_);
  UpdateRiskGauges();
}

void ServiceMetrics::ShowRecord(const std::string& json) {
  PublishedFigures record;
  if (!ReadPublishedFigures(json, &record)) return;
  const std::string& level = record.level;
  if (level != "province" && level != "city" && level != "county") return;
  // Bounded by the region table: a code it does not know gets no series.
  if (regions_->Find(record.code) == nullptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  Day day;
  if (level == "county" && ParseDate(record.date, &day)) {
    constexpr size_t kStandingDays = 7;  // enough for the run the alert needs
    std::map<Day, CountyStanding>& days = standings_[record.code];
    days[day] = CountyStanding{record.code, record.risk, record.tier};  // a revision replaces it
    while (days.size() > kStandingDays) days.erase(days.begin());
    standings_changed_ = true;
  }
  Shown& shown = shown_[{level, record.code}];
  if (!shown.date.empty() && record.date < shown.date) return;  // an older day's correction
  shown.date = record.date;
  if (!record.composite || record.tier == 0) {
    // Suppressed: no figure to show, and the previous day's would mislead.
    if (shown.composite != nullptr) composite_->Remove(shown.composite);
    if (shown.tier != nullptr) tier_->Remove(shown.tier);
    if (shown.suspects != nullptr) suspect_share_->Remove(shown.suspects);
    shown.composite = shown.tier = shown.suspects = nullptr;
    return;
  }
  if (record.suspect_idle && record.eligible && *record.eligible > 0) {
    if (shown.suspects == nullptr) {
      shown.suspects = &suspect_share_->Add({{"level", level}, {"code", record.code}});
    }
    shown.suspects->Set(static_cast<double>(*record.suspect_idle) / *record.eligible);
  } else if (shown.suspects != nullptr) {
    suspect_share_->Remove(shown.suspects);
    shown.suspects = nullptr;
  }
  if (shown.composite == nullptr) {
    shown.composite = &composite_->Add({{"level", level}, {"code", record.code}});
    shown.tier = &tier_->Add({{"level", level}, {"code", record.code}});
  }
  shown.composite->Set(*record.composite);
  shown.tier->Set(record.tier);
}

void ServiceMetrics::UpdateRiskGauges() {
  if (!standings_changed_) return;
  standings_changed_ = false;
  Day latest = INT32_MIN;
  for (const auto& [code, by_day] : standings_) latest = std::max(latest, by_day.rbegin()->first);
  int held_back = 0, ahead = 0;
  for (const auto& [code, by_day] : standings_) {
    int run = 0;
    for (Day d = latest;; --d) {
      auto it = by_day.find(d);
      if (it == by_day.end() || !IsHeldBack(it->second)) break;
      ++run;
    }
    auto on_latest = by_day.find(latest);
    if (on_latest != by_day.end() && IsHeldBack(on_latest->second)) ++held_back;
    if (on_latest != by_day.end() && IsAheadOfRisk(on_latest->second)) ++ahead;
    prometheus::Gauge*& gauge = held_back_days_by_county_[code];
    if (gauge == nullptr) gauge = &held_back_days_->Add({{"code", code}});
    gauge->Set(run);
  }
  held_back_->Set(held_back);
  ahead_of_risk_->Set(ahead);
}

}  // namespace fugong
