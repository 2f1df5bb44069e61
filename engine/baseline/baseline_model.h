// The fitted baseline of one enterprise for one window and one set of weather columns.
//
//   calendar: B = b0 + effect[day type] + bh * HDD + bc * CDD   (Monday is the base, effect 0)
//   mean:     B = Bbar, the same every day
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "engine/common/status.h"
#include "engine/config/engine_config.h"

namespace fugong {

struct BaselineModel {
  // Day types 1..6 (Tuesday..Sunday); Monday (0) is the base and has no dummy.
  static constexpr int kWeekdayEffects = 6;

  BaselineMethod method = BaselineMethod::kMean;  // the method actually used
  // Why `calendar` fell back to `mean` ("fewer than 14 valid days", "Saturday has fewer than 2
  // valid days", "rank deficient"); empty when no fallback happened, including when `mean` was
  // configured.
  std::string fallback_reason;
  int valid_days = 0;   // window days with E that are not public holidays
  double mean_kwh = 0;  // Bbar: mean E over the valid days (0 when there are none)
  bool valid = false;   // Bbar >= min_baseline_kwh

  // Calendar coefficients; all 0 for `mean`.
  double intercept = 0;                                  // b0: a Monday at HDD = CDD = 0
  std::array<double, kWeekdayEffects> weekday_effect{};  // Tuesday..Sunday minus Monday
  bool uses_hdd = false;
  double hdd_coefficient = 0;  // kWh per heating degree-day
  bool uses_cdd = false;
  double cdd_coefficient = 0;  // kWh per cooling degree-day

  // B for a day of `day_type` (0 = Monday .. 6 = Sunday; a make-up workday is 2, a holiday its
  // real weekday) with the given degree-days; a column the model does not use is ignored.
  // Throws std::out_of_range for a day type outside 0..6 (a programming error).
  double Predict(int day_type, double hdd, double cdd) const;

  // A versioned little-endian binary form for the baseline store. Doubles are stored as their
  // IEEE-754 bits, so Decode(Encode(m)) reproduces every value exactly.
  std::string Encode() const;
  // Corruption when `bytes` is not an encoding this version can read.
  static Result<BaselineModel> Decode(std::string_view bytes);

  bool operator==(const BaselineModel&) const = default;
};

}  // namespace fugong
