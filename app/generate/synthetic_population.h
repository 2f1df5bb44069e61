// The synthetic enterprises and their meters: what enterprises.csv says about them, and the
// hidden parameters of how they consume (the load model) and when they stop and restart around
// each Spring Festival, the 2020 one with the epidemic above all (truth.csv, truth-<year>.csv).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/date.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/region_table.h"

namespace fugong::synth {

// The epidemic season: Spring Festival 2020, and the provincial order that kept firms closed
// until 2020-02-10. Every population lives through it whatever the generated range (days before
// it are normal operation, days after it follow the recovery), so that a day's readings never
// depend on where the range starts or ends.
inline Day SpringFestival2020() { return DayFromCivil(2020, 1, 25); }
inline Day EarliestResume2020() { return DayFromCivil(2020, 2, 10); }

// The ordinary (pre- or post-epidemic) seasons that can shape a day of [from, to]: the calendar's
// Spring Festivals within 120 days before `from` through 12 days after `to`, ascending, 2020
// left out. A season's shutdown starts at most 10 days before its festival and its recovery ends
// well within 120 days after it, so every season that changes a day of the range is drawn.
std::vector<Day> OrdinarySeasonsReaching(Day from, Day to, const HolidayCalendar& calendar);

// The intra-day load shape an enterprise follows on a working day.
enum class ShiftPattern : uint8_t { kTwoShift, kContinuous, kOfficeHours, kRetailHours };

// How an enterprise's day looks beyond its energy (issue 14, docs/day-shape.md): ordinary; a
// high standby drawn flat all day, every day, so that SPEC's energy count calls it working while
// it is stopped; or an idle runner, whose machines run without work (a flat load near normal)
// while it is shut in 2020, so that its energy looks resumed.
enum class ShapeCase : uint8_t { kOrdinary, kHighStandby, kIdleRunner };

// The share of enterprises (never continuous ones) drawn into each ShapeCase but the ordinary.
struct ShapeCaseShares {
  double high_standby = 0;
  double idle_runner = 0;
};

// An enterprise's Spring Festival shutdown and its recovery in one season.
struct SeasonShutdown {
  Day festival = 0;
  Day shutdown_from = 0;      // the first day of the shutdown
  std::optional<Day> resume;  // the first working day after it; empty: never works again
  double ramp_start = 0;      // share of base on the resume date ...
  double ramp_end = 0;        // ... rising linearly to this share ...
  int ramp_days = 1;          // ... over this many calendar days, then staying there
};

struct SyntheticEnterprise {
  // --- enterprises.csv
  int county = 0;        // index into Population::counties
  int category = 0;      // 0..14 for I01..I15
  std::string industry;  // as written: `I07`, or a GB/T 4754 code that maps to the category
  bool above = false;    // above designated size
  bool foreign_trade = false;
  bool ecommerce = false;
  std::optional<Day> active_from;
  std::optional<Day> active_to;

  // --- load model
  double base_kwh = 0;      // all meters together, on a normal working day at 18 C
  uint8_t days_off = 0;     // bit w set: weekday w (0 = Monday) is a day off
  bool continuous = false;  // works every day, public holidays included; never shuts down
  ShiftPattern shift = ShiftPattern::kTwoShift;
  double off_level = 0;        // share of normal consumed on a day off
  double shutdown_level = 0;   // share of normal consumed every day of the shutdown
  double heat_per_degree = 0;  // relative rise per degree below 18 C (0 for most)
  ShapeCase shape_case = ShapeCase::kOrdinary;
  // kHighStandby: the share of normal drawn flat every hour of every day (also its off and
  // shutdown level); on a working day the rest follows its shift pattern.
  double standby = 0;
  // kIdleRunner: from this day until its 2020 resume date (at least 10 days later), it draws
  // idle_level of normal, flat, every day.
  std::optional<Day> idle_from;
  double idle_level = 0;

  // --- the load model and truth: the Spring Festival shutdowns, ascending. Empty for
  // continuous enterprises, which never shut down.
  std::vector<SeasonShutdown> seasons;

  // --- meters: [first_meter, first_meter + meter_count) in Population::meters
  uint32_t first_meter = 0;
  uint32_t meter_count = 0;

  bool ActiveOn(Day day) const {
    return (!active_from || day >= *active_from) && (!active_to || day <= *active_to);
  }
};

struct SyntheticMeter {
  uint32_t enterprise = 0;
  bool is_register = false;
  double share = 1.0;  // of the enterprise's consumption
};

struct Population {
  std::vector<std::string> counties;  // county codes, in the region table's order
  std::vector<SyntheticEnterprise> enterprises;
  std::vector<SyntheticMeter> meters;
  int enterprise_id_width = 6;  // digits after `E`
  int meter_id_width = 7;       // digits after `M`

  // `E000001` for index 0; ids sort in numeric order.
  std::string EnterpriseId(size_t index) const;
  std::string MeterId(size_t index) const;
};

// Whether the enterprise works on `day` when it is not shut down: make-up workdays are working
// days for everyone, public holidays are days off except for continuous enterprises.
bool IsWorkingDay(const SyntheticEnterprise& e, Day day, const HolidayCalendar& calendar);

// Draws `enterprises` enterprises. Each enterprise's attributes come from its own random stream,
// so enterprise i is the same for every population size except for its county (counties are
// dealt from exact quotas: every county gets at least 3 enterprises when there are enough).
// Every enterprise lives through the 2020 season and through `ordinary_seasons` (festival dates,
// ascending, from OrdinarySeasonsReaching), each drawn from a stream of its own (enterprise,
// festival), so adding a season changes nothing else.
// The shape cases come from a stream of their own (Stream::kShapeCase), so with zero shares the
// population is the one drawn before they existed.
Population DrawPopulation(uint64_t seed, int enterprises, double register_fraction,
                          const RegionTable& regions, const HolidayCalendar& calendar,
                          const std::vector<Day>& ordinary_seasons = {},
                          const ShapeCaseShares& shape_cases = {});

// The median delay (days after 2020-02-10) of a county's resumption before its trades are taken
// into account: later in Wenzhou, the hardest-hit city, earlier in Yiwu and Ningbo. The risk
// chart follows the same places (synthetic_risk_chart.h).
double PlaceResumeMedianDays(const std::string& county, const std::string& city);

// enterprises.csv: `enterprise_id,county_code,industry,scale,tags,active_from,active_to`.
std::string EnterprisesCsv(const Population& population);

// The season of `festival` (SpringFestival2020() for truth.csv, an ordinary season for
// truth-<year>.csv): `enterprise_id,resume_date,shutdown_from,days_off,base_kwh_per_day,
// shape_case,idle_from` (shape_case `ordinary`, `high_standby` or `idle_runner`; idle_from only
// for an idle runner).
// resume_date is empty when the enterprise does not work again by `to` (or by its active_to);
// both dates are empty when it did not shut down in that season: continuous enterprises, and in
// an ordinary season one not active then or still shut from the season before.
std::string TruthCsv(const Population& population, Day to, Day festival);

}  // namespace fugong::synth
