#include "engine/reference/holiday_calendar.h"

#include <cstdlib>
#include <stdexcept>

#include "engine/reference/builtin_tables.h"
#include "engine/reference/csv_table.h"

namespace fugong {

Result<HolidayCalendar> HolidayCalendar::Parse(std::string_view calendar_csv,
                                               std::string_view spring_festival_csv,
                                               const std::string& source) {
  HolidayCalendar cal;
  Result<CsvTable> csv = CsvTable::Parse(calendar_csv, source);
  if (!csv.ok()) return csv.status();
  const int c_date = csv->Column("date"), c_type = csv->Column("type");
  if (c_date < 0 || c_type < 0) return Status::InvalidArgument(source + ": needs date, type");
  for (size_t i = 0; i < csv->rows().size(); ++i) {
    const auto& row = csv->rows()[i];
    const std::string where = source + ":" + std::to_string(csv->LineOf(i));
    Day day;
    if (!ParseDate(row[c_date], &day)) {
      return Status::InvalidArgument(where + ": not a date: " + row[c_date]);
    }
    DayKind kind;
    if (row[c_type] == "holiday") {
      kind = DayKind::kHoliday;
    } else if (row[c_type] == "workday") {
      kind = DayKind::kMakeupWorkday;
    } else {
      return Status::InvalidArgument(where + ": type must be holiday or workday");
    }
    auto [it, inserted] = cal.special_.emplace(day, kind);
    if (!inserted && it->second != kind) {
      return Status::InvalidArgument(where + ": " + row[c_date] + " is both holiday and workday");
    }
  }
  if (!spring_festival_csv.empty()) {
    Result<CsvTable> sf = CsvTable::Parse(spring_festival_csv, "spring_festival.csv");
    if (!sf.ok()) return sf.status();
    const int c_year = sf->Column("year"), c_sf = sf->Column("date");
    if (c_year < 0 || c_sf < 0) return Status::InvalidArgument("spring_festival.csv: year, date");
    for (const auto& row : sf->rows()) {
      Day day;
      if (!ParseDate(row[c_sf], &day)) return Status::InvalidArgument("bad festival " + row[c_sf]);
      cal.festivals_[std::atoi(row[c_year].c_str())] = day;
    }
  }
  return cal;
}

const HolidayCalendar& HolidayCalendar::China() {
  static const HolidayCalendar* cal = [] {
    Result<HolidayCalendar> c = Parse(BuiltinTable("calendar_cn.csv"),
                                      BuiltinTable("spring_festival.csv"), "calendar_cn.csv");
    if (!c.ok()) throw std::logic_error("built-in calendar: " + c.status().ToString());
    return new HolidayCalendar(std::move(c).value());
  }();
  return *cal;
}

DayKind HolidayCalendar::KindOf(Day day) const {
  auto it = special_.find(day);
  return it == special_.end() ? DayKind::kOrdinary : it->second;
}

int HolidayCalendar::DayTypeOf(Day day) const {
  return KindOf(day) == DayKind::kMakeupWorkday ? 2 : WeekdayOf(day);
}

std::optional<Day> HolidayCalendar::SeasonFestivalOf(Day day) const {
  std::optional<Day> best;
  for (const auto& [year, festival] : festivals_) {
    const int distance = std::abs(festival - day);
    if (!best || distance < std::abs(*best - day) ||
        (distance == std::abs(*best - day) && festival > *best)) {
      best = festival;
    }
  }
  return best;
}

std::vector<Day> HolidayCalendar::SpringFestivals() const {
  std::vector<Day> out;
  for (const auto& [year, festival] : festivals_) out.push_back(festival);
  return out;
}

}  // namespace fugong
