// The service's Prometheus metrics (prometheus-cpp), named by Prometheus' conventions: prefix
// `fugong_`, base units, `_total` counters. Label sets are bounded by configuration, never by
// data: inputs (3), dead-letter reasons, assigned partitions, HTTP routes, and the province,
// cities and counties of the region table (not enterprises or meters). docs/operations.md lists
// every metric. Thread-safe: the service loop updates, HTTP scrapes read.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "connectors/kafka/kafka_stream_consumer.h"
#include "engine/job/outbox.h"
#include "engine/job/stream_job.h"
#include "engine/publish/index_topic_follower.h"
#include "engine/publish/risk_matrix.h"
#include "engine/reference/region_table.h"

namespace fugong {

class ServiceMetrics {
 public:
  explicit ServiceMetrics(const RegionTable* regions);

  // The text exposition format (version 0.0.4).
  std::string Scrape() const;

  // The job's counters are over the state's whole life, so a restarted service goes on counting
  // where it stopped instead of starting at zero; their series appear with the first call.
  void SetStatus(const StreamStatus& status, std::optional<EpochSeconds> closed_through_end);
  void SetPartitions(const std::vector<PartitionStatus>& partitions);
  void SetStateBytes(uint64_t bytes);
  void SetReady(bool ready);
  void SetLastInput(double unix_seconds);
  // Acknowledged output; index records of the province, cities and counties set the composite
  // gauges (only a record at least as recent as the one shown replaces it).
  void OnDelivered(const std::vector<OutboxRecord>& records);
  // A published index record (JSON), e.g. the latest ones read from state at start.
  void ShowIndexRecord(const std::string& json);
  void ObserveDayPublish(double seconds);
  void ObserveHttp(const std::string& route, int status, double seconds);
  // A route threw and answered 500 instead.
  void CountHandlerFailure();
  void SetLiveClients(size_t clients);
  // The index follower (app/index_follower.h): its running counts, whether it has caught up with
  // the topic, and the records it made current (their gauges, as OnDelivered shows its own).
  void SetIndexFollow(const FollowCounts& counts, bool caught_up);
  void ShowFollowedRecords(const std::vector<std::pair<std::string, std::string>>& records);

 private:
  struct Input {
    prometheus::Counter* consumed;
    prometheus::Counter* used;
    std::vector<prometheus::Counter*> dead;  // by DeadLetterReason
    IngestCounters shown;                    // what the counters hold
  };
  struct Shown {
    std::string date;
    prometheus::Gauge* composite = nullptr;
    prometheus::Gauge* tier = nullptr;
    prometheus::Gauge* suspects = nullptr;
  };
  static void Advance(prometheus::Counter* counter, uint64_t to, uint64_t* shown);

  const RegionTable* regions_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* consumed_;
  prometheus::Family<prometheus::Counter>* used_;
  prometheus::Family<prometheus::Counter>* dead_;
  prometheus::Family<prometheus::Counter>* gaps_family_;
  std::array<Input, 4> inputs_;  // their series, added by the first SetStatus
  prometheus::Counter* gaps_ = nullptr;
  uint64_t gaps_shown_ = 0;
  prometheus::Counter* days_closed_;
  uint64_t days_closed_shown_ = 0;
  prometheus::Counter* published_new_;
  prometheus::Counter* published_revised_;
  uint64_t new_shown_ = 0, revised_shown_ = 0;
  prometheus::Counter* acked_index_;
  prometheus::Counter* acked_dead_;
  prometheus::Family<prometheus::Gauge>* lag_;
  std::map<std::pair<std::string, int32_t>, prometheus::Gauge*> lag_by_partition_;
  prometheus::Gauge* watermark_;
  prometheus::Gauge* closed_through_;
  prometheus::Gauge* last_input_;
  prometheus::Gauge* state_bytes_;
  prometheus::Gauge* ready_;
  prometheus::Gauge* live_clients_;
  prometheus::Family<prometheus::Counter>* followed_;
  std::array<prometheus::Counter*, 5> followed_by_outcome_{};  // applied .. bad
  FollowCounts followed_shown_;
  prometheus::Gauge* follow_caught_up_;
  prometheus::Gauge* closes_held_;
  prometheus::Counter* restored_records_;
  uint64_t restored_shown_ = 0;
  prometheus::Gauge* restore_remaining_;
  prometheus::Family<prometheus::Gauge>* composite_;
  prometheus::Family<prometheus::Gauge>* tier_;
  prometheus::Family<prometheus::Gauge>* suspect_share_;
  std::map<std::pair<std::string, std::string>, Shown> shown_;  // (level, code)
  // The risk matrix's lists (engine/publish/risk_matrix.h) on the latest day with county
  // records, and each county's run of days held back up to that day.
  // One published record's gauges and county standing (without counting the risk gauges).
  void ShowRecord(const std::string& json);
  // The risk gauges from `standings_`, when they changed. Call with `mutex_` held.
  void UpdateRiskGauges();
  bool standings_changed_ = false;
  prometheus::Gauge* held_back_;
  prometheus::Gauge* ahead_of_risk_;
  prometheus::Family<prometheus::Gauge>* held_back_days_;
  std::map<std::string, prometheus::Gauge*> held_back_days_by_county_;
  // The last kStandingDays days' standings of each county: enough for the run the alert needs.
  std::map<std::string, std::map<Day, CountyStanding>> standings_;
  prometheus::Histogram* day_publish_;
  prometheus::Family<prometheus::Counter>* http_requests_;
  prometheus::Family<prometheus::Histogram>* http_seconds_;
  prometheus::Counter* http_handler_failures_;
  // Families hand out series under their own lock; this one guards the maps above.
  mutable std::mutex mutex_;
};

}  // namespace fugong
