// Totals across tasks (issue 12; docs/scale-out.md). Each task -- the work of one readings
// partition, on whichever instance holds it -- sends, for each day it has closed, its sums of the
// groups a partials partition owns (a TaskDayPartial), then its watermark. The combiner of that
// partials partition keeps the latest partial of every (day, task) and adds them up.
//
// Order does not matter, by construction:
//   - each partial and watermark carries a sequence number that grows with its task's progress
//     (the readings offset committed with it); the combiner keeps, per (day, task), the one with
//     the highest sequence, so a partial replayed after a crash, or sent late by an instance that
//     has lost the partition, never replaces a newer one;
//   - the sums are exact, so the total is the same whatever order the partials are added in.
// A day's totals are complete once every task's watermark has reached the day (ClosedThrough):
// before that, a task that has not reported could still add enterprises.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/date.h"
#include "engine/groups/exact_group_sums.h"
#include "engine/groups/task_day_partial.h"

namespace fugong {

class PartialSumsCombiner {
 public:
  // The readings topic's partition count: a day is complete when all its tasks have closed it.
  explicit PartialSumsCombiner(int32_t tasks);

  // Keeps the partial unless one of the same (day, task) with a higher or equal sequence is
  // held. Returns whether it changed what is held: false for a stale or repeated one, and for a
  // task out of range (which is ignored).
  bool Add(TaskDayPartial partial);
  bool AddWatermark(const TaskWatermark& watermark);

  // The last day every task has closed; none while some task has not reported.
  std::optional<Day> ClosedThrough() const;
  // From the first to the last day with data of any task; none while some task has not
  // reported, or none has data.
  std::optional<std::pair<Day, Day>> DataSpan() const;
  // The day's total of every group some task has sums of, by group key: the latest partial of
  // each task, added up.
  std::map<std::string, ExactGroupSums> Totals(Day day) const;
  // Days with a partial held, ascending.
  std::vector<Day> Days() const;
  int32_t tasks() const { return tasks_; }

 private:
  int32_t tasks_;
  std::map<Day, std::map<int32_t, TaskDayPartial>> partials_;  // day -> task -> the latest
  std::vector<std::optional<TaskWatermark>> watermarks_;
};

}  // namespace fugong
