// The settings of the day-shape reading (issue 14): when an enterprise's day looks like work, and
// when its baseline has a shape at all. docs/day-shape.md explains each choice and how it was
// measured on the Cambridge buildings.
#pragma once

namespace fugong {

struct ShapeRules {
  // a = X(day) / X(baseline) at or above this: the enterprise is active on the day.
  double active_threshold = 0.30;
  // A baseline whose working-hours excess X is below this share of its mean load has no day
  // shape (a plant that runs round the clock, a server room): never judged.
  double min_excess_share = 0.20;
  // The base hours are this many hours of the window's mean profile with the lowest load (the
  // fixed fallback's 00:00-05:00 is five hours too).
  int base_hours = 5;
  // The working hours are those whose load in the window's mean profile is at least
  // base + working_level x (peak - base): the hours above half of the day's swing.
  double working_level = 0.5;
  // Fewer window days with a whole day's shape than this: the enterprise is not judged.
  int min_window_days = 7;
};

}  // namespace fugong
