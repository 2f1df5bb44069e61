#include "engine/job/event_time_watermark.h"

#include <algorithm>

namespace fugong {

void EventTimeWatermark::Heard(int32_t partition, EpochSeconds now) { heard_at_[partition] = now; }

void EventTimeWatermark::Advance(int32_t partition, EpochSeconds event_time) {
  auto [it, inserted] = event_time_.emplace(partition, event_time);
  if (!inserted) it->second = std::max(it->second, event_time);
}

std::optional<EpochSeconds> EventTimeWatermark::Watermark(EpochSeconds now) const {
  for (const int32_t partition : backlog_) {
    if (event_time_.count(partition) == 0) return std::nullopt;  // its oldest readings are unread
  }
  std::optional<EpochSeconds> slowest_active, latest;
  for (const auto& [partition, event_time] : event_time_) {
    latest = latest ? std::max(*latest, event_time) : event_time;
    auto heard = heard_at_.find(partition);
    const bool active = backlog_.count(partition) > 0 ||
                        (heard != heard_at_.end() && now - heard->second < idle_seconds_);
    if (active)
      slowest_active = slowest_active ? std::min(*slowest_active, event_time) : event_time;
  }
  // A partition that is heard from but has no reading yet (only bad messages so far) does not
  // hold the watermark back either: it has no event time to hold it at.
  return slowest_active ? slowest_active : latest;
}

std::optional<EpochSeconds> EventTimeWatermark::EventTime(int32_t partition) const {
  auto it = event_time_.find(partition);
  if (it == event_time_.end()) return std::nullopt;
  return it->second;
}

}  // namespace fugong
