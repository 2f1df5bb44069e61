// Totals across input partitions (issue 12; docs/scale-out.md). With several instances, each
// owns some partitions of the readings topic and can sum only their enterprises: for each day it
// has closed it sends, per input partition, that partition's ExactGroupSums of every group (a
// "partial"), and then that partition's watermark ("closed through day D"). The instance that owns
// a group's total keeps the latest partial of every input partition and adds them up.
//
// Order does not matter, by construction:
//   - each partial and watermark carries a sequence number that grows with the input partition's
//     progress (its committed offset when the partial was made); the combiner keeps, per input
//     partition, the one with the highest sequence, so a partial replayed after a crash, or sent
//     late by an instance that has lost the partition, never replaces a newer one;
//   - the sums are exact, so the total is the same whatever order the partials are added in.
// A day's totals are complete once every input partition's watermark has reached the day
// (ClosedThrough): before that, a partition that has not reported could still add enterprises.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/date.h"
#include "engine/groups/exact_group_sums.h"

namespace fugong {

// One input partition's sums of one group on one day.
struct GroupPartial {
  Day day = 0;
  std::string group;  // LEVEL|CODE
  int32_t input_partition = 0;
  int64_t sequence = 0;
  ExactGroupSums sums;
};

// An input partition has closed every day up to `closed_through`, and sent their partials
// before this (with sequence numbers up to `sequence`).
struct PartitionWatermark {
  int32_t input_partition = 0;
  int64_t sequence = 0;
  Day closed_through = 0;
};

class PartialSumsCombiner {
 public:
  // The readings topic's partition count: a day is complete when all of them have closed it.
  explicit PartialSumsCombiner(int32_t input_partitions);

  // Keeps the partial unless one of the same (day, group, input partition) with a higher or equal
  // sequence is held. Returns whether it changed what is held: false for a stale or repeated one,
  // and for an input partition out of range (which is ignored).
  bool Add(const GroupPartial& partial);
  bool AddWatermark(const PartitionWatermark& watermark);

  // The last day every input partition has closed; none while some partition has not reported.
  std::optional<Day> ClosedThrough() const;
  // The day's total of every group with a partial, by group key: the latest partial of each input
  // partition, added up.
  std::map<std::string, ExactGroupSums> Totals(Day day) const;
  // Days with a partial held, ascending.
  std::vector<Day> Days() const;

 private:
  struct Held {
    int64_t sequence;
    ExactGroupSums sums;
  };
  int32_t input_partitions_;
  // day -> group -> input partition -> the latest partial.
  std::map<Day, std::map<std::string, std::map<int32_t, Held>>> partials_;
  std::vector<std::optional<PartitionWatermark>> watermarks_;
};

}  // namespace fugong
