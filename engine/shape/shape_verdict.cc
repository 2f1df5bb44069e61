#include "engine/shape/shape_verdict.h"

namespace fugong {

ShapeVerdict JudgeDayShape(const ShapeBaseline& baseline, int day_type,
                           const std::optional<DayShape>& day, const ShapeRules& rules) {
  ShapeVerdict verdict;
  if (!baseline.judged() || !day) return verdict;
  const std::optional<double> normal = baseline.ExcessOfType(day_type);
  if (!normal || *normal < rules.min_excess_share * baseline.mean_kw()) return verdict;
  const std::optional<double> today = baseline.ExcessOf(*day);
  if (!today) return verdict;
  verdict.judged = true;
  verdict.active = *today / *normal >= rules.active_threshold;
  return verdict;
}

}  // namespace fugong
