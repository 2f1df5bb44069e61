// SPEC "last_year": a record compared with the same lunar day of the previous season. Festivals
// move by up to a month from one solar year to the next, so the comparison that means something
// around the Spring Festival is by days from the festival: D' = SF(prev) + (D − SF(D)), SF(D) the
// festival of D's season (the closest one, ties to the later; HolidayCalendar::SeasonFestivalOf)
// and SF(prev) the one before it. State Grid reported the index this way in 2020 (34.77 on
// 2020-02-18 against 88.68 on the same lunar day of 2019).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/date.h"
#include "engine/reference/holiday_calendar.h"

namespace fugong {

// D'; empty when the calendar has no festival for D's season or none before it.
std::optional<Day> SameLunarDayLastYear(Day day, const HolidayCalendar& calendar);

// The days whose D' is `day`: the records that carry `day`'s composite as their last_year, and
// so must be published again when `day`'s records change. Usually one day; none or two near
// the boundary between two seasons of different lengths.
std::vector<Day> DaysComparedWith(Day day, const HolidayCalendar& calendar);

// The composite of a record's content (IndexRecordContent) as written ("88.6800"); empty when
// the record is suppressed (composite null).
std::optional<std::string_view> CompositeTextOf(std::string_view content);

}  // namespace fugong
