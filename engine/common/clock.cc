#include "engine/common/clock.h"

#include <chrono>
#include <cstdio>

namespace fugong {

EpochSeconds SystemClock::Now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatUtcInstant(EpochSeconds t) {
  const Day day = static_cast<Day>(FloorDiv(t, 86400));
  const int64_t secs = t - static_cast<int64_t>(day) * 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02dZ", FormatDate(day).c_str(),
                static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                static_cast<int>(secs % 60));
  return buf;
}

}  // namespace fugong
