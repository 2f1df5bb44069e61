// The cumulative values of the register meters: one daily frozen reading at each local midnight
// from `from` 00:00 through `to`+1 00:00 while the enterprise is active, rising by the meter's day
// energy. With faults on, one register meter (of an enterprise active throughout) resets once to a
// small value - a rollover, so that one meter-day has a negative difference.
#pragma once

#include <cstdint>
#include <vector>

#include "app/generate/load_model.h"
#include "app/generate/synthetic_population.h"

namespace fugong::synth {

class RegisterSeries {
 public:
  RegisterSeries(uint64_t seed, const Population& population, const LoadModel& model, Day from,
                 Day to, bool rollover);

  // The row of a register meter, -1 for an interval meter.
  int RowOf(uint32_t meter) const { return row_of_[meter]; }
  // Milli-kWh on the register at local midnight `midnight` (from..to+1), or -1 when the meter
  // sends no reading then.
  int64_t ValueAt(int row, Day midnight) const {
    return values_[static_cast<size_t>(row) * midnights_ + static_cast<size_t>(midnight - from_)];
  }
  uint64_t rollovers() const { return rollovers_; }

 private:
  Day from_;
  size_t midnights_;
  std::vector<int> row_of_;
  std::vector<int64_t> values_;
  uint64_t rollovers_ = 0;
};

}  // namespace fugong::synth
