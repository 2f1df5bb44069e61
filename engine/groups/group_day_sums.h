// The sums of one group on one day as records are made from them: the counts, and each kWh sum
// rounded once from its exact value (ExactGroupSums::Rounded, exact_group_sums.h), so they are
// the same whatever order the enterprises were added in and however the work was split.
#pragma once

#include <cstdint>

namespace fugong {

struct GroupDaySums {
  uint32_t registered = 0;  // registered and active on the day
  uint32_t eligible = 0;
  uint32_t resumed = 0;
  double recovered_kwh = 0;   // sum of min(E, r_max * B) over the eligible
  double baseline_kwh = 0;    // sum of B over the eligible
  uint32_t shape_judged = 0;  // the day-shape counts over the eligible (issue 14)
  uint32_t active = 0;
  uint32_t suspect_idle = 0;
};

}  // namespace fugong
