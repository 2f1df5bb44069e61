#include "engine/score/enterprise_scorer.h"

#include <algorithm>

namespace fugong {

EnterpriseScore ScoreEnterpriseDay(bool active, const BaselineEstimate& baseline,
                                   std::optional<double> energy_kwh, const EngineConfig& config) {
  EnterpriseScore score;
  const double b = baseline.expected_kwh;
  // A valid baseline has Bbar >= min_baseline_kwh > 0, so an eligible B is positive and E / B is
  // defined.
  score.eligible = active && baseline.valid && energy_kwh.has_value() &&
                   b >= config.working_day_fraction * baseline.mean_kwh && b > 0;
  if (!score.eligible) return score;

  const double e = *energy_kwh;
  score.ratio = std::clamp(e / b, 0.0, config.r_max);
  score.resumed = score.ratio >= config.resume_threshold;
  // min(E, r_max * B); E is never negative upstream, the lower bound only keeps a bad value
  // from subtracting from a group's recovered energy.
  score.recovered_kwh = std::clamp(e, 0.0, config.r_max * b);
  score.baseline_kwh = b;
  score.energy_kwh = e;
  return score;
}

}  // namespace fugong
