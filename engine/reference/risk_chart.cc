#include "engine/reference/risk_chart.h"

namespace fugong {

RiskChart::Span RiskChart::Set(const std::string& county, Day day, RiskLevel level) {
  std::map<Day, RiskLevel>& entries = by_county_[county];
  entries[day] = level;
  Span span{day, std::nullopt};
  auto next = entries.upper_bound(day);
  if (next != entries.end()) span.until = next->first;
  return span;
}

std::optional<RiskLevel> RiskChart::LevelOn(std::string_view county, Day day) const {
  auto c = by_county_.find(county);
  if (c == by_county_.end()) return std::nullopt;
  auto after = c->second.upper_bound(day);
  if (after == c->second.begin()) return std::nullopt;
  return std::prev(after)->second;
}

}  // namespace fugong
