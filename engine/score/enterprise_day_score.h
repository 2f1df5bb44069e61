// enterprise_day -> score for one enterprise on one day, from that day's meter rows and the stored
// baseline of the day's window: what a close computes per enterprise.
#pragma once

#include <optional>

#include "engine/baseline/window_baseline.h"
#include "engine/config/engine_config.h"
#include "engine/meter_day/meter_day_cursor.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/score/day_score.h"

namespace fugong {

// `rows`: the enterprise's meter rows of `day` and `day + 1` (a register reading at the 00:00 that
// ends the day belongs to it). E(e,d) sums, in meter-id order, the meters of `baseline` (those
// reported in the window) and those reported on the day; any of them missing makes E missing.
// `temperature`: the county's on `day` (nullopt without weather). The score is taken as if the
// enterprise were active (see day_score.h). An eligible day is also judged by its shape
// (rows.shapes against the baseline's shape), when the config reads day shapes.
DayScore ScoreEnterpriseOn(Day day, const EnterpriseMeterRows& rows, const WindowBaseline& baseline,
                           std::optional<double> temperature, const HolidayCalendar& calendar,
                           const EngineConfig& config);

}  // namespace fugong
