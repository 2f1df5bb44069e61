// The running sums of one group on one day. Enterprises are added in id order, so the
// floating-point sums are the same whatever order the readings arrived in.
#pragma once

#include <cstdint>

namespace fugong {

struct GroupDaySums {
  uint32_t registered = 0;  // registered and active on the day
  uint32_t eligible = 0;
  uint32_t resumed = 0;
  double recovered_kwh = 0;  // sum of min(E, r_max * B) over the eligible
  double baseline_kwh = 0;   // sum of B over the eligible
};

}  // namespace fugong
