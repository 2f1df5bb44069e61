// What the shape of one enterprise-day says (issue 14, docs/day-shape.md): judged or not, and if
// judged, active or not. SPEC's resumed/eligible are untouched; these are counted beside them. A
// day judged not active while its energy says resumed is a suspect of idle running (DayScore).
#pragma once

#include <optional>

#include "engine/shape/day_shape.h"
#include "engine/shape/shape_baseline.h"
#include "engine/shape/shape_rules.h"

namespace fugong {

struct ShapeVerdict {
  bool judged = false;  // the baseline has a day shape, and so do its day type and the day
  bool active = false;  // judged, and a = X(day) / X(day type) >= active_threshold

  bool operator==(const ShapeVerdict&) const = default;
};

// Judges a day of `day_type` (HolidayCalendar::DayTypeOf). `day` is the day's shape, nullopt when
// it has none (no interval reading, or register meters only). Not judged when the baseline has
// no day shape, or the day type's excess is below min_excess_share of the baseline's mean load (a
// day type the enterprise does not work), or the day lacks half its working or base hours.
ShapeVerdict JudgeDayShape(const ShapeBaseline& baseline, int day_type,
                           const std::optional<DayShape>& day, const ShapeRules& rules);

}  // namespace fugong
