// One enterprise on one day: eligible? resumed? and what it adds to its groups' energy sums.
#pragma once

#include <optional>

#include "engine/baseline/baseline_estimate.h"
#include "engine/config/engine_config.h"

namespace fugong {

struct EnterpriseScore {
  bool eligible = false;
  bool resumed = false;
  double ratio = 0;          // r = E / B clipped to [0, r_max]
  double recovered_kwh = 0;  // min(E, r_max * B)
  double baseline_kwh = 0;   // B
  double energy_kwh = 0;     // E
};

// SPEC "Scoring a day". Eligible: `active`, a valid baseline, E present and
// B >= working_day_fraction x Bbar (a day on which the enterprise normally works). Resumed:
// eligible and r >= resume_threshold. A score that is not eligible is all zeros and not resumed,
// so callers can add every score to the group sums unconditionally.
// `energy_kwh` is E(e,d), nullopt when missing.
EnterpriseScore ScoreEnterpriseDay(bool active, const BaselineEstimate& baseline,
                                   std::optional<double> energy_kwh, const EngineConfig& config);

}  // namespace fugong
