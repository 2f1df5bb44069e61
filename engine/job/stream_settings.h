// The settings of the streaming job that a backfill does not have: where the inputs are, when a
// day closes, how often state is committed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace fugong {

struct StreamSettings {
  std::string readings_topic = "fugong.readings";
  std::string enterprises_topic = "fugong.enterprises";
  std::string weather_topic = "fugong.weather";  // empty: no weather input
  std::string risk_topic = "fugong.risk";        // empty: no epidemic risk chart input
  // Totals through the partials topic (docs/scale-out.md, sub-topology 1), so that several
  // instances can share a group: empty, each instance sums every enterprise itself and holds
  // its closes unless it has every readings partition.
  std::string partials_topic;
  // State per task backed by changelog topics `fugong.<group>.<store>-changelog`
  // (docs/scale-out.md, "Changelogs and restore"), so that a readings partition and its state
  // can move between instances: requires partials_topic.
  bool changelogs = false;
  // With changelogs: the rows of a task this instance gave up (a rebalance moved it) are deleted
  // once it has not been held for this long, as Kafka Streams' state.cleanup.delay.ms deletes a
  // task directory: until then a task that comes back restores only the changelogs' tail; after,
  // from the beginning. 0: never deleted.
  int64_t state_cleanup_delay_seconds = 600;

  // A day closes when the event-time watermark passes its end by this much...
  int64_t close_grace_seconds = 2 * 3600;
  // ...or at this many minutes after the local midnight that ends it (08:00 the next day),
  // whichever comes first. Empty: no deadline. The deadline applies only to days whose first
  // reading arrived before it (see docs/streaming.md): a replay of old data closes by the
  // watermark alone instead of closing every day at its first reading.
  std::optional<int> close_deadline_minutes = 8 * 60;
  // A readings partition that delivered nothing for this long no longer holds the watermark
  // back.
  int64_t idle_partition_seconds = 30;
  // Messages larger than this are dead-lettered as message_too_large.
  size_t max_message_bytes = 64 * 1024;
};

}  // namespace fugong
