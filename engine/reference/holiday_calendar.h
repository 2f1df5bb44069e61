// Public holidays, make-up workdays and Spring Festival dates.
//
// The built-in calendar is China's (schemas/calendar_cn.csv, schemas/spring_festival.csv). A user
// calendar (`date, type` with type `holiday` or `workday`) replaces it; it has no Spring Festival,
// so the baseline window must then be configured explicitly.
#pragma once

#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/common/date.h"
#include "engine/common/status.h"

namespace fugong {

enum class DayKind { kOrdinary, kHoliday, kMakeupWorkday };

class HolidayCalendar {
 public:
  static const HolidayCalendar& China();
  // `spring_festival_csv` (`year, date`) may be empty.
  static Result<HolidayCalendar> Parse(std::string_view calendar_csv,
                                       std::string_view spring_festival_csv,
                                       const std::string& source);

  DayKind KindOf(Day day) const;
  bool IsHoliday(Day day) const { return KindOf(day) == DayKind::kHoliday; }

  // The baseline model's day type: 0 = Monday .. 6 = Sunday, a make-up workday counting as
  // Wednesday (2). A holiday keeps its real weekday.
  int DayTypeOf(Day day) const;

  // The Spring Festival closest to `day` (the later one on a tie): the "season" a day is scored
  // in. Empty when the calendar has no Spring Festival dates.
  std::optional<Day> SeasonFestivalOf(Day day) const;
  bool has_spring_festivals() const { return !festivals_.empty(); }
  // Every Spring Festival date of the calendar, ascending.
  std::vector<Day> SpringFestivals() const;

 private:
  std::map<Day, DayKind> special_;
  std::map<int, Day> festivals_;  // year -> date
};

}  // namespace fugong
