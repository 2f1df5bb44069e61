// Replays CSV files (plain or gzip) into a Kafka topic as fast as the brokers take them: the
// load generator behind `fugong produce`. Every data line becomes one message (see
// CsvMessageEncoder), in file order, so one key's messages keep their order in its partition.
//
// Pacing: the mock cluster drops the oldest messages of a partition beyond its limits, so a
// replay can be told to stay within `max_lag` messages of a consumer group. Before every
// `pace_batch` messages it measures the group's lag (end offsets minus committed offsets, plus
// the messages still on their way to the brokers) and waits while that exceeds `max_lag`. So
// the produced-but-uncommitted count never exceeds max_lag + pace_batch.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/kafka/csv_message_encoder.h"
#include "connectors/kafka/kafka_config.h"
#include "engine/common/status.h"
#include "engine/job/sinks.h"

namespace fugong {

struct ReplayOptions {
  std::string topic;
  TopicRecordKind kind = TopicRecordKind::kReadings;
  std::vector<std::string> files;
  // Pacing on a consumer group's lag; 0 = no pacing.
  int64_t max_lag = 0;
  std::string group;
  int64_t pace_batch = 0;  // 0 = DefaultPaceBatch(max_lag)
  // How long to wait at the end for the last deliveries.
  std::chrono::milliseconds flush_timeout{std::chrono::minutes(5)};
  // Hears librdkafka's transient errors and pacing trouble (a line each; for stderr).
  std::function<void(std::string_view)> on_warning;
};

struct ReplayStats {
  uint64_t lines = 0;         // data lines read (header excluded)
  uint64_t blank_lines = 0;   // skipped, as a backfill skips them
  uint64_t messages = 0;      // produced
  uint64_t raw_messages = 0;  // of which lines that did not split into the header's fields
  uint64_t delivered = 0;
  uint64_t failed = 0;
  uint64_t delivered_bytes = 0;
  std::string first_delivery_error;
  // Pacing.
  uint64_t lag_checks = 0;
  uint64_t lag_waits = 0;  // checks that found the group too far behind
  double paced_seconds = 0;
  // Columns left out of the messages (also told to on_warning as they are found).
  std::vector<std::string> warnings;
};

// Messages between two lag checks: a tenth of the allowed lag, at most 50,000 (at 1 M/s that
// is a check every 50 ms; each check costs two round trips).
int64_t DefaultPaceBatch(int64_t max_lag);

// Replays `options.files` into `options.topic` through a producer built from `config` (which
// must name bootstrap.servers; see SetReplayProducerDefaults). `progress` (optional) hears
// "produce" progress: messages, bytes on disk read and in all. Returns the stats also when some
// deliveries failed (check `failed`); an error when an input cannot be read, a header lacks columns
// (all headers are checked before the first message), or the producer fails fatally.
Result<ReplayStats> ReplayCsvToTopic(const KafkaConfig& config, const ReplayOptions& options,
                                     ProgressListener* progress);

}  // namespace fugong
