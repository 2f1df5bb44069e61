// The normal shape of one enterprise's day, fitted on the same window and day types as its energy
// baseline (SPEC "Baseline"): which of its hours are working hours and which its base, and how far
// its working hours normally rise above its base on each day type (the excess X).
//
// The hours are read from the enterprise's own data (docs/day-shape.md):
// - the window's mean profile W: each hour's mean load over the window's days (holidays left out);
// - base hours: the `base_hours` hours of W with the lowest load (ties to the earlier hour);
// - working hours: the other hours whose load is at least base + working_level x (peak - base);
// - when W lacks an hour (a meter that never reports it), the fixed 08:00-18:00 working and
//   00:00-05:00 base hours are used, if W has them.
// X on a day type is the mean of that type's profile over the working hours less its mean over the
// base hours. The enterprise has a day shape, and is judged, when the window's X (from W) is at
// least `min_excess_share` of W's mean load.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/date.h"
#include "engine/common/status.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/shape/day_shape.h"
#include "engine/shape/shape_rules.h"

namespace fugong {

class ShapeBaseline {
 public:
  enum class Hours : uint8_t { kNone = 0, kFromData = 1, kFixed = 2 };

  // `shapes`: the enterprise's day shapes, in any order (days outside [from, to] and holidays are
  // left out). InvalidArgument when a day is given twice.
  static Result<ShapeBaseline> Fit(Day from, Day to, std::vector<DatedShape> shapes,
                                   const HolidayCalendar& calendar, const ShapeRules& rules);

  // An enterprise with no interval meters in the window, or too few days: not judged.
  ShapeBaseline() = default;

  // Has a day shape: its days can be judged active or not.
  bool judged() const { return judged_; }
  Hours hours() const { return hours_; }
  uint32_t working_hours() const { return working_; }  // bit h: hour h
  uint32_t base_hours() const { return base_; }
  double mean_kw() const { return mean_kw_; }      // W's mean load
  double excess_kw() const { return excess_kw_; }  // X of W
  int window_days() const { return window_days_; }
  // X of day type `type` (0 = Monday .. 6 = Sunday, a make-up workday a Wednesday); nullopt when
  // the window has no day of that type with enough hours.
  std::optional<double> ExcessOfType(int type) const;

  // X of a day: mean load over its working hours less its mean over its base hours, each over
  // the hours the day has; nullopt when it has fewer than half of either set.
  std::optional<double> ExcessOf(const DayShape& day) const;

  // Fixed-size binary form (doubles as their IEEE-754 bits), for the baseline store.
  std::string Encode() const;
  static std::optional<ShapeBaseline> Decode(std::string_view bytes);

  bool operator==(const ShapeBaseline&) const = default;

 private:
  std::optional<double> ExcessOfProfile(const std::array<double, 24>& kw, uint32_t present) const;

  bool judged_ = false;
  Hours hours_ = Hours::kNone;
  uint32_t working_ = 0;
  uint32_t base_ = 0;
  double mean_kw_ = 0;
  double excess_kw_ = 0;
  int window_days_ = 0;
  uint8_t types_present_ = 0;  // bit t: excess_of_type_[t] is set
  std::array<double, 7> excess_of_type_{};
};

}  // namespace fugong
