// Scoring one enterprise-day and the tiers of a published composite, with hand-computed values.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/baseline/baseline_estimate.h"
#include "engine/baseline/enterprise_baseline.h"
#include "engine/common/date.h"
#include "engine/config/engine_config.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/score/enterprise_scorer.h"
#include "engine/score/tier.h"

namespace fugong {
namespace {

Day D(const char* text) {
  Day d = 0;
  EXPECT_TRUE(ParseDate(text, &d)) << text;
  return d;
}

// A valid baseline with B = `expected` and Bbar = `mean`.
BaselineEstimate Estimate(double expected, double mean = 100) {
  BaselineEstimate e;
  e.valid = true;
  e.expected_kwh = expected;
  e.mean_kwh = mean;
  e.method = BaselineMethod::kCalendar;
  return e;
}

TEST(ScoreEnterpriseTest, OrdinaryDay) {
  const EnterpriseScore s = ScoreEnterpriseDay(true, Estimate(100), 150.0, EngineConfig{});
  EXPECT_TRUE(s.eligible);
  EXPECT_TRUE(s.resumed);
  EXPECT_EQ(s.ratio, 1.5);
  EXPECT_EQ(s.recovered_kwh, 150);
  EXPECT_EQ(s.baseline_kwh, 100);
  EXPECT_EQ(s.energy_kwh, 150);
}

TEST(ScoreEnterpriseTest, RatioAndRecoveryClipAtRMax) {
  const EnterpriseScore s = ScoreEnterpriseDay(true, Estimate(100), 300.0, EngineConfig{});
  EXPECT_TRUE(s.eligible);
  EXPECT_EQ(s.ratio, 2.0);
  EXPECT_EQ(s.recovered_kwh, 200);  // min(E, r_max * B)
  EXPECT_EQ(s.energy_kwh, 300);
  EngineConfig config;
  config.r_max = 1.25;
  const EnterpriseScore t = ScoreEnterpriseDay(true, Estimate(80), 300.0, config);
  EXPECT_EQ(t.ratio, 1.25);
  EXPECT_EQ(t.recovered_kwh, 100);
}

TEST(ScoreEnterpriseTest, RatioClipsAtZero) {
  const EnterpriseScore idle = ScoreEnterpriseDay(true, Estimate(100), 0.0, EngineConfig{});
  EXPECT_TRUE(idle.eligible);  // present and idle: counted, not resumed
  EXPECT_FALSE(idle.resumed);
  EXPECT_EQ(idle.ratio, 0);
  EXPECT_EQ(idle.recovered_kwh, 0);
  EXPECT_EQ(idle.baseline_kwh, 100);
  // E is never negative upstream; should one slip through it still cannot go below 0.
  const EnterpriseScore negative = ScoreEnterpriseDay(true, Estimate(100), -5.0, EngineConfig{});
  EXPECT_EQ(negative.ratio, 0);
  EXPECT_EQ(negative.recovered_kwh, 0);
  EXPECT_FALSE(negative.resumed);
}

TEST(ScoreEnterpriseTest, ThresholdIsInclusive) {
  // 30 / 100 is the double nearest 0.3, the same double as resume_threshold's 0.30.
  const EnterpriseScore at = ScoreEnterpriseDay(true, Estimate(100), 30.0, EngineConfig{});
  EXPECT_EQ(at.ratio, 0.30);
  EXPECT_TRUE(at.resumed);
  const EnterpriseScore below = ScoreEnterpriseDay(true, Estimate(100), 29.9999, EngineConfig{});
  EXPECT_TRUE(below.eligible);
  EXPECT_FALSE(below.resumed);
  EXPECT_EQ(below.recovered_kwh, 29.9999);  // counted in the load all the same
}

void ExpectNotEligible(const EnterpriseScore& s) {
  EXPECT_FALSE(s.eligible);
  EXPECT_FALSE(s.resumed);
  EXPECT_EQ(s.ratio, 0);
  EXPECT_EQ(s.recovered_kwh, 0);
  EXPECT_EQ(s.baseline_kwh, 0);
  EXPECT_EQ(s.energy_kwh, 0);
}

TEST(ScoreEnterpriseTest, MissingEnergyIsNotEligible) {
  ExpectNotEligible(ScoreEnterpriseDay(true, Estimate(100), std::nullopt, EngineConfig{}));
}

TEST(ScoreEnterpriseTest, InactiveIsNotEligible) {
  ExpectNotEligible(ScoreEnterpriseDay(false, Estimate(100), 100.0, EngineConfig{}));
}

TEST(ScoreEnterpriseTest, InvalidBaselineIsNotEligible) {
  BaselineEstimate e = Estimate(0.8, 0.8);
  e.valid = false;
  ExpectNotEligible(ScoreEnterpriseDay(true, e, 5.0, EngineConfig{}));
}

TEST(ScoreEnterpriseTest, NormalDayOffIsNotEligible) {
  // 0.1 x Bbar = 10: B = 10 is a working day, B = 9.99 a day off.
  EXPECT_TRUE(ScoreEnterpriseDay(true, Estimate(10, 100), 5.0, EngineConfig{}).eligible);
  ExpectNotEligible(ScoreEnterpriseDay(true, Estimate(9.99, 100), 5.0, EngineConfig{}));
}

TEST(ScoreEnterpriseTest, SundayClosedEnterpriseIsNotScoredOnSunday) {
  // Monday..Saturday 100 kWh, Sunday 2 kWh over the 2020 window (41 valid days, 6 Sundays):
  // Bbar = (35 x 100 + 6 x 2) / 41 = 3512 / 41 = 85.66; 0.1 x Bbar = 8.57 > B(Sunday) = 2.
  const HolidayCalendar& cn = HolidayCalendar::China();
  const DayRange w{D("2019-11-29"), D("2020-01-09")};
  std::vector<DayEnergy> obs;
  for (Day d = w.from; d <= w.to; ++d) obs.push_back({d, WeekdayOf(d) == 6 ? 2.0 : 100.0});
  const EngineConfig config;
  Result<EnterpriseBaseline> b =
      EnterpriseBaseline::Create(w, obs, nullptr, "330102", &cn, &config);
  ASSERT_TRUE(b.ok()) << b.status().ToString();

  const BaselineEstimate sunday = b->At(D("2020-02-16"));
  EXPECT_EQ(sunday.mean_kwh, 3512.0 / 41);
  EXPECT_NEAR(sunday.expected_kwh, 2, 1e-9);
  ExpectNotEligible(ScoreEnterpriseDay(true, sunday, 2.0, config));

  const EnterpriseScore monday = ScoreEnterpriseDay(true, b->At(D("2020-02-17")), 50.0, config);
  EXPECT_TRUE(monday.eligible);
  EXPECT_TRUE(monday.resumed);
  EXPECT_NEAR(monday.ratio, 0.5, 1e-12);
  EXPECT_NEAR(monday.baseline_kwh, 100, 1e-9);
}

TEST(TierTest, Edges) {
  struct Case {
    double composite;
    int number;
    std::string name;
    std::string color;
  };
  const Case cases[] = {
      {100, 1, "T1", "green"},      {80, 1, "T1", "green"},       {79.9999, 2, "T2", "blue"},
      {60, 2, "T2", "blue"},        {59.9999, 3, "T3", "yellow"}, {40, 3, "T3", "yellow"},
      {39.9999, 4, "T4", "orange"}, {20, 4, "T4", "orange"},      {19.9999, 5, "T5", "red"},
      {0, 5, "T5", "red"},
  };
  for (const Case& c : cases) {
    const Tier t = TierOf(c.composite);
    EXPECT_EQ(t.number, c.number) << c.composite;
    EXPECT_EQ(t.name, c.name) << c.composite;
    EXPECT_EQ(t.color, c.color) << c.composite;
  }
}

}  // namespace
}  // namespace fugong
