#include "engine/publish/last_year.h"

#include <algorithm>

namespace fugong {

std::optional<Day> SameLunarDayLastYear(Day day, const HolidayCalendar& calendar) {
  const std::optional<Day> festival = calendar.SeasonFestivalOf(day);
  if (!festival) return std::nullopt;
  std::optional<Day> previous;
  for (Day f : calendar.SpringFestivals()) {
    if (f < *festival) previous = f;
  }
  if (!previous) return std::nullopt;
  return *previous + (day - *festival);
}

std::vector<Day> DaysComparedWith(Day day, const HolidayCalendar& calendar) {
  const std::vector<Day> festivals = calendar.SpringFestivals();
  std::vector<Day> out;
  for (size_t k = 1; k < festivals.size(); ++k) {
    const Day candidate = day + (festivals[k] - festivals[k - 1]);
    // Festival gaps repeat (354, 355, 384, 385 days): each candidate once.
    if (SameLunarDayLastYear(candidate, calendar) == day &&
        std::find(out.begin(), out.end(), candidate) == out.end()) {
      out.push_back(candidate);
    }
  }
  return out;
}

std::optional<std::string_view> CompositeTextOf(std::string_view content) {
  // The record's own composite comes before any nested object (last_year), so the first match
  // is the record's.
  constexpr std::string_view kField = ",\"composite\":";
  const size_t at = content.find(kField);
  if (at == std::string_view::npos) return std::nullopt;
  const size_t begin = at + kField.size();
  const size_t end = content.find_first_of(",}", begin);
  const std::string_view value = content.substr(begin, end - begin);
  if (value.empty() || value == "null") return std::nullopt;
  return value;
}

}  // namespace fugong
