// The day-shape reading of issue 14 (engine/shape): slots to clock hours, an enterprise-day's
// hourly load, the baseline's working and base hours and excess, and the verdict. Every expected
// figure below is worked out by hand from the profiles the tests build.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>

#include "engine/baseline/window_baseline.h"
#include "engine/common/date.h"
#include "engine/common/time_zone.h"
#include "engine/meter_day/meter_day_record.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/score/day_score.h"
#include "engine/shape/day_shape.h"
#include "engine/shape/shape_baseline.h"
#include "engine/shape/shape_verdict.h"
#include "engine/shape/slot_hours.h"

namespace fugong {
namespace {

constexpr uint32_t kAll = (1u << 24) - 1;

uint32_t HoursMask(int from, int to) {  // hours from..to-1
  uint32_t mask = 0;
  for (int h = from; h < to; ++h) mask |= 1u << h;
  return mask;
}

// A shape with load `work` in 08:00-18:00, `shoulder` in 05:00-08:00 and 18:00-19:00 and `base`
// elsewhere: working hours 8-17 and base hours 0-4 once fitted.
DayShape OfficeDay(double base, double shoulder, double work) {
  DayShape d;
  d.hours_present = kAll;
  for (int h = 0; h < 24; ++h) {
    d.kw[h] = (h >= 8 && h < 18) ? work : ((h >= 5 && h < 8) || h == 18) ? shoulder : base;
  }
  return d;
}

DayShape FlatDay(double kw) {
  DayShape d;
  d.hours_present = kAll;
  d.kw.fill(kw);
  return d;
}

// Two weeks from Monday 2019-11-04: office days on weekdays, a flat base on weekends.
std::vector<DatedShape> TwoOfficeWeeks() {
  std::vector<DatedShape> shapes;
  const Day monday = DayFromCivil(2019, 11, 4);
  for (Day d = monday; d < monday + 14; ++d) {
    shapes.push_back({d, WeekdayOf(d) < 5 ? OfficeDay(10, 15, 30) : FlatDay(10)});
  }
  return shapes;
}

ShapeBaseline FitOffice(const ShapeRules& rules = {}) {
  Result<ShapeBaseline> b =
      ShapeBaseline::Fit(DayFromCivil(2019, 11, 4), DayFromCivil(2019, 11, 17), TwoOfficeWeeks(),
                         HolidayCalendar::China(), rules);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b.ok() ? *b : ShapeBaseline();
}

TEST(SlotHoursTest, AFixedZoneMapsSlotsToHoursByElapsedTime) {
  const std::vector<uint8_t> hours =
      SlotHoursOf(DayFromCivil(2020, 2, 16), 96, 15, TimeZone::Fixed(8 * 3600, "+08:00"));
  ASSERT_EQ(hours.size(), 96u);
  EXPECT_EQ(hours[0], 0);
  EXPECT_EQ(hours[3], 0);
  EXPECT_EQ(hours[4], 1);
  EXPECT_EQ(hours[33], 8);  // 08:15-08:30
  EXPECT_EQ(hours[95], 23);
}

TEST(SlotHoursTest, ADaylightSavingDayFollowsTheClock) {
  Result<TimeZone> london = TimeZone::Parse("Europe/London");
  ASSERT_TRUE(london.ok()) << london.status().ToString();
  // 2020-03-29: clocks go from 01:00 to 02:00, a 23-hour day; hour 1 does not exist.
  const std::vector<uint8_t> spring = SlotHoursOf(DayFromCivil(2020, 3, 29), 25, 60, *london);
  EXPECT_EQ(spring[0], 0);
  EXPECT_EQ(spring[1], 2);
  EXPECT_EQ(spring[22], 23);
  EXPECT_EQ(spring[24], 23);  // past the day's end: its last hour
  // 2020-10-25: 01:00 comes twice, a 25-hour day.
  const std::vector<uint8_t> autumn = SlotHoursOf(DayFromCivil(2020, 10, 25), 25, 60, *london);
  EXPECT_EQ(autumn[1], 1);
  EXPECT_EQ(autumn[2], 1);
  EXPECT_EQ(autumn[3], 2);
  EXPECT_EQ(autumn[24], 23);
}

TEST(DayShapeBuilderTest, SumsMetersHourByHourFromTheMeanOfTheirReadings) {
  const std::vector<uint8_t> hours =
      SlotHoursOf(DayFromCivil(2020, 2, 16), 96, 15, TimeZone::Fixed(8 * 3600, "+08:00"));
  std::vector<MicroKwh> a(96, 250000);    // 0.25 kWh a quarter: 1 kW
  std::vector<MicroKwh> b(96, 500000);    // 2 kW
  a[0] = 1000000;                         // 00:00-00:15 at 4 kW: hour 0 means (4+1+1+1)/4 kW
  b[8] = b[9] = MeterDayRecord::kAbsent;  // hour 2 from two readings: still 2 kW
  a[12] = a[13] = a[14] = a[15] = MeterDayRecord::kAbsent;  // hour 3 missing for meter a
  DayShapeBuilder builder(&hours, 15);
  builder.AddMeter("m-a", a.data(), 96);
  builder.AddMeter("m-b", b.data(), 96);
  std::optional<DayShape> shape = builder.Finish();
  ASSERT_TRUE(shape);
  EXPECT_DOUBLE_EQ(shape->kw[0], 1.75 + 2.0);
  EXPECT_DOUBLE_EQ(shape->kw[2], 1.0 + 2.0);
  EXPECT_DOUBLE_EQ(shape->kw[23], 3.0);
  EXPECT_FALSE(shape->Has(3));
  EXPECT_EQ(shape->kw[3], 0.0);
  EXPECT_EQ(shape->present_count(), 23);
}

TEST(DayShapeBuilderTest, TheOrderOfMetersChangesNoBit) {
  const std::vector<uint8_t> hours =
      SlotHoursOf(DayFromCivil(2020, 2, 16), 96, 15, TimeZone::Fixed(8 * 3600, "+08:00"));
  std::vector<std::vector<MicroKwh>> meters;
  for (int m = 0; m < 5; ++m) {
    std::vector<MicroKwh> slots(96);
    for (int s = 0; s < 96; ++s) slots[s] = 100003 * (m + 1) + 7919 * s % 100000;
    meters.push_back(slots);
  }
  auto build = [&](std::vector<int> order) {
    DayShapeBuilder builder(&hours, 15);
    for (int m : order) builder.AddMeter("m" + std::to_string(m), meters[m].data(), 96);
    return *builder.Finish();
  };
  const DayShape forward = build({0, 1, 2, 3, 4});
  const DayShape backward = build({4, 3, 2, 1, 0});
  const DayShape shuffled = build({2, 4, 0, 3, 1});
  for (int h = 0; h < 24; ++h) {
    EXPECT_EQ(std::bit_cast<uint64_t>(forward.kw[h]), std::bit_cast<uint64_t>(backward.kw[h]));
    EXPECT_EQ(std::bit_cast<uint64_t>(forward.kw[h]), std::bit_cast<uint64_t>(shuffled.kw[h]));
  }
}

TEST(DayShapeBuilderTest, RegisterMetersGiveNoShape) {
  const std::vector<uint8_t> hours =
      SlotHoursOf(DayFromCivil(2020, 2, 16), 96, 15, TimeZone::Fixed(8 * 3600, "+08:00"));
  DayShapeBuilder builder(&hours, 15);
  const std::vector<MicroKwh> none(96, MeterDayRecord::kAbsent);
  builder.AddMeter("register", none.data(), 96);
  EXPECT_FALSE(builder.Finish());
}

TEST(ShapeBaselineTest, FindsTheWorkingAndBaseHoursAndTheExcessByHand) {
  const ShapeBaseline b = FitOffice();
  EXPECT_EQ(b.hours(), ShapeBaseline::Hours::kFromData);
  EXPECT_EQ(b.window_days(), 14);
  // Mean profile: weekdays 5/7 of the office day, weekends flat 10. Lowest five: 0-4 (10, ties to
  // the earlier hours). Peak (30*5+10*2)/7 = 170/7; threshold 10 + (170/7-10)/2 = 120/7; the
  // shoulders reach (15*5+20)/7 = 95/7 < 120/7, so the working hours are 08:00-18:00.
  EXPECT_EQ(b.base_hours(), HoursMask(0, 5));
  EXPECT_EQ(b.working_hours(), HoursMask(8, 18));
  EXPECT_DOUBLE_EQ(b.excess_kw(), 170.0 / 7 - 10);
  // Mean load: (10*10 + 4*95/7 + 10*170/7) / 24.
  EXPECT_NEAR(b.mean_kw(), (100 + 4 * 95.0 / 7 + 10 * 170.0 / 7) / 24, 1e-12);
  EXPECT_TRUE(b.judged());
  EXPECT_DOUBLE_EQ(*b.ExcessOfType(0), 20.0);  // Mondays: 30 - 10
  EXPECT_DOUBLE_EQ(*b.ExcessOfType(6), 0.0);   // Sundays are flat
}

TEST(ShapeBaselineTest, ARoundTheClockPlantHasNoDayShape) {
  std::vector<DatedShape> shapes;
  const Day monday = DayFromCivil(2019, 11, 4);
  for (Day d = monday; d < monday + 14; ++d) {
    DayShape day = FlatDay(100);
    for (int h = 8; h < 18; ++h) day.kw[h] = 110;  // X = 10 against a mean of ~104: under 0.2
    shapes.push_back({d, day});
  }
  Result<ShapeBaseline> b =
      ShapeBaseline::Fit(monday, monday + 13, shapes, HolidayCalendar::China(), ShapeRules{});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->working_hours(), HoursMask(8, 18));
  EXPECT_FALSE(b->judged());
  EXPECT_FALSE(JudgeDayShape(*b, 0, OfficeDay(100, 100, 200), ShapeRules{}).judged);
}

TEST(ShapeBaselineTest, TooFewDaysOrNoShapeAtAllIsNotJudged) {
  std::vector<DatedShape> shapes = TwoOfficeWeeks();
  shapes.resize(6);
  Result<ShapeBaseline> few = ShapeBaseline::Fit(shapes.front().day, shapes.back().day, shapes,
                                                 HolidayCalendar::China(), ShapeRules{});
  ASSERT_TRUE(few.ok());
  EXPECT_FALSE(few->judged());
  EXPECT_EQ(few->hours(), ShapeBaseline::Hours::kNone);
  EXPECT_FALSE(ShapeBaseline().judged());
}

TEST(ShapeBaselineTest, AWindowThatLacksAnHourFallsBackToTheFixedHours) {
  std::vector<DatedShape> shapes = TwoOfficeWeeks();
  for (DatedShape& s : shapes) s.shape.hours_present &= ~(1u << 20);  // never 20:00-21:00
  Result<ShapeBaseline> b = ShapeBaseline::Fit(shapes.front().day, shapes.back().day, shapes,
                                               HolidayCalendar::China(), ShapeRules{});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->hours(), ShapeBaseline::Hours::kFixed);
  EXPECT_EQ(b->working_hours(), HoursMask(8, 18));
  EXPECT_EQ(b->base_hours(), HoursMask(0, 5));
  EXPECT_TRUE(b->judged());
}

TEST(ShapeBaselineTest, HolidaysAndDaysOutsideTheWindowAreLeftOut) {
  // 2019-12-30 .. 2020-01-12: 2020-01-01 is a public holiday in China's calendar.
  const Day from = DayFromCivil(2019, 12, 30);
  std::vector<DatedShape> shapes;
  for (Day d = from; d < from + 14; ++d) {
    shapes.push_back({d, WeekdayOf(d) < 5 ? OfficeDay(10, 15, 30) : FlatDay(10)});
  }
  shapes[2].shape = FlatDay(1000);              // the holiday
  shapes.push_back({from - 1, FlatDay(1000)});  // before the window
  Result<ShapeBaseline> b =
      ShapeBaseline::Fit(from, from + 13, shapes, HolidayCalendar::China(), ShapeRules{});
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->window_days(), 13);
  EXPECT_DOUBLE_EQ(*b->ExcessOfType(2), 20.0);  // Wednesdays: only 2020-01-08 counts
  EXPECT_EQ(b->working_hours(), HoursMask(8, 18));
}

TEST(ShapeBaselineTest, ADayGivenTwiceIsRefused) {
  std::vector<DatedShape> shapes = TwoOfficeWeeks();
  shapes.push_back(shapes[3]);
  EXPECT_FALSE(ShapeBaseline::Fit(shapes.front().day, shapes.front().day + 13, shapes,
                                  HolidayCalendar::China(), ShapeRules{})
                   .ok());
}

TEST(ShapeBaselineTest, EncodesAndDecodesExactlyAndRefusesOtherBytes) {
  const ShapeBaseline b = FitOffice();
  const std::string bytes = b.Encode();
  std::optional<ShapeBaseline> back = ShapeBaseline::Decode(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, b);
  EXPECT_EQ(back->Encode(), bytes);
  EXPECT_FALSE(ShapeBaseline::Decode(bytes.substr(1)));
  std::string other_version = bytes;
  other_version[0] = 9;
  EXPECT_FALSE(ShapeBaseline::Decode(other_version));
  std::string overlapping = bytes;
  overlapping[7] = 0x1f;  // working hours 0-4, the base hours too
  EXPECT_FALSE(ShapeBaseline::Decode(overlapping));
  EXPECT_EQ(ShapeBaseline::Decode(ShapeBaseline().Encode()), ShapeBaseline());
}

TEST(ShapeVerdictTest, ActiveWhenTheWorkingHoursRiseAtLeastThresholdOfNormal) {
  const ShapeBaseline b = FitOffice();
  // Monday's X is 20: 17 kW over a base of 10 is a = 0.35, 15 kW is a = 0.25.
  const ShapeVerdict working = JudgeDayShape(b, 0, OfficeDay(10, 10, 17), ShapeRules{});
  EXPECT_TRUE(working.judged);
  EXPECT_TRUE(working.active);
  const ShapeVerdict idle = JudgeDayShape(b, 0, OfficeDay(10, 10, 15), ShapeRules{});
  EXPECT_TRUE(idle.judged);
  EXPECT_FALSE(idle.active);
  // Machines left running all day: a flat 25 kW is near normal energy, but no shape.
  const ShapeVerdict flat = JudgeDayShape(b, 0, FlatDay(25), ShapeRules{});
  EXPECT_TRUE(flat.judged);
  EXPECT_FALSE(flat.active);
  ShapeRules strict;
  strict.active_threshold = 0.4;
  EXPECT_FALSE(JudgeDayShape(b, 0, OfficeDay(10, 10, 17), strict).active);
}

TEST(ShapeVerdictTest, NotJudgedOnADayTypeWithoutShapeOrADayWithoutHours) {
  const ShapeBaseline b = FitOffice();
  EXPECT_FALSE(JudgeDayShape(b, 6, OfficeDay(10, 10, 30), ShapeRules{}).judged);  // Sunday
  EXPECT_FALSE(JudgeDayShape(b, 0, std::nullopt, ShapeRules{}).judged);
  DayShape half = OfficeDay(10, 10, 30);
  half.hours_present &= ~HoursMask(8, 14);  // 4 of 10 working hours left
  EXPECT_FALSE(JudgeDayShape(b, 0, half, ShapeRules{}).judged);
  DayShape most = OfficeDay(10, 10, 30);
  most.hours_present &= ~HoursMask(8, 13);  // 5 of 10 left: judged on those
  EXPECT_TRUE(JudgeDayShape(b, 0, most, ShapeRules{}).active);
}

}  // namespace
}  // namespace fugong

namespace fugong {
namespace {

TEST(DayScoreShapeFlagsTest, TravelThroughTheStoredFormAndOldRowsReadAsNotJudged) {
  DayScore s;
  s.has_data = true;
  s.eligible = true;
  s.resumed = true;
  s.shape_judged = true;
  s.suspect_idle = true;
  s.energy_kwh = 12.5;
  const std::optional<DayScore> back = DayScore::Decode(s.Encode());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
  s.suspect_idle = false;
  s.active = true;
  EXPECT_EQ(*DayScore::Decode(s.Encode()), s);
  // A row written before day shapes had only the three low flags.
  std::string old = s.Encode();
  old[0] = static_cast<char>(old[0] & 7);
  const std::optional<DayScore> before = DayScore::Decode(old);
  ASSERT_TRUE(before);
  EXPECT_TRUE(before->resumed);
  EXPECT_FALSE(before->shape_judged || before->active || before->suspect_idle);
  std::string unknown = s.Encode();
  unknown[0] = static_cast<char>(unknown[0] | 64);
  EXPECT_FALSE(DayScore::Decode(unknown));
}

}  // namespace
}  // namespace fugong

namespace fugong {
namespace {

// The baseline store keeps the shape with the energy baseline; rows written before day shapes
// (version 1, no shape block) still read, as not judged.
TEST(WindowBaselineShapeTest, TheShapeIsStoredWithTheBaselineAndOldRowsReadWithoutIt) {
  EngineConfig config;
  config.baseline_method = BaselineMethod::kMean;
  const Day from = DayFromCivil(2019, 11, 4);
  const DayRange window{from, from + 13};
  std::vector<MeterDaySummary> rows;
  for (Day d = from; d <= from + 14; ++d) {
    MeterDaySummary row;
    row.day = d;
    row.received = 96;
    row.interval_sum = 440000000;  // 440 kWh
    rows.push_back(row);
  }
  const std::vector<MeterSeries> meters = {MeterSeries(rows, config)};
  std::vector<DatedShape> shapes;
  for (Day d = from; d <= from + 13; ++d) shapes.push_back({d, OfficeDay(10, 10, 30)});
  Result<WindowBaseline> b = WindowBaseline::Fit(window, {"m1"}, meters, shapes, "330102", nullptr,
                                                 HolidayCalendar::China(), config);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE(b->shape().judged());
  const std::string bytes = b->Encode();
  Result<WindowBaseline> back = WindowBaseline::Decode(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->shape(), b->shape());
  EXPECT_EQ(back->Encode(), bytes);

  // Version 1: the same without the shape block (its 8-byte length and its bytes).
  const size_t shape_at = 1 + 8 + (8 + 2) + 8 + b->plain_model().Encode().size();
  std::string v1 =
      bytes.substr(0, shape_at) + bytes.substr(shape_at + 8 + b->shape().Encode().size());
  v1[0] = 1;
  Result<WindowBaseline> old = WindowBaseline::Decode(v1);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_FALSE(old->shape().judged());
  EXPECT_EQ(old->plain_model().Encode(), b->plain_model().Encode());
  EXPECT_EQ(old->meters(), b->meters());

  // Without shapes (daily readings) nothing is fitted, and an empty block is stored.
  Result<WindowBaseline> none = WindowBaseline::Fit(window, {"m1"}, meters, {}, "330102", nullptr,
                                                    HolidayCalendar::China(), config);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->shape(), ShapeBaseline());
  EXPECT_EQ(none->Encode().size(), bytes.size() - b->shape().Encode().size());
}

}  // namespace
}  // namespace fugong
