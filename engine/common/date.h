// Calendar days and instants.
//
// A Day is a count of days since 1970-01-01 in the proleptic Gregorian calendar. Local days are
// always computed by the caller from an instant and the configured UTC offset, so nothing here
// reads the machine's time zone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fugong {

using Day = int32_t;
using EpochSeconds = int64_t;

struct CivilDate {
  int year;
  int month;  // 1..12
  int day;    // 1..31
};

Day DayFromCivil(int year, int month, int day);
CivilDate CivilFromDay(Day day);

// 0 = Monday .. 6 = Sunday.
int WeekdayOf(Day day);

// Parses `YYYY-MM-DD`. Returns false on anything else (including 2020-02-30).
bool ParseDate(std::string_view text, Day* out);
std::string FormatDate(Day day);
// Writes exactly 10 characters.
void FormatDateTo(Day day, char* out);

// Parses an ISO-8601 instant with an explicit offset (`2020-02-16T00:15:00+08:00`,
// `...Z`, fractional seconds allowed and must be zero) or an integer of epoch seconds.
// Returns false when the text is not one of those.
bool ParseInstant(std::string_view text, EpochSeconds* out);

// The floor division that local-day arithmetic needs for instants before 1970.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace fugong
