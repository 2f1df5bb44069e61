#include "engine/common/date.h"

#include <gtest/gtest.h>

#include "engine/common/decimal.h"

namespace fugong {
namespace {

TEST(DateTest, CivilRoundTrip) {
  EXPECT_EQ(DayFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(FormatDate(DayFromCivil(2020, 2, 29)), "2020-02-29");
  for (Day d = -1000; d < 30000; d += 7)
    EXPECT_EQ(DayFromCivil(CivilFromDay(d).year, CivilFromDay(d).month, CivilFromDay(d).day), d);
}

TEST(DateTest, Weekday) {
  Day d;
  ASSERT_TRUE(ParseDate("2020-02-16", &d));
  EXPECT_EQ(WeekdayOf(d), 6);  // a Sunday
  ASSERT_TRUE(ParseDate("2020-02-10", &d));
  EXPECT_EQ(WeekdayOf(d), 0);  // a Monday
  EXPECT_FALSE(ParseDate("2020-02-30", &d));
  EXPECT_FALSE(ParseDate("2020-2-3", &d));
}

TEST(DateTest, Instants) {
  EpochSeconds t;
  ASSERT_TRUE(ParseInstant("2020-02-16T00:15:00+08:00", &t));
  EXPECT_EQ(t, 1581783300);
  ASSERT_TRUE(ParseInstant("2020-02-15T16:15:00Z", &t));
  EXPECT_EQ(t, 1581783300);
  ASSERT_TRUE(ParseInstant("1581783300", &t));
  EXPECT_EQ(t, 1581783300);
  ASSERT_TRUE(ParseInstant("2020-02-16T00:15:00.000+08:00", &t));
  EXPECT_EQ(t, 1581783300);
  EXPECT_FALSE(ParseInstant("2020-02-16T00:15:00", &t));  // no offset
  EXPECT_FALSE(ParseInstant("2020-02-16 25:00:00+08:00", &t));
  EXPECT_FALSE(ParseInstant("yesterday", &t));
  EXPECT_FALSE(ParseInstant("", &t));
}

TEST(DecimalTest, RoundsHalfAwayFromZero) {
  EXPECT_EQ(FormatFixed(0.0078125, 6), "0.007813");  // an exact tie: away from zero
  EXPECT_EQ(FormatFixed(-0.0078125, 6), "-0.007813");
  EXPECT_EQ(FormatFixed(42.4, 4), "42.4000");
  EXPECT_EQ(FormatFixed(0.1234565, 6), "0.123456");  // 0.1234565 is stored just below the tie
  EXPECT_EQ(FormatFixed(79.99995, 4), "79.9999");    // stored as 79.999949999...: below the tie
  EXPECT_EQ(FormatFixed(79.99996, 4), "80.0000");
  EXPECT_EQ(FormatFixed(2.5, 0), "3");
  EXPECT_EQ(FormatFixed(-2.5, 0), "-3");
  EXPECT_EQ(FormatFixed(9.9999999, 6), "10.000000");
  EXPECT_EQ(FormatFixed(-0.0000001, 6), "0.000000");  // no negative zero
  EXPECT_EQ(FormatFixed(1.0, 0), "1");
  EXPECT_DOUBLE_EQ(RoundHalfAway(59.99996, 4), 60.0);
}

}  // namespace
}  // namespace fugong
