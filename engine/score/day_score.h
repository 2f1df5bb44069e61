// One enterprise on one closed day, as the enterprise_day store keeps it: its energy E(e,d) and
// its score against the baseline of the day's window. A day's group sums are taken from these
// rows, so late input that changes one enterprise on one day rescores that row only.
//
// The score is taken as if the enterprise were active: whether it is active on the day is the
// registry's to say when the day is summed (AddToGroupSums), so a registry change needs no rescore.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/meter_day/meter_day_energy.h"

namespace fugong {

struct DayScore {
  bool has_data = false;  // some meter has data for the day (decides the published range)
  bool eligible = false;
  bool resumed = false;
  // The day's shape (issue 14, engine/shape/shape_verdict.h), only on eligible days: judged, and
  // then active or not; suspect_idle when judged, not active and resumed.
  bool shape_judged = false;
  bool active = false;
  bool suspect_idle = false;
  EnergyStatus energy_status = EnergyStatus::kMissing;
  double energy_kwh = 0;     // E(e,d); 0 when missing
  double recovered_kwh = 0;  // min(E, r_max * B) when eligible
  double baseline_kwh = 0;   // B(e,d) when eligible

  bool operator==(const DayScore&) const = default;

  // Fixed-size binary form (doubles as their IEEE-754 bits).
  std::string Encode() const;
  static std::optional<DayScore> Decode(std::string_view bytes);
};

// A day's score of one enterprise, as days are scored and summed: in id order.
struct ScoredEnterprise {
  std::string id;
  DayScore score;
};

}  // namespace fugong
