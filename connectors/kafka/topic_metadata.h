// What the cluster's metadata says of topics: their partitions. One place for the metadata
// request every client here needs before it assigns partitions itself (a snapshot, the index
// follower, the global tables, the lag probe).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_handles.h"
#include "engine/common/status.h"

namespace fugong {

// The partition ids of `topic`, waiting up to `timeout` for the answer. NotFound ("topic T: ...")
// while the topic does not exist or has no partition; IOError ("metadata of T: ...") when the
// cluster does not answer. Asks for the topic by name, which a broker that creates topics on
// demand (the mock does) takes as a reason to create it: for a topic that may not exist yet, use
// ExistingTopicPartitions.
Result<std::vector<int32_t>> TopicPartitions(rd_kafka_t* rk, const std::string& topic,
                                             std::chrono::milliseconds timeout);

// TopicPartitions through a short-lived client of its own (`config` needs bootstrap.servers):
// for a caller that has no client yet.
Result<std::vector<int32_t>> TopicPartitionsOf(const KafkaConfig& config, const std::string& topic,
                                               std::chrono::milliseconds timeout);

// The partition ids of those of `topics` that exist (with at least one partition), from the
// metadata of every topic of the cluster, so that no topic is created by asking. IOError when
// the cluster does not answer.
Result<std::map<std::string, std::vector<int32_t>>> ExistingTopicPartitions(
    rd_kafka_t* rk, const std::vector<std::string>& topics, std::chrono::milliseconds timeout);

}  // namespace fugong
