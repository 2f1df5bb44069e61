// A producer to one topic that counts what the brokers acknowledged and what they refused.
//
// Messages are copied into librdkafka's queue; when the queue is full, Produce serves delivery
// reports until there is room, so a fast source is slowed to the brokers' pace instead of
// failing. Delivery reports are served on the thread that calls Produce, Poll or Flush, so the
// counts need no locking.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_handles.h"
#include "engine/common/status.h"

namespace fugong {

class KafkaProducer {
 public:
  struct Counts {
    uint64_t produced = 0;         // handed to librdkafka
    uint64_t delivered = 0;        // acknowledged by the partition leader (acks=all)
    uint64_t failed = 0;           // refused or timed out; never retried by this class
    uint64_t delivered_bytes = 0;  // key + value bytes of the delivered messages
    std::string first_error;       // the first failure, for the summary
  };

  // `config` must name bootstrap.servers. `on_error` (optional) hears librdkafka's transient
  // client errors (a broker down, ...), which it recovers from by itself.
  static Result<std::unique_ptr<KafkaProducer>> Create(
      const KafkaConfig& config, const std::string& topic,
      std::function<void(std::string_view)> on_error = {});
  ~KafkaProducer();
  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // Queues a message with a key (partitioned by the key's hash) or without one. An error is
  // returned only when the producer cannot go on (a fatal idempotence error); a message that
  // librdkafka refuses at once (e.g. too large) is counted as failed.
  Status Produce(std::string_view key, std::string_view value);
  Status ProduceWithoutKey(std::string_view value);
  // To the given partition rather than by the key's hash (the partials topic: the partition is
  // the owner of the groups in the message).
  Status ProduceToPartition(int32_t partition, std::string_view key, std::string_view value);

  // To `topic` (any topic, not only the producer's own) and `partition`, with no value when
  // `value` is none (a tombstone): a store's changelog. With TrackDeliveredOffsets, the offset of
  // each acknowledged message is kept per topic and partition.
  Status ProduceTo(const std::string& topic, int32_t partition, std::string_view key,
                   std::optional<std::string_view> value);
  void TrackDeliveredOffsets() { track_offsets_ = true; }
  // The highest acknowledged offset per (topic, partition) since the last call, and clears it.
  std::map<std::pair<std::string, int32_t>, int64_t> TakeDeliveredOffsets() {
    return std::exchange(delivered_offsets_, {});
  }

  // Called on each acknowledged message with its key and value (on the thread that calls
  // Produce, Poll or Flush), for callers that must remember what the brokers hold.
  void SetOnDelivered(std::function<void(std::string_view key, std::string_view value)> hook) {
    on_delivered_ = std::move(hook);
  }

  // Waits until the cluster answers with the topic's metadata and returns the cluster's id
  // (empty when the brokers report none). IOError when no broker answered within `timeout`, or
  // when the cluster says the topic does not exist (it was not created and auto-creation is
  // off): a run then fails at once instead of after producing everything.
  Result<std::string> Connect(std::chrono::milliseconds timeout);

  // Serves delivery reports, waiting at most `timeout` for the first.
  void Poll(std::chrono::milliseconds timeout = std::chrono::milliseconds(0));
  // Waits until every queued message is delivered or failed. IOError when `timeout` passes
  // first (the messages still queued stay counted as in flight).
  Status Flush(std::chrono::milliseconds timeout);

  uint64_t in_flight() const { return counts_.produced - counts_.delivered - counts_.failed; }
  const Counts& counts() const { return counts_; }
  // A fatal error (the idempotent producer's guarantee is lost), or OK.
  const Status& fatal() const { return fatal_; }

 private:
  KafkaProducer() = default;
  Status ProduceOne(const void* key, size_t key_size, std::string_view value,
                    int32_t partition = -1);
  // Runs `produce` until librdkafka's queue takes the message (serving deliveries while it is
  // full), and counts it; a refusal counts as a failed delivery, a fatal error is kept.
  Status ProduceRetrying(const std::string& topic,
                         const std::function<rd_kafka_resp_err_t()>& produce);
  static void OnDelivery(rd_kafka_t* rk, const rd_kafka_message_t* message, void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);

  KafkaHandlePtr handle_;
  KafkaTopicPtr topic_;
  std::string topic_name_;
  Counts counts_;
  Status fatal_;
  std::function<void(std::string_view)> on_error_;
  std::function<void(std::string_view, std::string_view)> on_delivered_;
  bool track_offsets_ = false;
  std::map<std::pair<std::string, int32_t>, int64_t> delivered_offsets_;
};

}  // namespace fugong
