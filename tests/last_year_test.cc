// SPEC "last_year": the same lunar day of the previous season, D' = SF(prev) + (D − SF(D)).
#include "engine/publish/last_year.h"

#include <gtest/gtest.h>

#include "tests/support/dates.h"

namespace fugong {
namespace {

using testing::DayOf;

TEST(LastYearTest, SameLunarDayOfThePreviousSeason) {
  const HolidayCalendar& calendar = HolidayCalendar::China();
  // Festivals 2019-02-05 and 2020-01-25: State Grid's 2020-02-18 against 2019-03-01.
  EXPECT_EQ(SameLunarDayLastYear(DayOf("2020-02-18"), calendar), DayOf("2019-03-01"));
  EXPECT_EQ(SameLunarDayLastYear(DayOf("2020-01-25"), calendar), DayOf("2019-02-05"));
  // A day of the autumn belongs to the next festival's season (the closest one).
  EXPECT_EQ(SameLunarDayLastYear(DayOf("2019-11-01"), calendar), DayOf("2018-11-12"));
  // And back: the day that compares itself with 2019-03-01.
  EXPECT_EQ(DaysComparedWith(DayOf("2019-03-01"), calendar), std::vector<Day>{DayOf("2020-02-18")});
  for (const char* text : {"2019-07-20", "2019-08-10", "2020-03-31", "2021-02-12"}) {
    const Day d = DayOf(text);
    const std::optional<Day> then = SameLunarDayLastYear(d, calendar);
    ASSERT_TRUE(then) << text;
    const std::vector<Day> back = DaysComparedWith(*then, calendar);
    EXPECT_NE(std::find(back.begin(), back.end(), d), back.end()) << text;
  }
  // SF(D) is the closest festival, a tie going to the later one (SPEC): 2019-08-01 lies 177 days
  // after 2019-02-05 and 177 before 2020-01-25, so it is of the 2020 season and compares itself
  // with 2019-02-05 - 177 days; the day before is of the 2019 season (2018-02-16 + 176 days).
  EXPECT_EQ(SameLunarDayLastYear(DayOf("2019-08-01"), calendar), DayOf("2018-08-12"));
  EXPECT_EQ(SameLunarDayLastYear(DayOf("2019-07-31"), calendar), DayOf("2018-08-11"));
  // A calendar without festivals compares nothing.
  Result<HolidayCalendar> plain =
      HolidayCalendar::Parse("date,type\n2020-01-01,holiday\n", "", "test");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(SameLunarDayLastYear(DayOf("2020-02-18"), *plain).has_value());
}

TEST(LastYearTest, CompositeTextIsTheRecordsOwnAsWritten) {
  EXPECT_EQ(CompositeTextOf(R"({"date":"2019-03-01","eligible":3,"composite":88.6800,"tier":"T1")"),
            "88.6800");
  // Its own, not the one of its own last_year.
  EXPECT_EQ(
      CompositeTextOf(
          R"({"date":"2020-02-18","composite":34.7700,"holiday":false,"last_year":{"date":"2019-03-01","composite":88.6800})"),
      "34.7700");
  EXPECT_FALSE(CompositeTextOf(R"({"date":"2019-03-01","composite":null,"tier":null)"));
  EXPECT_FALSE(CompositeTextOf(R"({"date":"2019-03-01")"));
}

}  // namespace
}  // namespace fugong
