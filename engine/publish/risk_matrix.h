// "One index, two maps": a day's counties placed by epidemic risk level (the health commission's
// chart) against resumption tier (the index), and the two lists officials act on.
//   held back:          risk low or lower,      but tier T4 or T5 (safe, yet not resuming)
//   ahead of its risk:  risk high or very_high, but tier T1 or T2 (resuming despite the risk)
// A view of published county records: it changes no record.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "engine/model/risk_level.h"

namespace fugong {

// One county on one day, as its published record says.
struct CountyStanding {
  std::string code;
  std::optional<RiskLevel> risk;  // none: no chart entry covers the day
  int tier = 0;                   // 1 (T1) .. 5 (T5); 0: suppressed, no tier
};

bool IsHeldBack(const CountyStanding& county);
bool IsAheadOfRisk(const CountyStanding& county);

struct RiskMatrix {
  // cells[risk][tier - 1]: county codes, ascending. Risk in kRiskLevels' order (very_high first).
  std::array<std::array<std::vector<std::string>, 5>, 5> cells;
  std::vector<std::string> held_back;  // ascending codes
  std::vector<std::string> ahead;
  std::vector<std::string> no_risk;  // a tier but no chart entry
  std::vector<std::string> unrated;  // suppressed (no tier), with or without a level
};

RiskMatrix BuildRiskMatrix(std::vector<CountyStanding> counties);

}  // namespace fugong
