// The watermark that decides when a day may close: the slowest active readings partition's
// latest reading; a quiet partition stops holding it back, unless the source says it still has
// unread messages (a backlog), and a backlog partition that has delivered no reading yet holds
// it back altogether.
#include "engine/job/event_time_watermark.h"

#include <gtest/gtest.h>

namespace fugong {
namespace {

constexpr int64_t kIdle = 30;

TEST(EventTimeWatermark, IsTheSlowestActivePartitionUntilItGoesQuiet) {
  EventTimeWatermark w(kIdle);
  EXPECT_EQ(w.Watermark(0), std::nullopt);
  w.Heard(0, 0);
  w.Advance(0, 1000);
  w.Heard(1, 20);
  w.Advance(1, 2000);
  EXPECT_EQ(w.Watermark(25), 1000);
  // Partition 0 quiet for 30 s: it no longer holds the watermark back.
  EXPECT_EQ(w.Watermark(31), 2000);
  // Both quiet: the latest reading of any.
  EXPECT_EQ(w.Watermark(100), 2000);
}

TEST(EventTimeWatermark, APartitionWithABacklogHoldsItHoweverLongItIsQuiet) {
  EventTimeWatermark w(kIdle);
  w.Heard(0, 0);
  w.Advance(0, 1000);
  w.Heard(1, 0);
  w.Advance(1, 2000);
  w.SetBacklog({0});
  EXPECT_EQ(w.Watermark(500), 1000);
  // Caught up: quiet partitions are idle again.
  w.SetBacklog({});
  EXPECT_EQ(w.Watermark(500), 2000);
}

TEST(EventTimeWatermark, ABacklogPartitionWithoutAReadingHoldsItBackAltogether) {
  EventTimeWatermark w(kIdle);
  w.Heard(0, 0);
  w.Advance(0, 5000);
  w.SetBacklog({0, 7});  // the consumer has not reached partition 7 yet
  EXPECT_EQ(w.Watermark(1), std::nullopt);
  w.Heard(7, 2);
  w.Advance(7, 1200);
  EXPECT_EQ(w.Watermark(3), 1200);
  w.SetBacklog({0});
  EXPECT_EQ(w.Watermark(3), 1200);   // partition 7 heard 1 s ago: still active
  EXPECT_EQ(w.Watermark(40), 5000);  // partition 7 quiet and caught up; 0 has a backlog
}

}  // namespace
}  // namespace fugong
