// The running sums of one group on one day. Enterprises are added in id order, so the
// floating-point sums are the same whatever order the readings arrived in.
#pragma once

#include <cstdint>
#include <vector>

namespace fugong {

struct GroupDaySums {
  uint32_t registered = 0;  // registered and active on the day
  uint32_t eligible = 0;
  uint32_t resumed = 0;
  double recovered_kwh = 0;  // sum of min(E, r_max * B) over the eligible
  double baseline_kwh = 0;   // sum of B over the eligible
};

// Adds one enterprise's day to the sums of its groups (`sums` indexed by group). Callers add
// enterprises in id order.
template <typename Score>
void AddToGroupSums(bool active, const Score* score, const std::vector<uint32_t>& groups,
                    std::vector<GroupDaySums>* sums) {
  if (!active) return;
  for (uint32_t g : groups) ++(*sums)[g].registered;
  if (score == nullptr || !score->eligible) return;
  for (uint32_t g : groups) {
    GroupDaySums& s = (*sums)[g];
    ++s.eligible;
    s.resumed += score->resumed ? 1 : 0;
    s.recovered_kwh += score->recovered_kwh;
    s.baseline_kwh += score->baseline_kwh;
  }
}

}  // namespace fugong
