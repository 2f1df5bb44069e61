#include "engine/reference/weather_table.h"

namespace fugong {

void WeatherTable::Set(const std::string& county, Day day, double temp_mean_c) {
  by_county_[county][day] = temp_mean_c;
}

std::optional<double> WeatherTable::TemperatureOf(std::string_view county, Day day) const {
  auto c = by_county_.find(county);
  if (c == by_county_.end()) return std::nullopt;
  auto d = c->second.find(day);
  if (d == c->second.end()) return std::nullopt;
  return d->second;
}

bool WeatherTable::Covers(std::string_view county, Day from, Day to) const {
  auto c = by_county_.find(county);
  if (c == by_county_.end()) return false;
  // Days are unique keys, so the range is covered when it holds exactly to - from + 1 of them.
  auto lo = c->second.lower_bound(from);
  auto hi = c->second.upper_bound(to);
  return std::distance(lo, hi) == static_cast<long>(to - from + 1);
}

}  // namespace fugong
