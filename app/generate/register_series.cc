#include "app/generate/register_series.h"

#include <cmath>

#include "app/generate/prng.h"

namespace fugong::synth {

RegisterSeries::RegisterSeries(uint64_t seed, const Population& p, const LoadModel& model, Day from,
                               Day to, bool rollover)
    : from_(from), midnights_(static_cast<size_t>(to - from + 2)), row_of_(p.meters.size(), -1) {
  std::vector<uint32_t> rows;
  for (uint32_t m = 0; m < p.meters.size(); ++m) {
    if (p.meters[m].is_register) {
      row_of_[m] = static_cast<int>(rows.size());
      rows.push_back(m);
    }
  }
  values_.assign(rows.size() * midnights_, -1);

  // The rollover: a meter of an enterprise active throughout, reset at a midnight after the first.
  int rollover_row = -1;
  Day rollover_at = from;
  int64_t rollover_value = 0;
  if (rollover) {
    std::vector<int> candidates;
    for (size_t r = 0; r < rows.size(); ++r) {
      const SyntheticEnterprise& e = p.enterprises[p.meters[rows[r]].enterprise];
      if (!e.active_from && !e.active_to) candidates.push_back(static_cast<int>(r));
    }
    if (!candidates.empty()) {
      Rng rng(StreamKey(seed, Stream::kRollover));
      rollover_row = candidates[rng.Below(candidates.size())];
      rollover_at = from + 1 + static_cast<Day>(rng.Below(static_cast<uint64_t>(to - from + 1)));
      rollover_value = static_cast<int64_t>(rng.IntIn(0, 50000));  // 0..50 kWh
      rollovers_ = 1;
    }
  }

  for (size_t r = 0; r < rows.size(); ++r) {
    const uint32_t m = rows[r];
    const SyntheticMeter& meter = p.meters[m];
    const SyntheticEnterprise& e = p.enterprises[meter.enterprise];
    Rng rng(StreamKey(seed, Stream::kRegister, m));
    int64_t value = static_cast<int64_t>(rng.Uniform(1000.0, 900000.0) * 1000.0);
    int64_t* row = &values_[r * midnights_];
    for (Day midnight = from; midnight <= to + 1; ++midnight) {
      // A reading at a midnight that opens or closes an active day.
      if (!e.ActiveOn(midnight) && !e.ActiveOn(midnight - 1)) continue;
      if (static_cast<int>(r) == rollover_row && midnight == rollover_at) value = rollover_value;
      row[midnight - from] = value;
      if (midnight <= to && e.ActiveOn(midnight)) {
        const double kwh =
            model.MeterKwh(meter, m, model.DayOf(e, meter.enterprise, midnight).kwh, midnight);
        value += static_cast<int64_t>(std::llround(kwh * 1000.0));
      }
    }
  }
}

}  // namespace fugong::synth
