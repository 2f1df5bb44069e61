// How much a synthetic enterprise consumes on a day, and how that energy spreads over the day.
//
// Day energy = base x level x heating x noise, where the level is 1 on a normal working day, the
// enterprise's off level on days off and public holidays, its shutdown level from a season's
// shutdown_from until its resume date, and after it that season's ramp from ramp_start to
// ramp_end on working days (until the next season's shutdown). Heating adds heat_per_degree per
// degree of the county's temperature below 18 C; noise is ~5% per enterprise-day and ~2% per
// meter-day. Interval values add ~5% noise per interval.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "app/generate/prng.h"
#include "app/generate/synthetic_population.h"
#include "app/generate/synthetic_weather.h"
#include "engine/reference/holiday_calendar.h"

namespace fugong::synth {

// Intra-day shapes (share of the day's energy per interval, summing to 1), one per shift pattern
// for working days and a nearly flat one for idle days (days off, shutdown).
class LoadShapes {
 public:
  explicit LoadShapes(int interval_minutes);

  int slots() const { return slots_; }
  const double* Working(ShiftPattern pattern) const {
    return shapes_[static_cast<size_t>(pattern)].data();
  }
  const double* Idle() const { return shapes_[kIdle].data(); }

 private:
  static constexpr size_t kIdle = 4;
  int slots_;
  std::array<std::vector<double>, 5> shapes_;
};

struct EnterpriseDay {
  double kwh = 0;        // all meters together
  bool working = false;  // follows its working shape (else the idle shape)
  // On a working day, the share of kwh drawn flat (the idle shape): a high standby's.
  double flat_share = 0;
};

class LoadModel {
 public:
  LoadModel(uint64_t seed, const HolidayCalendar& calendar, const SyntheticWeather& weather)
      : seed_(seed), calendar_(calendar), weather_(weather) {}

  // For an enterprise active on `day` (the caller checks), `index` its position in the population.
  EnterpriseDay DayOf(const SyntheticEnterprise& e, uint32_t index, Day day) const;

  // A meter's part of its enterprise's day, with the meter-day noise.
  double MeterKwh(const SyntheticMeter& meter, uint32_t meter_index, double enterprise_kwh,
                  Day day) const {
    const uint64_t h = HashOf(Stream::kMeterDay, meter_index, day);
    return enterprise_kwh * meter.share * (1.0 + 0.02 * ApproxNormal(h));
  }

 private:
  uint64_t HashOf(Stream stream, uint32_t index, Day day) const {
    return StreamKey(seed_, stream, index, static_cast<uint64_t>(static_cast<int64_t>(day)));
  }

  uint64_t seed_;
  const HolidayCalendar& calendar_;
  const SyntheticWeather& weather_;
};

}  // namespace fugong::synth
