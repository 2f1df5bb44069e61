// Which local clock hour each interval slot of a day begins in.
//
// A meter-day's slots count elapsed time from local midnight (engine/validate/reading_validator),
// so on a daylight-saving day slot 8 of 15 minutes is not 02:00 on the clock: the working hours
// of an enterprise are read on the clock, so the slots are mapped through the time zone.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/common/date.h"
#include "engine/common/time_zone.h"

namespace fugong {

// The local hour (0..23) in which each of the first `slots` slots of `interval_minutes` on `day`
// begins. A slot past the day's end (the 25th hour's slots on a short day) maps to the last hour
// of the day, where no reading can place it anyway.
std::vector<uint8_t> SlotHoursOf(Day day, int slots, int interval_minutes, const TimeZone& zone);

}  // namespace fugong
