// What one task (the work of one readings partition, docs/scale-out.md) tells the owners of the
// group totals: its sums of a closed day, and how far it has closed. The enterprises of a county
// are spread over every readings partition, so no task can publish a group's record; each sends
// its share, and the task of the partials partition that owns the group adds them up
// (PartialSumsCombiner, TotalsPublisher).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/date.h"
#include "engine/groups/exact_group_sums.h"
#include "engine/groups/group_catalog.h"

namespace fugong {

// One task's sums of one day, for the groups one partials partition owns. Sent whole each time
// the task sums the day, so it replaces the one before (a group that lost all its enterprises
// of the task is simply absent): compaction of the partials topic keeps the latest per key.
struct TaskDayPartial {
  Day day = 0;
  int32_t task = 0;      // the readings partition
  int64_t sequence = 0;  // grows with the task's progress: a newer one has a higher sequence
  // Group key ("LEVEL|CODE") -> the task's ScoredSums of the group (registered zero: the owner
  // counts registered enterprises from the registry), ascending by key, none zero.
  std::vector<std::pair<std::string, ExactGroupSums>> groups;
};

// A task has closed every day up to `closed_through` and sent their partials before this
// (with lower sequences). `data_span`: the first and last closed day on which a registered
// enterprise of the task has data (none: none has yet); the days published are those from the
// first to the last of any task.
struct TaskWatermark {
  int32_t task = 0;
  int64_t sequence = 0;
  Day closed_through = 0;
  std::optional<std::pair<Day, Day>> data_span;

  friend bool operator==(const TaskWatermark& a, const TaskWatermark& b) {
    return a.task == b.task && a.sequence == b.sequence && a.closed_through == b.closed_through &&
           a.data_span == b.data_span;
  }
};

// "LEVEL|CODE", the group part of an index record's key.
std::string GroupKeyText(const GroupKey& key);

// The partials partition that owns a group's totals, of every day: FNV-1a of its key text,
// modulo the partition count. By group and not by group-day, so that one task publishes a
// group's every day and has the record a last_year figure is read from. Fixed here (not
// librdkafka's partitioner) so that every instance, whatever its client, agrees.
int32_t PartialsPartitionOf(std::string_view group_key_text, int32_t partitions);

// A task's day sums (ScoredSums, indexed by `catalog`) cut into one partial per partials
// partition: element q holds the non-zero sums of the groups partition q owns (possibly none:
// it is sent all the same, to replace what q held).
std::vector<TaskDayPartial> SplitByPartialsPartition(Day day, int32_t task, int64_t sequence,
                                                     const std::vector<ExactGroupSums>& sums,
                                                     const GroupCatalog& catalog,
                                                     int32_t partitions);

}  // namespace fugong
