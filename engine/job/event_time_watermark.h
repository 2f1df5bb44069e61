// How far event time has come on the readings partitions: the slowest active partition's latest
// reading. A partition that has been quiet for a while (a meter concentrator that stopped
// sending, a partition with no keys) no longer holds the watermark back; when every partition is
// quiet, nothing is in flight and the watermark is the latest reading of any.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "engine/common/date.h"

namespace fugong {

class EventTimeWatermark {
 public:
  explicit EventTimeWatermark(int64_t idle_seconds) : idle_seconds_(idle_seconds) {}

  // Partition `partition` delivered a message at wall time `now`.
  void Heard(int32_t partition, EpochSeconds now);
  // The latest event time of a reading placed from `partition` is now at least `event_time`.
  void Advance(int32_t partition, EpochSeconds event_time);

  // nullopt until some partition has a reading.
  std::optional<EpochSeconds> Watermark(EpochSeconds now) const;
  std::optional<EpochSeconds> EventTime(int32_t partition) const;
  const std::map<int32_t, EpochSeconds>& event_times() const { return event_time_; }

 private:
  int64_t idle_seconds_;
  std::map<int32_t, EpochSeconds> event_time_;  // partition -> latest reading's ts
  std::map<int32_t, EpochSeconds> heard_at_;    // partition -> wall time of its last message
};

}  // namespace fugong
