#include "engine/publish/risk_matrix.h"

#include <algorithm>

namespace fugong {

bool IsHeldBack(const CountyStanding& county) {
  return county.risk && (*county.risk == RiskLevel::kLow || *county.risk == RiskLevel::kLower) &&
         (county.tier == 4 || county.tier == 5);
}

bool IsAheadOfRisk(const CountyStanding& county) {
  return county.risk &&
         (*county.risk == RiskLevel::kHigh || *county.risk == RiskLevel::kVeryHigh) &&
         (county.tier == 1 || county.tier == 2);
}

RiskMatrix BuildRiskMatrix(std::vector<CountyStanding> counties) {
  std::sort(counties.begin(), counties.end(),
            [](const CountyStanding& a, const CountyStanding& b) { return a.code < b.code; });
  RiskMatrix m;
  for (const CountyStanding& c : counties) {
    if (c.tier < 1 || c.tier > 5) {
      m.unrated.push_back(c.code);
      continue;
    }
    if (!c.risk) {
      m.no_risk.push_back(c.code);
      continue;
    }
    m.cells[static_cast<size_t>(*c.risk)][c.tier - 1].push_back(c.code);
    if (IsHeldBack(c)) m.held_back.push_back(c.code);
    if (IsAheadOfRisk(c)) m.ahead.push_back(c.code);
  }
  return m;
}

}  // namespace fugong
