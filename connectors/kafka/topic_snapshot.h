// A topic as it stands: every partition read from its log start to its end offset (as of the
// call), the way a dashboard that subscribes to the index topic sees it. For the demo, tests and
// tools; the service itself never reads its output topics.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_config.h"
#include "engine/common/status.h"

namespace fugong {

struct TopicRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key;
  std::string value;
};

// Every message of `topic`, in offset order within each partition. `config` names
// bootstrap.servers.
Result<std::vector<TopicRecord>> ReadTopicSnapshot(const KafkaConfig& config,
                                                   const std::string& topic,
                                                   std::chrono::milliseconds timeout);

// The latest value of every key (what a compacted topic keeps), sorted by key.
std::map<std::string, std::string> LatestByKey(const std::vector<TopicRecord>& records);

}  // namespace fugong
