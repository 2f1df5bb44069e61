// One message of a partitioned log, as the streaming job sees it. The engine knows partitions
// and offsets (the order of a partition is the order of "arrived later", docs/method.md) but
// nothing of Kafka: a connector fills these in from whatever log it reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fugong {

struct StreamMessage {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string_view> key;  // absent: the message had no key (not the same as "")
  std::string_view value;               // views valid until the consumer's next Poll
};

// A message copied out of its log, kept past the next poll: what a global table's reader hands
// over (the index topic's follower, engine/publish/index_topic_follower.h).
struct LogRecord {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::optional<std::string> value;  // none: a tombstone
};

}  // namespace fugong
