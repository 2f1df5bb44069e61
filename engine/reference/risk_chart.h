// The epidemic risk chart: each county's risk level from the dates the health commission
// published it. An entry holds from its date until the county's next entry (SPEC, "risk").
//
// The chart is a side input like the weather: the backfill reads all of it before it publishes,
// the stream adds entries as they come, and an entry that arrives after the days it covers were
// published revises exactly those days' county records (see Set).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "engine/common/date.h"
#include "engine/model/risk_level.h"

namespace fugong {

class RiskChart {
 public:
  // The days whose level an entry can change: [from, until), `until` empty when the entry is
  // the county's last (it holds from then on).
  struct Span {
    Day from;
    std::optional<Day> until;
    bool Contains(Day day) const { return day >= from && (!until || day < *until); }
  };

  // Sets the county's entry of `day` (a later entry for the same county and day replaces the
  // earlier one); returns the days whose level it may have changed.
  Span Set(const std::string& county, Day day, RiskLevel level);
  // The level of the latest entry on or before `day`; none before the county's first entry.
  std::optional<RiskLevel> LevelOn(std::string_view county, Day day) const;
  bool empty() const { return by_county_.empty(); }

 private:
  std::map<std::string, std::map<Day, RiskLevel>, std::less<>> by_county_;
};

}  // namespace fugong
