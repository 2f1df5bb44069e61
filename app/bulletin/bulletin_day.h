// What the daily bulletin prints for one day, gathered from the published records of that day
// (and the province's record of the day before): the province's composite with its day-on-day
// and last-year change, the counties for both maps, the risk x tier matrix and its two lists,
// the highest and lowest counties, the industries, and the guidance by zone.
//
// Like the matrix and the guidance, the bulletin is a view of published records: every figure
// in it is a published figure or a sum of published figures, so it never shows what suppression
// hid (see resumption_guidance.h for how the zone sums leave suppressed groups out).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/bulletin/day_record_source.h"
#include "app/published_figures.h"
#include "engine/publish/resumption_guidance.h"
#include "engine/publish/risk_matrix.h"
#include "engine/reference/region_table.h"
#include "engine/reference/risk_chart.h"

namespace fugong {

// The guidance table's row for one zone (risk level) on the day, with the resumption of its
// recommended categories against the others summed over the zone's counties.
struct ZoneGuidance {
  RiskLevel level = RiskLevel::kLow;
  bool covered = false;  // a period of the table covers the day for this zone
  std::set<std::string> recommended;
  int counties = 0;  // the zone's counties on the day
  SideResumption recommended_side, others_side;
};

struct BulletinDay {
  Day date = 0;
  PublishedFigures province;
  std::optional<PublishedFigures> previous_day;  // the province's record of date - 1, if any
  std::vector<PublishedFigures> counties;        // in code order
  RiskMatrix matrix;
  bool has_risk = false;                     // some county has a risk level on the day
  std::vector<PublishedFigures> highest;     // by composite, highest first (ties: code)
  std::vector<PublishedFigures> lowest;      // lowest first (ties: code)
  std::vector<PublishedFigures> industries;  // in code order
  bool guidance_configured = false;
  std::vector<ZoneGuidance> zones;  // kRiskLevels' order; empty without a guidance table
};

struct BulletinInputs {
  const RegionTable* regions = nullptr;
  const GuidanceTable* guidance = nullptr;  // null: no guidance section
  int min_group_size = 0;                   // the run's, for the zone sums' suppression
  // When given, each county's level is the chart's on the day (`fugong bulletin --risk FILE`
  // over an index that was backfilled without it), in place of what the records carry.
  const RiskChart* risk = nullptr;
  size_t ranked = 10;  // counties in each of the highest and lowest lists
};

// NotFound when the day has no province or no county record.
Result<BulletinDay> CollectBulletinDay(Day day, const DayRecordSource& source,
                                       const BulletinInputs& inputs);

}  // namespace fugong
