// A risk chart CSV (`county_code,date,level`, what `fugong backfill --risk` reads) loaded whole
// into a RiskChart, for the bulletin of an index that was backfilled without it.
#pragma once

#include <string>
#include <vector>

#include "engine/common/status.h"
#include "engine/reference/region_table.h"
#include "engine/reference/risk_chart.h"

namespace fugong {

struct RiskChartFile {
  RiskChart chart;
  int64_t used = 0;
  // One line per rejected line, "FILE line N: reason (detail)", as the backfill would
  // dead-letter them; the bulletin reports them and goes on with the rest, like the backfill.
  std::vector<std::string> rejected;
};

// IOError when the file cannot be read; InvalidArgument for a header without the three columns.
Result<RiskChartFile> LoadRiskChartFile(const std::string& path, const RegionTable& regions);

}  // namespace fugong
