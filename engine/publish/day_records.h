// Turns one day's group sums into index records and decides their revisions: the last step of
// both the backfill and the stream.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "engine/config/engine_config.h"
#include "engine/groups/group_catalog.h"
#include "engine/groups/group_day_sums.h"
#include "engine/publish/index_publisher.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/risk_chart.h"

namespace fugong {

struct DayRecords {
  std::vector<std::pair<std::string, std::string>> all;      // key, record: every group's
  std::vector<std::pair<std::string, std::string>> changed;  // those new or revised now
};

// Records of `day` for every group with an enterprise registered and active on it; revisions
// go into `batch` through `publisher`. County records carry the county's level of `risk` on the
// day (`risk` may be null: no chart).
Status PublishDayRecords(Day day, const GroupCatalog& catalog,
                         const std::vector<GroupDaySums>& sums, const HolidayCalendar& calendar,
                         const RiskChart* risk, const EngineConfig& config,
                         IndexPublisher* publisher, StateBatch* batch, DayRecords* out);

}  // namespace fugong
