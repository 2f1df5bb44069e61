#include "app/render/axis_ticks.h"

#include <algorithm>
#include <cmath>

#include "app/render/svg_text.h"

namespace fugong::render {

ValueTicks NiceValueTicks(double lo, double hi, int target_count, bool fix_lo, bool fix_hi,
                          double step) {
  ValueTicks t;
  if (!(hi > lo)) {  // also catches NaN
    // A flat series still needs an axis with some height.
    const double pad = std::max(1.0, std::fabs(lo) * 0.1);
    if (!fix_lo) lo -= pad;
    if (!fix_hi || !(hi > lo)) hi = lo + 2 * pad;
  }
  if (!(step > 0) || (hi - lo) / step > 50) {
    const double raw = (hi - lo) / std::max(1, target_count);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    step = 10 * mag;
    for (double m : {1.0, 2.0, 2.5, 5.0}) {
      if (m * mag >= raw) {
        step = m * mag;
        break;
      }
    }
  }
  t.step = step;
  t.lo = fix_lo ? lo : std::floor(lo / step + 1e-9) * step;
  t.hi = fix_hi ? hi : std::ceil(hi / step - 1e-9) * step;
  for (double v = std::ceil(t.lo / step - 1e-9) * step; v <= t.hi + step * 1e-9; v += step) {
    t.values.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  }
  return t;
}

std::string ValueTickLabel(double value, double step) {
  int decimals = 0;
  while (decimals < 6 && std::fabs(step * std::pow(10.0, decimals) -
                                   std::round(step * std::pow(10.0, decimals))) > 1e-6) {
    ++decimals;
  }
  return SvgNumber(value, decimals);
}

namespace {

enum class Unit { kDay, kWeek, kMonth, kYear };

struct Spacing {
  Unit unit;
  int n;
  double days;  // approximate length, to compare with the room available
};

constexpr Spacing kSpacings[] = {
    {Unit::kDay, 1, 1},      {Unit::kDay, 2, 2},       {Unit::kWeek, 1, 7},
    {Unit::kWeek, 2, 14},    {Unit::kMonth, 1, 30.4},  {Unit::kMonth, 2, 60.9},
    {Unit::kMonth, 3, 91.3}, {Unit::kMonth, 6, 182.6}, {Unit::kYear, 1, 365.2},
    {Unit::kYear, 2, 730.5}, {Unit::kYear, 5, 1826},   {Unit::kYear, 10, 3652},
    {Unit::kYear, 50, 18262}};

std::string TwoDigits(int v) { return std::string(1, '0' + v / 10) + std::string(1, '0' + v % 10); }

}  // namespace

DateTicks NiceDateTicks(Day first, Day last, double px_per_day, double min_px) {
  DateTicks out;
  if (last < first) std::swap(first, last);
  Spacing s = kSpacings[std::size(kSpacings) - 1];
  for (const Spacing& candidate : kSpacings) {
    if (candidate.days * px_per_day >= min_px) {
      s = candidate;
      break;
    }
  }
  auto day_label = [](Day d) {
    const CivilDate c = CivilFromDay(d);
    return TwoDigits(c.month) + "-" + TwoDigits(c.day);
  };
  switch (s.unit) {
    case Unit::kDay:
      for (Day d = first; d <= last; d += s.n) out.ticks.push_back({d, day_label(d)});
      break;
    case Unit::kWeek: {
      Day d = first + (7 - WeekdayOf(first)) % 7;  // the first Monday
      for (; d <= last; d += 7 * s.n) out.ticks.push_back({d, day_label(d)});
      break;
    }
    case Unit::kMonth: {
      CivilDate c = CivilFromDay(first);
      int y = c.year, m = c.month;
      if (c.day != 1) ++m;
      for (;; ++m) {
        if (m > 12) m = 1, ++y;
        const Day d = DayFromCivil(y, m, 1);
        if (d > last) break;
        if ((m - 1) % s.n == 0) {
          out.ticks.push_back({d, std::to_string(y) + "-" + TwoDigits(m)});
        }
      }
      break;
    }
    case Unit::kYear: {
      const int y0 = CivilFromDay(first).year, y1 = CivilFromDay(last).year;
      for (int y = y0; y <= y1 + 1; ++y) {
        const Day d = DayFromCivil(y, 1, 1);
        if (d >= first && d <= last && y % s.n == 0) out.ticks.push_back({d, std::to_string(y)});
      }
      break;
    }
  }
  if (out.ticks.empty()) {
    out.ticks.push_back({first, FormatDate(first)});  // carries its year itself
    return out;
  }
  if (s.unit == Unit::kDay || s.unit == Unit::kWeek) {
    const int y0 = CivilFromDay(first).year, y1 = CivilFromDay(last).year;
    out.years = y0 == y1 ? std::to_string(y0) : std::to_string(y0) + "–" + std::to_string(y1);
  }
  return out;
}

}  // namespace fugong::render
