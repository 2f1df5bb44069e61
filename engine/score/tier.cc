#include "engine/score/tier.h"

namespace fugong {

Tier TierOf(double published_composite) {
  if (published_composite >= 80) return {1, "T1", "green"};
  if (published_composite >= 60) return {2, "T2", "blue"};
  if (published_composite >= 40) return {3, "T3", "yellow"};
  if (published_composite >= 20) return {4, "T4", "orange"};
  return {5, "T5", "red"};
}

int TierNumber(std::string_view name) {
  return name.size() == 2 && name[0] == 'T' && name[1] >= '1' && name[1] <= '5' ? name[1] - '0' : 0;
}

}  // namespace fugong
