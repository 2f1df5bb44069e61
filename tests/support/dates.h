// Dates in tests, written as the ISO text people read.
#pragma once

#include <gtest/gtest.h>

#include "engine/common/date.h"

namespace fugong::testing {

// The day of an ISO date text ("2020-02-16"); fails the test if the text is not a date.
inline Day DayOf(const char* text) {
  Day d;
  EXPECT_TRUE(ParseDate(text, &d)) << text;
  return d;
}

}  // namespace fugong::testing
