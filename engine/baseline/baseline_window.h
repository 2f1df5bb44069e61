// The baseline window: the days whose consumption defines an enterprise's normal level.
#pragma once

#include "engine/common/date.h"
#include "engine/common/status.h"
#include "engine/config/engine_config.h"
#include "engine/reference/holiday_calendar.h"

namespace fugong {

// A run of days, both ends included.
struct DayRange {
  Day from;
  Day to;

  int length() const { return to - from + 1; }
  bool Contains(Day day) const { return day >= from && day <= to; }
};

// The window that `scored_day` is scored against: `baseline_from`..`baseline_to` when configured;
// otherwise the `baseline_days` days ending `baseline_gap_days` days before the Spring Festival
// of the day's season (HolidayCalendar::SeasonFestivalOf). The gap days lie strictly between the
// window and the festival: for the 2020 festival (01-25) the gap is 01-10..01-24 and the window
// 2019-11-29..2020-01-09. NotFound when no window is configured and the calendar has no festival.
Result<DayRange> BaselineWindowFor(Day scored_day, const EngineConfig& config,
                                   const HolidayCalendar& calendar);

}  // namespace fugong
