#include "engine/shape/slot_hours.h"

namespace fugong {

std::vector<uint8_t> SlotHoursOf(Day day, int slots, int interval_minutes, const TimeZone& zone) {
  std::vector<uint8_t> hours(slots > 0 ? slots : 0);
  const EpochSeconds start = zone.StartOfLocalDay(day);
  const int64_t length = zone.LocalDayLengthSeconds(day);
  const int64_t interval = static_cast<int64_t>(interval_minutes) * 60;
  for (int s = 0; s < slots; ++s) {
    int64_t elapsed = s * interval;
    if (elapsed >= length) elapsed = length > 0 ? length - 1 : 0;
    const EpochSeconds instant = start + elapsed;
    const int64_t wall = instant + zone.OffsetAt(instant);
    const int64_t second_of_day = wall - FloorDiv(wall, 86400) * 86400;
    hours[s] = static_cast<uint8_t>(second_of_day / 3600);
  }
  return hours;
}

}  // namespace fugong
