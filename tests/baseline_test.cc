// The baseline: window, valid days, calendar fit and its fallbacks, weather columns, storage form.
// Expected values are worked out by hand from the synthetic data, not by re-running the fit.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/baseline/baseline_fitter.h"
#include "engine/baseline/baseline_model.h"
#include "engine/baseline/baseline_samples.h"
#include "engine/baseline/baseline_window.h"
#include "engine/baseline/enterprise_baseline.h"
#include "engine/common/date.h"
#include "engine/config/engine_config.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/weather_table.h"

namespace fugong {
namespace {

constexpr double kTol = 1e-9;
constexpr char kCounty[] = "330102";

Day D(const char* text) {
  Day d = 0;
  EXPECT_TRUE(ParseDate(text, &d)) << text;
  return d;
}

const HolidayCalendar& Cn() { return HolidayCalendar::China(); }

// 2019-11-29 (Fri) .. 2020-01-09 (Thu): six of each weekday; 2020-01-01 (Wed) is a holiday.
DayRange Window2020() { return {D("2019-11-29"), D("2020-01-09")}; }

// An enterprise's consumption by day type: Monday 100, Tuesday..Friday 110, Saturday 60,
// Sunday 20, i.e. b0 = 100 and effects Tue..Sun = +10 +10 +10 +10 -40 -80.
constexpr std::array<double, 7> kWeekLoad = {100, 110, 110, 110, 110, 60, 20};
constexpr std::array<double, 6> kWeekEffects = {10, 10, 10, 10, -40, -80};
// Over Window2020's 41 valid days: 6x100 + 6x110 + 5x110 + 6x110 + 6x110 + 6x60 + 6x20.
constexpr double kWeekLoadSum2020 = 3610;

std::vector<DayEnergy> WeekLoadOver(DayRange w) {
  std::vector<DayEnergy> out;
  for (Day d = w.from; d <= w.to; ++d) out.push_back({d, kWeekLoad[Cn().DayTypeOf(d)]});
  return out;
}

BaselineSamples Samples(DayRange w, std::vector<DayEnergy> obs, const WeatherTable* weather,
                        const EngineConfig& config) {
  Result<BaselineSamples> s =
      BaselineSamples::Collect(w, std::move(obs), weather, kCounty, Cn(), config);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(s).value();
}

BaselineModel Fit(DayRange w, std::vector<DayEnergy> obs, const EngineConfig& config,
                  const WeatherTable* weather = nullptr, WeatherColumns columns = {}) {
  return FitBaselineModel(Samples(w, std::move(obs), weather, config), columns, config);
}

// The defaults, alive for the whole test run: an EnterpriseBaseline keeps its config to fit
// lazily, so it must not be handed a temporary (Create takes a pointer so that it cannot be).
const EngineConfig* Defaults() {
  static const EngineConfig config;
  return &config;
}

EnterpriseBaseline Baseline(DayRange w, std::vector<DayEnergy> obs, const EngineConfig* config,
                            const WeatherTable* weather = nullptr) {
  Result<EnterpriseBaseline> b =
      EnterpriseBaseline::Create(w, std::move(obs), weather, kCounty, &Cn(), config);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return std::move(b).value();
}

void ExpectWeekLoadCoefficients(const BaselineModel& m) {
  EXPECT_EQ(m.method, BaselineMethod::kCalendar) << m.fallback_reason;
  EXPECT_EQ(m.fallback_reason, "");
  EXPECT_NEAR(m.intercept, 100, kTol);
  for (int k = 0; k < 6; ++k) EXPECT_NEAR(m.weekday_effect[k], kWeekEffects[k], kTol) << k;
  for (int t = 0; t < 7; ++t) EXPECT_NEAR(m.Predict(t, 0, 0), kWeekLoad[t], kTol) << t;
}

// --- Window --------------------------------------------------------------------------------

TEST(BaselineWindowTest, Default2020WindowEndsFifteenDaysBeforeTheFestival) {
  EngineConfig config;
  for (const char* scored : {"2020-02-16", "2020-02-09", "2019-12-01", "2020-03-31"}) {
    Result<DayRange> w = BaselineWindowFor(D(scored), config, Cn());
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_EQ(FormatDate(w->from), "2019-11-29") << scored;
    EXPECT_EQ(FormatDate(w->to), "2020-01-09") << scored;
    EXPECT_EQ(w->length(), 42);
  }
}

TEST(BaselineWindowTest, Default2021Window) {
  // Festival 2021-02-12: gap 01-28..02-11 (15 days), window ends 01-27 and starts 41 days earlier.
  Result<DayRange> w = BaselineWindowFor(D("2021-02-20"), EngineConfig{}, Cn());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(FormatDate(w->from), "2020-12-17");
  EXPECT_EQ(FormatDate(w->to), "2021-01-27");
}

TEST(BaselineWindowTest, ConfiguredWindowWins) {
  EngineConfig config;
  config.baseline_from = D("2019-09-02");
  config.baseline_to = D("2019-09-29");
  Result<DayRange> w = BaselineWindowFor(D("2020-02-16"), config, Cn());
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(FormatDate(w->from), "2019-09-02");
  EXPECT_EQ(FormatDate(w->to), "2019-09-29");
}

TEST(BaselineWindowTest, ConfiguredWindowMustBeWhole) {
  EngineConfig config;
  config.baseline_from = D("2019-09-02");
  EXPECT_EQ(BaselineWindowFor(D("2020-02-16"), config, Cn()).status().code(),
            Status::Code::kInvalidArgument);
}

TEST(BaselineWindowTest, NoFestivalAndNoWindowIsNotFound) {
  Result<HolidayCalendar> cal =
      HolidayCalendar::Parse("date,type\n2020-05-01,holiday\n", "", "user_calendar.csv");
  ASSERT_TRUE(cal.ok()) << cal.status().ToString();
  Result<DayRange> w = BaselineWindowFor(D("2020-02-16"), EngineConfig{}, *cal);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), Status::Code::kNotFound);
  EXPECT_NE(w.status().message().find("baseline_from"), std::string::npos);

  EngineConfig config;  // a configured window needs no festival
  config.baseline_from = D("2020-01-01");
  config.baseline_to = D("2020-01-31");
  EXPECT_TRUE(BaselineWindowFor(D("2020-02-16"), config, *cal).ok());
}

// --- Calendar fit ------------------------------------------------------------------------------

TEST(BaselineFitTest, CalendarFitRecoversWeekdayEffects) {
  const BaselineModel m = Fit(Window2020(), WeekLoadOver(Window2020()), EngineConfig{});
  ExpectWeekLoadCoefficients(m);
  EXPECT_EQ(m.valid_days, 41);
  EXPECT_EQ(m.mean_kwh, kWeekLoadSum2020 / 41);
  EXPECT_TRUE(m.valid);
  EXPECT_FALSE(m.uses_hdd);
  EXPECT_FALSE(m.uses_cdd);
}

TEST(BaselineFitTest, HolidayInWindowIsLeftOutOfTheFit) {
  std::vector<DayEnergy> absurd = WeekLoadOver(Window2020());
  std::vector<DayEnergy> without;
  for (DayEnergy& o : absurd) {
    if (o.day == D("2020-01-01")) {
      o.kwh = 1e9;
    } else {
      without.push_back(o);
    }
  }
  const BaselineModel with_holiday = Fit(Window2020(), absurd, EngineConfig{});
  ExpectWeekLoadCoefficients(with_holiday);
  EXPECT_EQ(with_holiday.valid_days, 41);
  EXPECT_EQ(with_holiday.mean_kwh, kWeekLoadSum2020 / 41);
  EXPECT_EQ(with_holiday, Fit(Window2020(), without, EngineConfig{}));
}

TEST(BaselineFitTest, MakeupWorkdayInWindowCountsAsWednesday) {
  // 2019-10-08 (Tue) .. 2019-11-18 (Mon): no holiday; 2019-10-12 is a Saturday make-up workday.
  // WeekLoadOver gives it Wednesday's 110: the fit is exact only if it is a Wednesday.
  const DayRange w{D("2019-10-08"), D("2019-11-18")};
  ASSERT_EQ(w.length(), 42);
  ASSERT_EQ(Cn().KindOf(D("2019-10-12")), DayKind::kMakeupWorkday);
  const BaselineModel m = Fit(w, WeekLoadOver(w), EngineConfig{});
  ExpectWeekLoadCoefficients(m);
  EXPECT_EQ(m.valid_days, 42);
}

TEST(BaselineFitTest, LongWindowIsFittedToo) {
  // 2019-09-01..2019-12-31: 122 days, more than the fixed-capacity (64-row) path holds;
  // holidays 09-13..09-15 and 10-01..10-07; make-up workdays 09-29 (Sun) and 10-12 (Sat).
  const DayRange w{D("2019-09-01"), D("2019-12-31")};
  ASSERT_EQ(w.length(), 122);
  const BaselineModel m = Fit(w, WeekLoadOver(w), EngineConfig{});
  ExpectWeekLoadCoefficients(m);
  EXPECT_EQ(m.valid_days, 122 - 10);
}

TEST(BaselineFitTest, ObservationsOutsideTheWindowAreIgnored) {
  std::vector<DayEnergy> obs = WeekLoadOver(Window2020());
  obs.push_back({D("2019-11-28"), 5e8});
  obs.push_back({D("2020-01-10"), 5e8});
  EXPECT_EQ(Fit(Window2020(), obs, EngineConfig{}),
            Fit(Window2020(), WeekLoadOver(Window2020()), EngineConfig{}));
}

TEST(BaselineFitTest, RepeatedDayIsAnError) {
  std::vector<DayEnergy> obs = WeekLoadOver(Window2020());
  obs.push_back({D("2019-12-02"), 100});
  Result<BaselineSamples> s =
      BaselineSamples::Collect(Window2020(), obs, nullptr, kCounty, Cn(), EngineConfig{});
  EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
  obs.pop_back();
  obs[4].kwh = NAN;  // 2019-12-03
  s = BaselineSamples::Collect(Window2020(), obs, nullptr, kCounty, Cn(), EngineConfig{});
  EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
}

TEST(BaselineFitTest, FitDoesNotDependOnObservationOrder) {
  // Irregular values with a heating term, so the coefficients are not round numbers.
  const DayRange w = Window2020();
  WeatherTable weather;
  std::vector<DayEnergy> obs;
  for (Day d = w.from; d <= w.to + 10; ++d) {
    const int i = d - w.from;
    const double t = 1.5 + std::fmod(i * 3.7, 11.0);
    weather.Set(kCounty, d, t);
    if (d <= w.to)
      obs.push_back({d, kWeekLoad[Cn().DayTypeOf(d)] + 3.5 * (18 - t) + std::sin(i * 1.3) * 7.1});
  }
  const BaselineModel sorted = Fit(w, obs, EngineConfig{}, &weather, WeatherColumns{true, false});
  ASSERT_EQ(sorted.method, BaselineMethod::kCalendar);
  ASSERT_TRUE(sorted.uses_hdd);
  auto bits = [](const BaselineModel& m) {
    std::vector<uint64_t> b = {std::bit_cast<uint64_t>(m.mean_kwh),
                               std::bit_cast<uint64_t>(m.intercept),
                               std::bit_cast<uint64_t>(m.hdd_coefficient)};
    for (double e : m.weekday_effect) b.push_back(std::bit_cast<uint64_t>(e));
    return b;
  };
  std::mt19937 rng(20200216);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(obs.begin(), obs.end(), rng);
    const BaselineModel shuffled =
        Fit(w, obs, EngineConfig{}, &weather, WeatherColumns{true, false});
    EXPECT_EQ(bits(shuffled), bits(sorted)) << "round " << round;
  }
  // And through EnterpriseBaseline, which sorts too.
  std::reverse(obs.begin(), obs.end());
  EnterpriseBaseline reversed = Baseline(w, obs, Defaults(), &weather);
  EXPECT_EQ(bits(reversed.ModelAt(w.to + 5)), bits(sorted));
}

// --- Fallbacks to mean ----------------------------------------------------------------------

TEST(BaselineFallbackTest, FewerThanFourteenValidDaysIsMean) {
  // 2019-12-02 (Mon) .. 12-14 (Sat): 13 days of 10, 11, ..., 22; mean 16.
  std::vector<DayEnergy> obs;
  for (int i = 0; i < 13; ++i) obs.push_back({D("2019-12-02") + i, 10.0 + i});
  const BaselineModel m = Fit(Window2020(), obs, EngineConfig{});
  EXPECT_EQ(m.method, BaselineMethod::kMean);
  EXPECT_EQ(m.fallback_reason, "fewer than 14 valid days");
  EXPECT_EQ(m.valid_days, 13);
  EXPECT_EQ(m.mean_kwh, 16);
  EXPECT_TRUE(m.valid);
  for (int t = 0; t < 7; ++t) EXPECT_EQ(m.Predict(t, 5, 5), 16) << t;
}

TEST(BaselineFallbackTest, FourteenDaysTwoOfEachTypeIsCalendar) {
  // 2019-12-02 (Mon) .. 12-15 (Sun): exactly 14 valid days, two of each type.
  std::vector<DayEnergy> obs;
  for (Day d = D("2019-12-02"); d <= D("2019-12-15"); ++d) {
    obs.push_back({d, kWeekLoad[WeekdayOf(d)]});
  }
  ExpectWeekLoadCoefficients(Fit(Window2020(), obs, EngineConfig{}));
}

TEST(BaselineFallbackTest, DayTypeWithOneValidDayIsMean) {
  // Keep one Saturday of six: 36 valid days, sum 600 + 660 + 550 + 660 + 660 + 60 + 120 = 3310.
  std::vector<DayEnergy> obs;
  for (const DayEnergy& o : WeekLoadOver(Window2020())) {
    if (WeekdayOf(o.day) != 5 || o.day == D("2019-12-07")) obs.push_back(o);
  }
  const BaselineModel m = Fit(Window2020(), obs, EngineConfig{});
  EXPECT_EQ(m.method, BaselineMethod::kMean);
  EXPECT_EQ(m.fallback_reason, "Saturday has fewer than 2 valid days");
  EXPECT_EQ(m.valid_days, 36);
  EXPECT_EQ(m.mean_kwh, 3310.0 / 36);
  EXPECT_EQ(m.Predict(0, 0, 0), 3310.0 / 36);
  EXPECT_EQ(m.Predict(6, 0, 0), 3310.0 / 36);
}

TEST(BaselineFallbackTest, ConfiguredMeanIsNotAFallback) {
  EngineConfig config;
  config.baseline_method = BaselineMethod::kMean;
  EnterpriseBaseline b = Baseline(Window2020(), WeekLoadOver(Window2020()), &config);
  EXPECT_EQ(b.ModelAt(D("2020-02-17")).method, BaselineMethod::kMean);
  EXPECT_EQ(b.ModelAt(D("2020-02-17")).fallback_reason, "");
  for (const char* day : {"2020-02-16", "2020-02-17", "2020-01-19"}) {
    const BaselineEstimate e = b.At(D(day));
    EXPECT_EQ(e.method, BaselineMethod::kMean);
    EXPECT_EQ(e.expected_kwh, kWeekLoadSum2020 / 41) << day;
    EXPECT_EQ(e.mean_kwh, kWeekLoadSum2020 / 41);
  }
}

TEST(BaselineFallbackTest, MeanBelowOneKwhIsInvalid) {
  std::vector<DayEnergy> obs = WeekLoadOver(Window2020());
  for (DayEnergy& o : obs) o.kwh = 0.5;
  EnterpriseBaseline b = Baseline(Window2020(), obs, Defaults());
  EXPECT_FALSE(b.valid());
  EXPECT_FALSE(b.At(D("2020-02-17")).valid);
  EXPECT_EQ(b.At(D("2020-02-17")).mean_kwh, 0.5);

  for (DayEnergy& o : obs) o.kwh = 1.0;  // exactly min_baseline_kwh: valid
  EXPECT_TRUE(Baseline(Window2020(), obs, Defaults()).At(D("2020-02-17")).valid);
}

TEST(BaselineFallbackTest, NoValidDayIsInvalidMean) {
  EnterpriseBaseline b = Baseline(Window2020(), {}, Defaults());
  EXPECT_EQ(b.valid_days(), 0);
  EXPECT_EQ(b.mean_kwh(), 0);
  EXPECT_FALSE(b.At(D("2020-02-17")).valid);
  EXPECT_EQ(b.ModelAt(D("2020-02-17")).fallback_reason, "fewer than 14 valid days");
}

TEST(BaselineFallbackTest, RankDeficientIsMean) {
  // 10 degrees every day: HDD is 8 on every valid day, the intercept column times 8.
  const DayRange w = Window2020();
  WeatherTable weather;
  for (Day d = w.from; d <= D("2020-02-29"); ++d) weather.Set(kCounty, d, 10.0);
  EnterpriseBaseline b = Baseline(w, WeekLoadOver(w), Defaults(), &weather);
  const BaselineModel& m = b.ModelAt(D("2020-02-17"));
  EXPECT_EQ(m.method, BaselineMethod::kMean);
  EXPECT_EQ(m.fallback_reason, "rank deficient");
  EXPECT_EQ(b.At(D("2020-02-17")).expected_kwh, kWeekLoadSum2020 / 41);
  EXPECT_EQ(b.At(D("2020-02-17")).method, BaselineMethod::kMean);
}

// --- EnterpriseBaseline: scored days -------------------------------------------------------

TEST(BaselineEnterpriseTest, ScoredDayTypes) {
  EnterpriseBaseline b = Baseline(Window2020(), WeekLoadOver(Window2020()), Defaults());
  EXPECT_EQ(b.valid_days(), 41);
  EXPECT_TRUE(b.valid());
  const BaselineEstimate monday = b.At(D("2020-02-17"));
  EXPECT_TRUE(monday.valid);
  EXPECT_EQ(monday.method, BaselineMethod::kCalendar);
  EXPECT_NEAR(monday.expected_kwh, 100, kTol);
  EXPECT_EQ(monday.mean_kwh, kWeekLoadSum2020 / 41);
  EXPECT_NEAR(b.At(D("2020-02-16")).expected_kwh, 20, kTol);  // Sunday
  EXPECT_NEAR(b.At(D("2020-02-15")).expected_kwh, 60, kTol);  // Saturday
  // 2020-01-19 is a Sunday make-up workday: scored as a Wednesday.
  EXPECT_NEAR(b.At(D("2020-01-19")).expected_kwh, 110, kTol);
  // Spring Festival holidays keep their real weekday: 01-25 Saturday, 01-27 Monday.
  EXPECT_NEAR(b.At(D("2020-01-25")).expected_kwh, 60, kTol);
  EXPECT_NEAR(b.At(D("2020-01-27")).expected_kwh, 100, kTol);
  // The holiday inside the window (2020-01-01, Wednesday) is scored as a Wednesday too.
  EXPECT_NEAR(b.At(D("2020-01-01")).expected_kwh, 110, kTol);
}

// --- Weather columns -------------------------------------------------------------------------

// Weather for kCounty on every day of [from, to] except `gaps`: T = 2 + (i mod 9), i the day's
// offset from `from`, so HDD = 16 - (i mod 9), between 8 and 16 and never a weekly pattern.
double HeatingTemp(int i) { return 2.0 + (i % 9); }

WeatherTable HeatingWeather(Day from, Day to, std::vector<Day> gaps = {}) {
  WeatherTable weather;
  for (Day d = from; d <= to; ++d) {
    if (std::find(gaps.begin(), gaps.end(), d) == gaps.end()) {
      weather.Set(kCounty, d, HeatingTemp(d - from));
    }
  }
  return weather;
}

// E = weekday load + 3.5 x HDD.
std::vector<DayEnergy> HeatingLoadOver(DayRange w) {
  std::vector<DayEnergy> out;
  for (Day d = w.from; d <= w.to; ++d) {
    out.push_back({d, kWeekLoad[Cn().DayTypeOf(d)] + 3.5 * (18 - HeatingTemp(d - w.from))});
  }
  return out;
}

// The no-weather calendar fit predicts a day type's mean over the valid days of that type.
double MeanOfType(const std::vector<DayEnergy>& obs, int day_type) {
  double sum = 0;
  int n = 0;
  for (const DayEnergy& o : obs) {
    if (!Cn().IsHoliday(o.day) && Cn().DayTypeOf(o.day) == day_type) {
      sum += o.kwh;
      ++n;
    }
  }
  return sum / n;
}

TEST(BaselineWeatherTest, HeatingColumnRecoversItsCoefficient) {
  const DayRange w = Window2020();
  const Day scored = D("2020-02-17");  // a Monday
  WeatherTable weather = HeatingWeather(w.from, D("2020-02-29"));
  weather.Set(kCounty, scored, 0.0);            // HDD 18
  weather.Set(kCounty, D("2020-02-20"), 18.0);  // a Thursday at HDD 0
  EnterpriseBaseline b = Baseline(w, HeatingLoadOver(w), Defaults(), &weather);
  const BaselineModel& m = b.ModelAt(scored);
  ASSERT_EQ(m.method, BaselineMethod::kCalendar) << m.fallback_reason;
  EXPECT_TRUE(m.uses_hdd);
  EXPECT_FALSE(m.uses_cdd);  // winter: CDD is 0 on every day
  EXPECT_NEAR(m.hdd_coefficient, 3.5, kTol);
  EXPECT_NEAR(m.intercept, 100, kTol);
  for (int k = 0; k < 6; ++k) EXPECT_NEAR(m.weekday_effect[k], kWeekEffects[k], kTol);
  EXPECT_NEAR(b.At(scored).expected_kwh, 100 + 3.5 * 18, kTol);
  EXPECT_NEAR(b.At(D("2020-02-20")).expected_kwh, 110, kTol);
}

TEST(BaselineWeatherTest, ScoredDayWithoutWeatherUsesTheNoWeatherFit) {
  const DayRange w = Window2020();
  const Day scored = D("2020-02-18");  // a Tuesday with no temperature
  const WeatherTable weather = HeatingWeather(w.from, D("2020-02-17"));
  const std::vector<DayEnergy> obs = HeatingLoadOver(w);
  EnterpriseBaseline b = Baseline(w, obs, Defaults(), &weather);
  EXPECT_TRUE(b.ModelAt(D("2020-02-17")).uses_hdd);  // the day before has weather
  const BaselineModel& m = b.ModelAt(scored);
  EXPECT_EQ(m.method, BaselineMethod::kCalendar);
  EXPECT_FALSE(m.uses_hdd);
  EXPECT_NEAR(b.At(scored).expected_kwh, MeanOfType(obs, 1), kTol);
  // Asking again in the other order gives the same answers (the cache and sample release).
  EXPECT_NEAR(b.At(D("2020-02-17")).expected_kwh,
              100 + 3.5 * (18 - HeatingTemp(D("2020-02-17") - w.from)), kTol);
  EXPECT_NEAR(b.At(scored).expected_kwh, MeanOfType(obs, 1), kTol);
}

TEST(BaselineWeatherTest, WindowDayWithoutWeatherDropsTheColumn) {
  const DayRange w = Window2020();
  const Day scored = D("2020-02-17");  // a Monday with weather
  const std::vector<DayEnergy> obs = HeatingLoadOver(w);
  // One ordinary day missing, and separately only the holiday (not a valid day, but a window
  // day: SPEC asks for every day of the window).
  for (const char* gap : {"2019-12-15", "2020-01-01"}) {
    const WeatherTable weather = HeatingWeather(w.from, D("2020-02-29"), {D(gap)});
    EnterpriseBaseline b = Baseline(w, obs, Defaults(), &weather);
    EXPECT_FALSE(b.ModelAt(scored).uses_hdd) << gap;
    EXPECT_EQ(b.ModelAt(scored).method, BaselineMethod::kCalendar) << gap;
    EXPECT_NEAR(b.At(scored).expected_kwh, MeanOfType(obs, 0), kTol) << gap;
  }
}

TEST(BaselineWeatherTest, HeatingNeedsFiveNonZeroValidDays) {
  const DayRange w = Window2020();
  // 20 degrees (HDD 0) except 10 degrees (HDD 8) on the listed days; E = load + 2 x HDD.
  auto run = [&](std::vector<const char*> cold) {
    WeatherTable weather;
    for (Day d = w.from; d <= D("2020-02-29"); ++d) weather.Set(kCounty, d, 20.0);
    for (const char* c : cold) weather.Set(kCounty, D(c), 10.0);
    std::vector<DayEnergy> obs = WeekLoadOver(w);
    for (DayEnergy& o : obs)
      o.kwh += 2 * (18 - std::min(18.0, *weather.TemperatureOf(kCounty, o.day)));
    const BaselineSamples samples = Samples(w, obs, &weather, EngineConfig{});
    return FitBaselineModel(samples, samples.ColumnsFor(true, EngineConfig{}), EngineConfig{});
  };
  const BaselineModel five =
      run({"2019-12-02", "2019-12-03", "2019-12-04", "2019-12-05", "2019-12-06"});
  EXPECT_TRUE(five.uses_hdd);
  EXPECT_NEAR(five.hdd_coefficient, 2, kTol);
  EXPECT_NEAR(five.intercept, 100, kTol);
  EXPECT_FALSE(run({"2019-12-02", "2019-12-03", "2019-12-04", "2019-12-05"}).uses_hdd);
  // A cold holiday is not a valid day and does not count.
  EXPECT_FALSE(
      run({"2019-12-02", "2019-12-03", "2019-12-04", "2019-12-05", "2020-01-01"}).uses_hdd);
}

TEST(BaselineWeatherTest, CoolingColumnInSummer) {
  // 2019-07-01 (Mon) .. 08-11 (Sun), no holidays; T = 27 + (i mod 8): CDD 1..8, HDD 0.
  const DayRange w{D("2019-07-01"), D("2019-08-11")};
  WeatherTable weather;
  std::vector<DayEnergy> obs;
  for (Day d = w.from; d <= D("2019-08-31"); ++d) {
    const double t = 27 + ((d - w.from) % 8);
    weather.Set(kCounty, d, t);
    if (d <= w.to) obs.push_back({d, kWeekLoad[WeekdayOf(d)] + 4.25 * (t - 26)});
  }
  weather.Set(kCounty, D("2019-08-20"), 30.0);  // a Tuesday, CDD 4
  EnterpriseBaseline b = Baseline(w, obs, Defaults(), &weather);
  const BaselineModel& m = b.ModelAt(D("2019-08-20"));
  ASSERT_EQ(m.method, BaselineMethod::kCalendar) << m.fallback_reason;
  EXPECT_FALSE(m.uses_hdd);
  EXPECT_TRUE(m.uses_cdd);
  EXPECT_NEAR(m.cdd_coefficient, 4.25, kTol);
  EXPECT_NEAR(b.At(D("2019-08-20")).expected_kwh, 110 + 4.25 * 4, kTol);
}

TEST(BaselineWeatherTest, NoWeatherTableMeansNoColumns) {
  EnterpriseBaseline b = Baseline(Window2020(), HeatingLoadOver(Window2020()), Defaults());
  EXPECT_FALSE(b.ModelAt(D("2020-02-17")).uses_hdd);
  EXPECT_FALSE(b.ModelAt(D("2020-02-17")).uses_cdd);
}

// --- Storage form --------------------------------------------------------------------------

bool SameBits(double a, double b) {
  return std::bit_cast<uint64_t>(a) == std::bit_cast<uint64_t>(b);
}

void ExpectSameBits(const BaselineModel& a, const BaselineModel& b) {
  EXPECT_EQ(a.method, b.method);
  EXPECT_EQ(a.fallback_reason, b.fallback_reason);
  EXPECT_EQ(a.valid_days, b.valid_days);
  EXPECT_EQ(a.valid, b.valid);
  EXPECT_EQ(a.uses_hdd, b.uses_hdd);
  EXPECT_EQ(a.uses_cdd, b.uses_cdd);
  EXPECT_TRUE(SameBits(a.mean_kwh, b.mean_kwh));
  EXPECT_TRUE(SameBits(a.intercept, b.intercept));
  for (int k = 0; k < 6; ++k) EXPECT_TRUE(SameBits(a.weekday_effect[k], b.weekday_effect[k]));
  EXPECT_TRUE(SameBits(a.hdd_coefficient, b.hdd_coefficient));
  EXPECT_TRUE(SameBits(a.cdd_coefficient, b.cdd_coefficient));
}

TEST(BaselineModelTest, CalendarModelRoundTripsExactly) {
  BaselineModel m;
  m.method = BaselineMethod::kCalendar;
  m.valid_days = 41;
  m.mean_kwh = 3610.0 / 41;
  m.valid = true;
  m.intercept = 1.0 / 3;
  m.weekday_effect = {-0.0, 1e-310, std::nextafter(10.0, 11.0), -1e300, 2.5, -80};
  m.uses_hdd = true;
  m.hdd_coefficient = 3.5000000000000004;
  m.uses_cdd = false;
  const std::string bytes = m.Encode();
  EXPECT_EQ(bytes.size(), 87u);
  EXPECT_EQ(bytes[0], 1);  // version
  Result<BaselineModel> back = BaselineModel::Decode(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameBits(*back, m);
  EXPECT_EQ(back->Encode(), bytes);
}

TEST(BaselineModelTest, FittedModelsRoundTrip) {
  const DayRange w = Window2020();
  const WeatherTable weather = HeatingWeather(w.from, D("2020-02-29"));
  std::vector<DayEnergy> obs = HeatingLoadOver(w);
  for (size_t i = 0; i < obs.size(); ++i) obs[i].kwh += 0.1 * std::cos(i);
  EnterpriseBaseline b = Baseline(w, obs, Defaults(), &weather);
  const BaselineModel& fitted = b.ModelAt(D("2020-02-17"));
  ASSERT_TRUE(fitted.uses_hdd);
  Result<BaselineModel> back = BaselineModel::Decode(fitted.Encode());
  ASSERT_TRUE(back.ok());
  ExpectSameBits(*back, fitted);
  EXPECT_EQ(back->Predict(3, 7.25, 0), fitted.Predict(3, 7.25, 0));
}

TEST(BaselineModelTest, MeanModelRoundTripsCompactly) {
  BaselineModel m;
  m.method = BaselineMethod::kMean;
  m.fallback_reason = "Saturday has fewer than 2 valid days";
  m.valid_days = 36;
  m.mean_kwh = 3310.0 / 36;
  m.valid = true;
  const std::string bytes = m.Encode();
  EXPECT_EQ(bytes.size(), 15u + m.fallback_reason.size());
  Result<BaselineModel> back = BaselineModel::Decode(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
  ExpectSameBits(*back, m);
}

TEST(BaselineModelTest, DecodeRejectsWhatItCannotRead) {
  BaselineModel calendar;
  calendar.method = BaselineMethod::kCalendar;
  const std::string good = calendar.Encode();
  EXPECT_EQ(BaselineModel::Decode("").status().code(), Status::Code::kCorruption);
  EXPECT_EQ(BaselineModel::Decode(good.substr(0, 14)).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(BaselineModel::Decode(good.substr(0, 86)).status().code(),
            Status::Code::kCorruption);  // coefficients cut short
  std::string v2 = good;
  v2[0] = 2;
  EXPECT_EQ(BaselineModel::Decode(v2).status().code(), Status::Code::kCorruption);
  std::string bad_method = good;
  bad_method[1] = 7;
  EXPECT_EQ(BaselineModel::Decode(bad_method).status().code(), Status::Code::kCorruption);
  std::string bad_flags = good;
  bad_flags[2] = static_cast<char>(0x80);
  EXPECT_EQ(BaselineModel::Decode(bad_flags).status().code(), Status::Code::kCorruption);
}

TEST(BaselineModelTest, PredictRejectsUnknownDayType) {
  BaselineModel m;
  EXPECT_THROW(m.Predict(7, 0, 0), std::out_of_range);
  EXPECT_THROW(m.Predict(-1, 0, 0), std::out_of_range);
}

}  // namespace
}  // namespace fugong
