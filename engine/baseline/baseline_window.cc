#include "engine/baseline/baseline_window.h"

#include <optional>

namespace fugong {

Result<DayRange> BaselineWindowFor(Day scored_day, const EngineConfig& config,
                                   const HolidayCalendar& calendar) {
  if (config.baseline_from.has_value() != config.baseline_to.has_value()) {
    return Status::InvalidArgument("baseline_from and baseline_to must be set together");
  }
  if (config.baseline_from) {
    if (*config.baseline_from > *config.baseline_to) {
      return Status::InvalidArgument("baseline_from " + FormatDate(*config.baseline_from) +
                                     " is after baseline_to " + FormatDate(*config.baseline_to));
    }
    return DayRange{*config.baseline_from, *config.baseline_to};
  }
  if (config.baseline_days < 1 || config.baseline_gap_days < 0) {
    return Status::InvalidArgument("baseline_days must be positive and baseline_gap_days >= 0");
  }
  const std::optional<Day> festival = calendar.SeasonFestivalOf(scored_day);
  if (!festival) {
    return Status::NotFound(
        "no baseline window for " + FormatDate(scored_day) +
        ": the calendar has no Spring Festival dates; set baseline_from and baseline_to");
  }
  const Day to = *festival - config.baseline_gap_days - 1;
  return DayRange{to - config.baseline_days + 1, to};
}

}  // namespace fugong
