// How far event time has come on the readings partitions: the slowest active partition's latest
// reading. A partition that has been quiet for a while (a meter concentrator that stopped
// sending, a partition with no keys) no longer holds the watermark back; when every partition is
// quiet, nothing is in flight and the watermark is the latest reading of any.
//
// Quiet is not idle when the source says a partition still has unread messages (SetBacklog): a
// consumer catching up on a backlog of many partitions reaches some of them seconds or minutes
// after others, and a partition it has not reached yet, or not for a while, holds older
// readings. Such a partition always holds the watermark at its latest reading, and one that has
// delivered no reading yet holds it back altogether. Without this, a service starting on a
// backlog of 1,512 partitions closed days before some partitions had delivered them, and then
// rescored a whole baseline window for the late readings (docs/streaming.md, "When a day is
// published").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "engine/common/date.h"

namespace fugong {

class EventTimeWatermark {
 public:
  explicit EventTimeWatermark(int64_t idle_seconds) : idle_seconds_(idle_seconds) {}

  // Partition `partition` delivered a message at wall time `now`.
  void Heard(int32_t partition, EpochSeconds now);
  // The latest event time of a reading placed from `partition` is now at least `event_time`.
  void Advance(int32_t partition, EpochSeconds event_time);

  // The partitions that have unread messages, as the source last saw them (replaces the last
  // call's). Partitions not named are caught up, or of unknown state (a replay that is not told).
  void SetBacklog(std::set<int32_t> partitions) { backlog_ = std::move(partitions); }
  bool InBacklog(int32_t partition) const { return backlog_.count(partition) > 0; }

  // nullopt until some partition has a reading, and while a partition with a backlog has none.
  std::optional<EpochSeconds> Watermark(EpochSeconds now) const;
  std::optional<EpochSeconds> EventTime(int32_t partition) const;
  const std::map<int32_t, EpochSeconds>& event_times() const { return event_time_; }

 private:
  int64_t idle_seconds_;
  std::map<int32_t, EpochSeconds> event_time_;  // partition -> latest reading's ts
  std::map<int32_t, EpochSeconds> heard_at_;    // partition -> wall time of its last message
  std::set<int32_t> backlog_;                   // partitions with unread messages
};

}  // namespace fugong
