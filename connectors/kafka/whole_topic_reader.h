// Every partition of one topic, read from given positions without a consumer group: how each
// instance follows a global table's topic (the published index, docs/scale-out.md), as a Kafka
// Streams global thread does. Nothing is committed to Kafka; the reader's caller keeps the
// positions (in its state, with what it read).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_handles.h"
#include "engine/common/status.h"
#include "engine/job/stream_message.h"

namespace fugong {

// A consumer handle for reading assigned partitions: it needs a group.id (librdkafka) but never
// joins the group or commits; reads from the log start when told to start at an offset the log
// no longer holds.
Result<KafkaHandlePtr> NewUngroupedConsumer(const KafkaConfig& config);

// Up to `max` messages of `consumer` (waiting up to `timeout` for the first), each given to
// `take`. Errors librdkafka retries by itself are kept in `last_error`; IOError only for a fatal
// one (`what` names what is read).
Status PollMessages(rd_kafka_t* consumer, const std::string& what,
                    std::chrono::milliseconds timeout, size_t max, std::string* last_error,
                    const std::function<void(const rd_kafka_message_t&)>& take);
// A message as a LogRecord (a null value is a tombstone).
LogRecord ToLogRecord(const rd_kafka_message_t& m);

class WholeTopicReader {
 public:
  // Assigns every partition of `topic` at `positions` (the next offset to read; a partition
  // without one, or whose position the log no longer holds, from its log start). NotFound while
  // the topic does not exist.
  static Result<std::unique_ptr<WholeTopicReader>> Open(const KafkaConfig& config,
                                                        const std::string& topic,
                                                        const std::map<int32_t, int64_t>& positions,
                                                        std::chrono::milliseconds timeout);
  ~WholeTopicReader();

  // The end offset of every partition that held anything when the reader opened: the reader has
  // caught up with the topic as it was then once its positions reach these.
  const std::map<int32_t, int64_t>& end_offsets_at_open() const { return end_offsets_; }

  // Appends up to `max` messages, waiting up to `timeout` for the first. Errors librdkafka
  // retries by itself are kept in last_error(); IOError only for a fatal one.
  Status Poll(std::chrono::milliseconds timeout, size_t max, std::vector<LogRecord>* out);
  const std::string& last_error() const { return last_error_; }

 private:
  WholeTopicReader() = default;
  KafkaHandlePtr consumer_;
  std::string topic_;
  std::map<int32_t, int64_t> end_offsets_;
  std::string last_error_;
};

}  // namespace fugong
