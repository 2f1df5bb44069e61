#include "app/generate/load_model.h"

#include <algorithm>

#include "app/generate/prng.h"

namespace fugong::synth {

namespace {

// Relative load at hour-of-day h (0..24) on a working day.
double WorkingLoad(ShiftPattern pattern, double h) {
  switch (pattern) {
    case ShiftPattern::kTwoShift:  // 06:00-22:00, a lunch dip and a shift change at 14:00
      if (h < 6.0 || h >= 22.0) return 0.18;
      if (h >= 11.5 && h < 12.5) return 0.75;
      if (h >= 14.0 && h < 14.5) return 0.85;
      return 1.0;
    case ShiftPattern::kContinuous:  // three shifts: flat, a little higher by day
      return 1.0 + 0.04 * (h >= 8.0 && h < 20.0);
    case ShiftPattern::kOfficeHours:
      if (h >= 9.0 && h < 11.5) return 1.0;
      if (h >= 11.5 && h < 13.0) return 0.75;
      if (h >= 13.0 && h < 18.0) return 1.0;
      if (h >= 8.0 && h < 9.0) return 0.6;
      if (h >= 18.0 && h < 21.0) return 0.45;
      return 0.15;
    case ShiftPattern::kRetailHours:
      if (h >= 18.0 && h < 21.0) return 1.1;
      if (h >= 9.0 && h < 22.0) return 1.0;
      if (h >= 8.0 && h < 9.0) return 0.5;
      return 0.2;
  }
  return 1.0;
}

// Base load only: lighting, servers, refrigeration.
double IdleLoad(double h) { return (h >= 8.0 && h < 18.0) ? 1.08 : 0.96; }

std::vector<double> Shape(int interval_minutes, double (*load)(ShiftPattern, double),
                          ShiftPattern pattern, bool idle) {
  const int slots = 1440 / interval_minutes;
  std::vector<double> shape(slots);
  double total = 0;
  for (int s = 0; s < slots; ++s) {
    double sum = 0;
    for (int minute = s * interval_minutes; minute < (s + 1) * interval_minutes; ++minute) {
      const double h = (minute + 0.5) / 60.0;
      sum += idle ? IdleLoad(h) : load(pattern, h);
    }
    shape[s] = sum;
    total += sum;
  }
  for (double& x : shape) x /= total;
  return shape;
}

}  // namespace

LoadShapes::LoadShapes(int interval_minutes) : slots_(1440 / interval_minutes) {
  for (size_t p = 0; p < 4; ++p) {
    shapes_[p] = Shape(interval_minutes, WorkingLoad, static_cast<ShiftPattern>(p), false);
  }
  shapes_[kIdle] = Shape(interval_minutes, WorkingLoad, ShiftPattern::kTwoShift, true);
}

EnterpriseDay LoadModel::DayOf(const SyntheticEnterprise& e, uint32_t index, Day day) const {
  // The latest season whose shutdown has begun by `day`, if any: the enterprise is shut in it,
  // or has resumed and follows its ramp.
  const SeasonShutdown* season = nullptr;
  for (const SeasonShutdown& s : e.seasons) {
    if (s.shutdown_from > day) break;
    season = &s;
  }
  double level;
  bool working = false;
  if (season && (!season->resume || day < *season->resume)) {
    level = e.shutdown_level;
    // An idle runner's machines run without work from idle_from until it resumes in 2020.
    if (e.idle_from && day >= *e.idle_from && season->festival == SpringFestival2020()) {
      level = e.idle_level;
    }
  } else if (!IsWorkingDay(e, day, calendar_)) {
    level = e.off_level;
  } else if (season) {
    const double t = std::min(1.0, static_cast<double>(day - *season->resume) / season->ramp_days);
    level = season->ramp_start + (season->ramp_end - season->ramp_start) * t;
    working = true;
  } else {
    level = 1.0;
    working = true;
  }
  const double hdd = std::max(0.0, 18.0 - weather_.CelsiusOf(e.county, day));
  const double noise = 1.0 + 0.05 * ApproxNormal(HashOf(Stream::kEnterpriseDay, index, day));
  // A high standby's working day is its standby, flat, and the work on top of it: the level
  // (of a ramp, say) scales only the work.
  double flat_share = 0;
  if (working && e.standby > 0) {
    const double total = e.standby + level * (1.0 - e.standby);
    flat_share = e.standby / total;
    level = total;
  }
  EnterpriseDay out{e.base_kwh * level * (1.0 + e.heat_per_degree * hdd) * noise, working};
  out.flat_share = flat_share;
  return out;
}

}  // namespace fugong::synth
