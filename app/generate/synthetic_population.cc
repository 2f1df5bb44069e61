#include "app/generate/synthetic_population.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "app/generate/prng.h"

namespace fugong::synth {

namespace {

constexpr int kCategories = 15;

// A Zhejiang-like mix (shares of enterprises, %): manufacturing heavy, with textiles and light
// industry (I03), metal products and equipment (I07) and electrical and electronics (I09) largest,
// and a large trade sector (I13).
constexpr std::array<double, kCategories> kCategoryWeights = {
    2.0, 0.5, 16.0, 6.0, 2.0, 4.0, 15.0, 5.0, 12.0, 4.0, 1.0, 5.0, 14.0, 6.0, 7.5};

// GB/T 4754-2017 divisions of each category (SPEC's table).
const std::vector<int>& DivisionsOf(int category) {
  static const std::array<std::vector<int>, kCategories> kDivisions = [] {
    std::array<std::vector<int>, kCategories> d;
    auto range = [](int lo, int hi) {
      std::vector<int> v;
      for (int i = lo; i <= hi; ++i) v.push_back(i);
      return v;
    };
    d[0] = range(1, 5);
    d[1] = range(6, 12);
    d[2] = range(13, 24);
    d[3] = {25, 26, 28, 29};
    d[4] = {27};
    d[5] = range(30, 32);
    d[6] = range(33, 35);
    d[7] = {36, 37};
    d[8] = range(38, 40);
    d[9] = range(41, 43);
    d[10] = range(44, 46);
    d[11] = range(47, 50);
    d[12] = {51, 52, 61, 62};
    d[13] = range(53, 60);
    for (int i = 63; i <= 65; ++i) d[13].push_back(i);
    d[14] = range(66, 97);
    return d;
  }();
  return kDivisions[category];
}

char SectionOf(int division) {
  static const std::array<std::pair<int, char>, 20> kFirst = {{
      {1, 'A'},  {6, 'B'},  {13, 'C'}, {44, 'D'}, {47, 'E'}, {51, 'F'}, {53, 'G'},
      {61, 'H'}, {63, 'I'}, {66, 'J'}, {70, 'K'}, {71, 'L'}, {73, 'M'}, {76, 'N'},
      {80, 'O'}, {83, 'P'}, {84, 'Q'}, {86, 'R'}, {91, 'S'}, {97, 'T'},
  }};
  char section = 'A';
  for (const auto& [first, letter] : kFirst) {
    if (division >= first) section = letter;
  }
  return section;
}

std::string TwoDigits(int v) {
  return {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
}

// How the industry is written. About 80% give the SPEC category; the rest a GB/T 4754 code in one
// of the forms the engine maps: `C34`, `3411`, `C3411`, `34`, or a section letter that lies in a
// single category (`F`).
std::string IndustryText(int category, Rng& rng) {
  if (rng.Chance(0.8)) return "I" + TwoDigits(category + 1);
  const std::vector<int>& divisions = DivisionsOf(category);
  const int division = divisions[rng.Below(divisions.size())];
  const char section = SectionOf(division);
  const std::string digits = TwoDigits(division);
  const std::string klass = digits + TwoDigits(rng.IntIn(11, 49));
  const double form = rng.Uniform();
  // Sections that hold a single category (everything but manufacturing, C).
  if (form < 0.08 && section != 'C') return std::string(1, section);
  if (form < 0.50) return section + digits;
  if (form < 0.78) return klass;
  if (form < 0.90) return section + klass;
  return digits;
}

// County weights: cities by their share of Zhejiang's industrial enterprises, split over their
// counties with a fixed unevenness, and the big industrial counties (Yiwu above all) boosted.
std::vector<double> CountyWeights(const std::vector<std::string>& counties,
                                  const RegionTable& regions) {
  auto city_weight = [](const std::string& city) {
    static const std::array<std::pair<const char*, double>, 11> kCities = {{
        {"330100", 16},
        {"330200", 16},
        {"330300", 14},
        {"330400", 9},
        {"330500", 6},
        {"330600", 10},
        {"330700", 11},
        {"330800", 3},
        {"330900", 2},
        {"331000", 10},
        {"331100", 3},
    }};
    for (const auto& [code, w] : kCities) {
      if (city == code) return w;
    }
    return 5.0;
  };
  auto county_factor = [](const std::string& county) {
    static const std::array<std::pair<const char*, double>, 11> kBig = {{
        {"330782", 3.0},  // Yiwu
        {"330109", 1.6},
        {"330110", 1.6},
        {"330281", 1.6},
        {"330282", 1.6},
        {"330381", 1.6},
        {"330382", 1.6},
        {"330481", 1.6},
        {"330681", 1.6},
        {"330784", 1.6},
        {"331081", 1.6},
    }};
    for (const auto& [code, f] : kBig) {
      if (county == code) return f;
    }
    uint64_t h = 0;
    for (char c : county) h = SplitMix64(h ^ static_cast<unsigned char>(c));
    return 0.6 + 0.8 * UnitFromBits(h);
  };
  std::vector<int> per_city_count(counties.size(), 0);
  for (size_t i = 0; i < counties.size(); ++i) {
    const std::string& city = regions.CityOf(counties[i]);
    int n = 0;
    for (const std::string& other : counties) n += regions.CityOf(other) == city;
    per_city_count[i] = n;
  }
  std::vector<double> w(counties.size());
  for (size_t i = 0; i < counties.size(); ++i) {
    w[i] =
        city_weight(regions.CityOf(counties[i])) / per_city_count[i] * county_factor(counties[i]);
  }
  return w;
}

// Exact quotas by the largest-remainder method, with at least `floor` each when n allows.
std::vector<int> Quotas(const std::vector<double>& weights, int n) {
  const int k = static_cast<int>(weights.size());
  const int floor = n >= 3 * k ? 3 : 0;
  const int rest = n - floor * k;
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<int> q(k);
  std::vector<std::pair<double, int>> remainders;
  int given = 0;
  for (int i = 0; i < k; ++i) {
    const double exact = rest * weights[i] / total;
    q[i] = floor + static_cast<int>(exact);
    given += q[i];
    remainders.push_back({exact - std::floor(exact), i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (int j = 0; given < n; ++j, ++given) ++q[remainders[j % k].second];
  return q;
}

int DrawCategory(Rng& rng, bool yiwu) {
  std::array<double, kCategories> w = kCategoryWeights;
  if (yiwu) {  // small commodities: trade and light industry
    w[12] *= 2.5;
    w[2] *= 1.5;
  }
  double total = 0;
  for (double x : w) total += x;
  double u = rng.Uniform() * total;
  for (int i = 0; i < kCategories; ++i) {
    if (u < w[i]) return i;
    u -= w[i];
  }
  return kCategories - 1;
}

// Median delay (days after 2020-02-10) and the chance of not resuming at all, by place and trade:
// Wenzhou, the hardest-hit city, clearly later; Yiwu and Ningbo, which chartered trains to bring
// workers back, earlier; utilities and pharmaceuticals early; light industry and trade late.
struct ResumeCurve {
  double median_days;
  double never;
};

ResumeCurve PlaceCurve(const std::string& county, const std::string& city) {
  if (county == "330782") return {4.0, 0.01};
  if (city == "330300") return {14.5, 0.05};
  if (city == "330200") return {5.6, 0.015};
  if (city == "330100") return {7.2, 0.02};
  return {8.0, 0.02};
}

}  // namespace

double PlaceResumeMedianDays(const std::string& county, const std::string& city) {
  return PlaceCurve(county, city).median_days;
}

namespace {

ResumeCurve CurveFor(const std::string& county, const std::string& city, int category, bool above,
                     bool foreign_trade) {
  ResumeCurve c = PlaceCurve(county, city);
  switch (category + 1) {
    case 11:
      c.median_days *= 0.3;
      c.never = 0.0;
      break;
    case 5:
      c.median_days *= 0.5;
      c.never *= 0.5;
      break;
    case 4:
    case 6:
      c.median_days *= 0.8;
      break;
    case 3:
      c.median_days *= 1.3;
      break;
    case 12:
      c.median_days *= 1.5;
      break;
    case 13:
      c.median_days *= 1.4;
      c.never *= 1.3;
      break;
    default:
      break;
  }
  if (above) c.median_days *= 0.8;
  if (foreign_trade) c.median_days *= 0.85;
  return c;
}

// A log-normal size kept within [lo, hi] by reflecting at the bounds in log space, so that the
// tails fold back instead of piling up on the bounds.
double SizeWithin(double median, double sigma, double normal, double lo, double hi) {
  const double log_lo = std::log(lo), log_hi = std::log(hi);
  double l = std::log(median) + sigma * normal;
  if (l < log_lo) l = 2 * log_lo - l;
  if (l > log_hi) l = 2 * log_hi - l;
  return std::clamp(std::exp(l), lo, hi);
}

Day NextWorkingDay(const SyntheticEnterprise& e, Day day, const HolidayCalendar& calendar) {
  for (int i = 0; i < 60; ++i) {
    if (IsWorkingDay(e, day + i, calendar)) return day + i;
  }
  return day;
}

// One of the enterprise's working days 10..2 days before the festival, by `pick` in [0, 1).
Day ShutdownDay(const SyntheticEnterprise& e, Day festival, double pick,
                const HolidayCalendar& calendar) {
  std::vector<Day> candidates;
  for (Day d = festival - 10; d <= festival - 2; ++d) {
    if (IsWorkingDay(e, d, calendar)) candidates.push_back(d);
  }
  return candidates.empty() ? festival - 2
                            : candidates[static_cast<size_t>(pick * candidates.size())];
}

// The first day after the official Spring Festival break (the run of public holidays that holds
// the festival); a week after the festival when the calendar has no such break for that year.
Day FirstDayAfterBreak(Day festival, const HolidayCalendar& calendar) {
  if (!calendar.IsHoliday(festival)) return festival + 7;
  Day day = festival;
  while (calendar.IsHoliday(day)) ++day;
  return day;
}

// The latest delay (days after the break) of an ordinary season's resumption.
constexpr int kOrdinaryMaxDelay = 45;

// The enterprise's seasons, ascending: the epidemic season and the ordinary ones. An ordinary
// season is an ordinary year's Spring Festival: the same shutdown rule as 2020, work again soon
// after the official break (median delay half of the 2020 one, from the first day after the
// break, at most kOrdinaryMaxDelay days; everyone resumes), and a ramp from 60-85% back to the
// level the enterprise worked at before (100% before 2020, the 2020 ramp's end after it) over
// 5-21 days. Each season draws from its own (enterprise, festival) stream. A season is left out
// when the enterprise is not active on its shutdown day or is still shut from the season before.
std::vector<SeasonShutdown> SeasonsOf(uint64_t seed, uint64_t index, const SyntheticEnterprise& e,
                                      const ResumeCurve& curve, const SeasonShutdown& epidemic,
                                      const std::vector<Day>& festivals,
                                      const HolidayCalendar& calendar) {
  std::vector<SeasonShutdown> seasons;
  bool epidemic_added = false;
  const auto add_epidemic = [&] {
    seasons.push_back(epidemic);
    epidemic_added = true;
  };
  for (const Day festival : festivals) {
    if (!epidemic_added && festival > epidemic.festival) add_epidemic();
    Rng rng(StreamKey(seed, Stream::kSeason, index,
                      static_cast<uint64_t>(static_cast<int64_t>(festival))));
    const double shutdown_pick = rng.Uniform();
    const double resume_normal = rng.Normal();
    const double ramp_start = rng.Uniform(0.60, 0.85);
    const int ramp_days = rng.IntIn(5, 21);

    SeasonShutdown s;
    s.festival = festival;
    s.shutdown_from = ShutdownDay(e, festival, shutdown_pick, calendar);
    if (!e.ActiveOn(s.shutdown_from)) continue;
    const SeasonShutdown* before = seasons.empty() ? nullptr : &seasons.back();
    if (before && (!before->resume || *before->resume >= s.shutdown_from)) continue;
    const double median = 0.5 * curve.median_days;
    const double delay =
        std::floor(std::max(0.0, (median + 2.0) * std::exp(0.6 * resume_normal) - 2.0));
    const Day drawn = FirstDayAfterBreak(festival, calendar) +
                      static_cast<Day>(std::min(delay, static_cast<double>(kOrdinaryMaxDelay)));
    s.resume = NextWorkingDay(e, drawn, calendar);
    const double normal = before ? before->ramp_end : 1.0;
    s.ramp_start = ramp_start * normal;
    s.ramp_end = normal;
    s.ramp_days = ramp_days;
    seasons.push_back(s);
  }
  if (!epidemic_added) add_epidemic();
  return seasons;
}

void AppendDate(std::string* out, const std::optional<Day>& day) {
  if (day) *out += FormatDate(*day);
}

std::string Padded(char letter, size_t number, int width) {
  std::string digits = std::to_string(number);
  std::string out(1, letter);
  if (static_cast<int>(digits.size()) < width) out.append(width - digits.size(), '0');
  return out + digits;
}

int DigitsOf(size_t n) { return static_cast<int>(std::to_string(n).size()); }

// Draws the enterprise's ShapeCase from its own stream. A high standby replaces its off and
// shutdown levels (a stopped day is its standby); an idle runner needs a 2020 shutdown to run
// idle in, and is kept shut at least 10 days after idle_from so that the idling shows.
void DrawShapeCase(uint64_t seed, uint64_t index, const ShapeCaseShares& shares,
                   const HolidayCalendar& calendar, SyntheticEnterprise* e) {
  if (e->continuous) return;
  Rng rng(StreamKey(seed, Stream::kShapeCase, index));
  const double pick = rng.Uniform();
  const double standby = rng.Uniform(0.40, 0.60);
  const double idle_level = rng.Uniform(0.60, 0.80);
  const int idle_start = static_cast<int>(rng.IntIn(0, 6));
  const int idle_days = static_cast<int>(rng.IntIn(10, 20));
  if (pick < shares.high_standby) {
    e->shape_case = ShapeCase::kHighStandby;
    e->standby = standby;
    e->off_level = standby;
    e->shutdown_level = standby;
    return;
  }
  // A plant whose working day is flat has no day shape to lose: running idle, it looks as it
  // does at work, and no reading of the shape can tell. Idle runners are drawn among the others.
  if (pick >= shares.high_standby + shares.idle_runner || e->shift == ShiftPattern::kContinuous) {
    return;
  }
  for (SeasonShutdown& season : e->seasons) {
    if (season.festival != SpringFestival2020()) continue;
    e->shape_case = ShapeCase::kIdleRunner;
    e->idle_level = idle_level;
    e->idle_from = EarliestResume2020() + idle_start;
    if (season.resume && *season.resume < *e->idle_from + 10) {
      season.resume = NextWorkingDay(*e, *e->idle_from + idle_days, calendar);
    }
  }
}

}  // namespace

std::vector<Day> OrdinarySeasonsReaching(Day from, Day to, const HolidayCalendar& calendar) {
  std::vector<Day> seasons;
  for (const Day festival : calendar.SpringFestivals()) {
    if (festival >= from - 120 && festival <= to + 12 && festival != SpringFestival2020()) {
      seasons.push_back(festival);
    }
  }
  return seasons;
}

std::string Population::EnterpriseId(size_t index) const {
  return Padded('E', index + 1, enterprise_id_width);
}

std::string Population::MeterId(size_t index) const {
  return Padded('M', index + 1, meter_id_width);
}

bool IsWorkingDay(const SyntheticEnterprise& e, Day day, const HolidayCalendar& calendar) {
  if (e.continuous) return true;
  switch (calendar.KindOf(day)) {
    case DayKind::kMakeupWorkday:
      return true;
    case DayKind::kHoliday:
      return false;
    case DayKind::kOrdinary:
      break;
  }
  return (e.days_off & (1u << WeekdayOf(day))) == 0;
}

Population DrawPopulation(uint64_t seed, int enterprises, double register_fraction,
                          const RegionTable& regions, const HolidayCalendar& calendar,
                          const std::vector<Day>& ordinary_seasons,
                          const ShapeCaseShares& shape_cases) {
  Population p;
  p.counties = regions.counties();
  p.enterprise_id_width = std::max(6, DigitsOf(static_cast<size_t>(enterprises)));

  // Counties: exact quotas, dealt in a shuffled order.
  const std::vector<int> quotas = Quotas(CountyWeights(p.counties, regions), enterprises);
  std::vector<int> county_of;
  county_of.reserve(enterprises);
  for (size_t c = 0; c < quotas.size(); ++c)
    county_of.insert(county_of.end(), quotas[c], static_cast<int>(c));
  Rng shuffle(StreamKey(seed, Stream::kCountyShuffle));
  for (size_t i = county_of.size(); i > 1; --i)
    std::swap(county_of[i - 1], county_of[shuffle.Below(i)]);

  const Day festival = SpringFestival2020();
  p.enterprises.resize(enterprises);
  for (int i = 0; i < enterprises; ++i) {
    Rng rng(StreamKey(seed, Stream::kEnterprise, static_cast<uint64_t>(i)));
    SyntheticEnterprise& e = p.enterprises[i];
    e.county = county_of[i];
    const std::string& county = p.counties[e.county];
    const std::string& city = regions.CityOf(county);
    const bool yiwu = county == "330782";
    e.category = DrawCategory(rng, yiwu);
    e.industry = IndustryText(e.category, rng);
    e.above = rng.Chance(0.3);
    const bool manufacturing = e.category >= 2 && e.category <= 9;
    e.foreign_trade = rng.Chance(yiwu ? 0.4 : (manufacturing ? 0.17 : 0.12));
    e.ecommerce = rng.Chance(yiwu ? 0.3 : (e.category == 12 ? 0.2 : 0.06));
    const double life = rng.Uniform();
    if (life < 0.01) {  // opened shortly before the festival: a short baseline
      e.active_from = DayFromCivil(2019, 12, 16) + rng.IntIn(0, 29);
    } else if (life < 0.02) {  // closed for good during the epidemic
      e.active_to = DayFromCivil(2020, 2, 1) + rng.IntIn(0, 59);
    }

    // Size: log-normal, larger above designated size and in heavy industry.
    static constexpr std::array<double, kCategories> kSizeFactor = {
        0.6, 1.5, 1.0, 3.0, 1.5, 3.0, 1.0, 1.2, 1.0, 0.8, 2.0, 0.7, 0.5, 0.6, 0.5};
    const double median = (e.above ? 3000.0 : 250.0) * kSizeFactor[e.category];
    e.base_kwh = SizeWithin(median, e.above ? 1.0 : 0.9, rng.Normal(), 50.0, 50000.0);

    const int code = e.category + 1;
    e.continuous = code == 11 || ((code == 4 || code == 6) && rng.Chance(0.35));
    if (code == 4 || code == 6 || code == 11) {
      e.shift = ShiftPattern::kContinuous;
    } else if (code == 13) {
      e.shift = ShiftPattern::kRetailHours;
    } else if (code == 14 || code == 15) {
      e.shift = ShiftPattern::kOfficeHours;
    } else {
      e.shift = ShiftPattern::kTwoShift;
    }
    const double week = rng.Uniform();
    if (!e.continuous) {
      const double five_day = code == 15 ? 0.5 : 0.2;
      if (week < five_day) {
        e.days_off = (1u << 5) | (1u << 6);
      } else if (week < five_day + 0.3) {
        e.days_off = 1u << 6;
      }
    }
    // 5-7% on a day off keeps such days below 10% of the weekly mean, so the engine sees them as
    // days the enterprise normally does not work.
    e.off_level = rng.Uniform(0.05, 0.07);
    e.shutdown_level = rng.Uniform(0.03, 0.12);
    e.heat_per_degree = rng.Chance(0.4) ? rng.Uniform(0.01, 0.03) : 0.0;
    SeasonShutdown epidemic;
    epidemic.festival = festival;
    epidemic.ramp_start = rng.Uniform(0.45, 0.70);
    epidemic.ramp_end = rng.Uniform(0.85, 1.05);
    epidemic.ramp_days = rng.IntIn(7, 28);

    // Draws are made whether or not they are used, so that one attribute never shifts another.
    const double shutdown_pick = rng.Uniform();
    const double resume_normal = rng.Normal();
    const double never_pick = rng.Uniform();
    const ResumeCurve curve = CurveFor(county, city, e.category, e.above, e.foreign_trade);
    if (!e.continuous) {
      epidemic.shutdown_from = ShutdownDay(e, festival, shutdown_pick, calendar);
      if (never_pick >= curve.never) {
        // Log-normal around the median, shifted so that a first batch restarts on the
        // first allowed day (~10%), with a long tail.
        const double delay = std::floor(
            std::max(0.0, (curve.median_days + 3.0) * std::exp(0.8 * resume_normal) - 3.0));
        const Day drawn = EarliestResume2020() + static_cast<Day>(std::min(delay, 3650.0));
        epidemic.resume = NextWorkingDay(e, drawn, calendar);
      }
      e.seasons =
          SeasonsOf(seed, static_cast<uint64_t>(i), e, curve, epidemic, ordinary_seasons, calendar);
    }

    DrawShapeCase(seed, static_cast<uint64_t>(i), shape_cases, calendar, &e);

    const double meters_pick = rng.Uniform();
    const int meters = meters_pick < 0.6 ? 1 : (meters_pick < 0.9 ? 2 : 3);
    e.first_meter = static_cast<uint32_t>(p.meters.size());
    e.meter_count = meters;
    double shares[3];
    double total = 0;
    for (int m = 0; m < meters; ++m) total += shares[m] = rng.Uniform(0.5, 1.5);
    for (int m = 0; m < meters; ++m) {
      SyntheticMeter meter;
      meter.enterprise = static_cast<uint32_t>(i);
      meter.share = shares[m] / total;
      meter.is_register = rng.Chance(register_fraction);
      p.meters.push_back(meter);
    }
  }
  p.meter_id_width = std::max(7, DigitsOf(p.meters.size()));
  return p;
}

std::string EnterprisesCsv(const Population& p) {
  std::string out = "enterprise_id,county_code,industry,scale,tags,active_from,active_to\n";
  out.reserve(p.enterprises.size() * 48);
  for (size_t i = 0; i < p.enterprises.size(); ++i) {
    const SyntheticEnterprise& e = p.enterprises[i];
    out += p.EnterpriseId(i);
    out += ',';
    out += p.counties[e.county];
    out += ',';
    out += e.industry;
    out += e.above ? ",above," : ",below,";
    if (e.foreign_trade) out += "foreign_trade";
    if (e.foreign_trade && e.ecommerce) out += ';';
    if (e.ecommerce) out += "ecommerce";
    out += ',';
    AppendDate(&out, e.active_from);
    out += ',';
    AppendDate(&out, e.active_to);
    out += '\n';
  }
  return out;
}

std::string TruthCsv(const Population& p, Day to, Day festival) {
  std::string out =
      "enterprise_id,resume_date,shutdown_from,days_off,base_kwh_per_day,shape_case,idle_from\n";
  out.reserve(p.enterprises.size() * 48);
  for (size_t i = 0; i < p.enterprises.size(); ++i) {
    const SyntheticEnterprise& e = p.enterprises[i];
    const SeasonShutdown* season = nullptr;
    for (const SeasonShutdown& s : e.seasons) {
      if (s.festival == festival) season = &s;
    }
    out += p.EnterpriseId(i);
    out += ',';
    const Day last = e.active_to ? std::min(to, *e.active_to) : to;
    if (season && season->resume && *season->resume <= last) out += FormatDate(*season->resume);
    out += ',';
    if (season) out += FormatDate(season->shutdown_from);
    out += ',';
    bool first = true;
    for (int w = 0; w < 7; ++w) {
      if (e.days_off & (1u << w)) {
        if (!first) out += ';';
        out += static_cast<char>('0' + w);
        first = false;
      }
    }
    char kwh[32];
    std::snprintf(kwh, sizeof kwh, ",%.1f,", e.base_kwh);
    out += kwh;
    out += e.shape_case == ShapeCase::kHighStandby  ? "high_standby,"
           : e.shape_case == ShapeCase::kIdleRunner ? "idle_runner,"
                                                    : "ordinary,";
    if (e.idle_from) out += FormatDate(*e.idle_from);
    out += '\n';
  }
  return out;
}

}  // namespace fugong::synth
