// How far a consumer group is behind on a topic: the sum over the topic's partitions of the
// end offset (high watermark) minus the group's committed offset. It is measured through a
// consumer handle that carries the group's id but never joins the group, so measuring does
// not trigger a rebalance of the consumers being measured.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_handles.h"
#include "engine/common/status.h"

namespace fugong {

class ConsumerGroupLag {
 public:
  struct Measurement {
    int64_t lag = 0;  // sum over partitions
    int partitions = 0;
    int uncommitted_partitions = 0;  // no committed offset: counted from the log start
  };

  // `config` must name bootstrap.servers; group.id is set to `group`.
  static Result<std::unique_ptr<ConsumerGroupLag>> Create(const KafkaConfig& config,
                                                          const std::string& group,
                                                          const std::string& topic);

  // One measurement: the committed offsets (from the group coordinator) and the end offsets
  // (from the partition leaders), each one request per broker. A partition the group has not
  // committed yet counts from its log start, where a consumer with auto.offset.reset=earliest
  // begins. A topic that does not exist has no lag. The partition count is read once: a topic
  // that grows partitions during a measurement's lifetime is measured on its first ones.
  Result<Measurement> Measure(std::chrono::milliseconds timeout);

 private:
  ConsumerGroupLag() = default;
  Status LoadPartitions(std::chrono::milliseconds timeout);

  KafkaHandlePtr handle_;
  std::string group_;
  std::string topic_;
  int partitions_ = 0;
};

}  // namespace fugong
