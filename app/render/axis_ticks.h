// Where a chart puts its axis ticks and what they say.
#pragma once

#include <string>
#include <vector>

#include "engine/common/date.h"

namespace fugong::render {

struct ValueTicks {
  double lo = 0;  // the axis range, widened to whole steps unless fixed
  double hi = 1;
  double step = 1;
  std::vector<double> values;
};

// About `target_count` round ticks (steps of 1, 2, 2.5 or 5 times a power of ten), or ticks
// every `step` when given and positive. Each end is widened to a whole step unless it is fixed.
ValueTicks NiceValueTicks(double lo, double hi, int target_count, bool fix_lo, bool fix_hi,
                          double step = 0);

// A tick label without needless digits ("20", "2.5").
std::string ValueTickLabel(double value, double step);

struct DateTick {
  Day day;
  std::string label;
};

struct DateTicks {
  std::vector<DateTick> ticks;
  // Day and week ticks are labelled "MM-DD"; this names the year(s) they fall in ("2020",
  // "2019–2020") for the axis caption. Empty for month and year ticks, which carry the year.
  std::string years;
};

// Ticks in [first, last] no closer than `min_px` at `px_per_day`: daily, every 2 days, weekly on
// Mondays, fortnightly, on the 1st of every 1, 2, 3 or 6 months, or yearly.
DateTicks NiceDateTicks(Day first, Day last, double px_per_day, double min_px);

}  // namespace fugong::render
