// The health commission's five-colour county risk chart of February 2020, as `fugong generate`
// writes it (risk.csv, `county_code,date,level`). The number of counties at each level on each
// chart date follows what Zhejiang published: the first chart, on 2020-02-09, rated 1 county very
// high, 12 high and 12 low of 90; by 2020-02-24, 82 were low and none high or very high; on
// 2020-02-27, 88 were low and 2 lower. The split of the remaining counties between medium and
// lower, and the charts between those dates, are illustrative, not official.
//
// Which county gets which level follows a severity drawn for each county around the median
// resumption delay of its enterprises (the truth; its place's, PlaceResumeMedianDays, when it has
// fewer than 3): the epidemic is what keeps a county's firms closed, so Wenzhou's counties, the
// hardest hit and the latest to resume, are rated highest. Risk and resumption are therefore
// correlated in the generated province, as the matrix of one index and two maps expects: a
// diagonal, with a few counties off it (the severity's noise).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/generate/synthetic_population.h"
#include "engine/common/date.h"
#include "engine/reference/region_table.h"

namespace fugong::synth {

// How many counties a chart rates at each level, very_high first.
struct RiskChartCounts {
  Day date;
  int counts[5];  // very_high, high, medium, lower, low; they add up to 90
};

// The chart dates of February 2020 and their counts.
const std::vector<RiskChartCounts>& Zhejiang2020RiskCharts();

// risk.csv: every chart dated on or before `to`, each rating every county of `regions` (a chart
// that does not cover all 90 counties of Zhejiang is scaled to its counties).
std::string RiskChartCsv(uint64_t seed, const RegionTable& regions, const Population& population,
                         Day to);

}  // namespace fugong::synth
