#include "engine/score/enterprise_day_score.h"

#include "engine/score/enterprise_scorer.h"
#include "engine/shape/shape_verdict.h"

namespace fugong {

DayScore ScoreEnterpriseOn(Day day, const EnterpriseMeterRows& rows, const WindowBaseline& baseline,
                           std::optional<double> temperature, const HolidayCalendar& calendar,
                           const EngineConfig& config) {
  DayScore out;
  for (const MeterSeries& meter : rows.meters) {
    if (meter.HasDataFor(day)) out.has_data = true;
  }
  // Walk the window's meters and the day's meters together, in id order.
  const std::vector<std::string>& window_meters = baseline.meters();
  bool any_meter = false, estimated = false, missing = false;
  double kwh = 0;
  size_t w = 0, r = 0;
  while (!missing && (w < window_meters.size() || r < rows.meter_ids.size())) {
    MeterEnergy energy;  // missing, not reported: a window meter without a row on the day
    bool in_window = false;
    if (r == rows.meter_ids.size() ||
        (w < window_meters.size() && window_meters[w] < rows.meter_ids[r])) {
      in_window = true;
      ++w;
    } else {
      if (w < window_meters.size() && window_meters[w] == rows.meter_ids[r]) {
        in_window = true;
        ++w;
      }
      energy = rows.meters[r].EnergyOn(day);
      ++r;
    }
    if (!in_window && !energy.reported) continue;  // not one of this day's meters
    any_meter = true;
    if (energy.status == EnergyStatus::kMissing) missing = true;
    estimated = estimated || energy.status == EnergyStatus::kEstimated;
    kwh += energy.kwh;
  }
  std::optional<double> e;
  if (any_meter && !missing) {
    out.energy_status = estimated ? EnergyStatus::kEstimated : EnergyStatus::kComplete;
    out.energy_kwh = kwh;
    e = kwh;
  }
  const EnterpriseScore score = ScoreEnterpriseDay(
      /*active=*/true, baseline.At(day, temperature, calendar, config), e, config);
  out.eligible = score.eligible;
  out.resumed = score.resumed;
  out.recovered_kwh = score.recovered_kwh;
  out.baseline_kwh = score.baseline_kwh;
  if (out.eligible && config.ReadsDayShapes()) {
    std::optional<DayShape> shape;
    for (const DatedShape& s : rows.shapes) {
      if (s.day == day) shape = s.shape;
    }
    const ShapeVerdict verdict =
        JudgeDayShape(baseline.shape(), calendar.DayTypeOf(day), shape, config.shape);
    out.shape_judged = verdict.judged;
    out.active = verdict.active;
    out.suspect_idle = verdict.judged && !verdict.active && out.resumed;
  }
  return out;
}

}  // namespace fugong
