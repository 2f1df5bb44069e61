// Chosen partitions of any topics, each read from a given offset up to its end as of the
// assignment, on one consumer handle that joins no group: how a task's changelogs are restored
// (the three changelog partitions of the task at once), one handle for every task an instance
// restores, as Kafka Streams has one restore consumer per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_handles.h"
#include "engine/common/status.h"
#include "engine/job/stream_message.h"

namespace fugong {

class PartitionsReader {
 public:
  struct Start {
    std::string topic;
    int32_t partition = 0;
    int64_t from = 0;
  };

  static Result<std::unique_ptr<PartitionsReader>> Create(const KafkaConfig& config);
  ~PartitionsReader();

  // Assigns `starts` in place of the assignment before; `ends` gets each one's end offset now.
  // IOError when a partition no longer holds its `from` (its log starts after it, or ends
  // before it: the topic was deleted, recreated or truncated), since a restore that skipped
  // records would give wrong state.
  Status Assign(const std::vector<Start>& starts, std::chrono::milliseconds timeout,
                std::vector<int64_t>* ends);
  // Up to `max` messages, each with the index of its Start.
  Status Poll(std::chrono::milliseconds timeout, size_t max,
              std::vector<std::pair<size_t, LogRecord>>* out);
  // The next offset the reader returns of Start `index` (-1 before any fetch): past the offsets
  // compaction removed too, unlike the last message's.
  int64_t Position(size_t index) const;
  const std::string& last_error() const { return last_error_; }

 private:
  PartitionsReader() = default;
  KafkaHandlePtr consumer_;
  std::vector<Start> starts_;
  std::string last_error_;
};

}  // namespace fugong
