#include "engine/groups/partial_sums_combiner.h"

namespace fugong {

PartialSumsCombiner::PartialSumsCombiner(int32_t input_partitions)
    : input_partitions_(input_partitions), watermarks_(input_partitions) {}

bool PartialSumsCombiner::Add(const GroupPartial& partial) {
  if (partial.input_partition < 0 || partial.input_partition >= input_partitions_) return false;
  auto& by_partition = partials_[partial.day][partial.group];
  auto it = by_partition.find(partial.input_partition);
  if (it != by_partition.end() && it->second.sequence >= partial.sequence) return false;
  by_partition[partial.input_partition] = Held{partial.sequence, partial.sums};
  return true;
}

bool PartialSumsCombiner::AddWatermark(const PartitionWatermark& watermark) {
  if (watermark.input_partition < 0 || watermark.input_partition >= input_partitions_) {
    return false;
  }
  std::optional<PartitionWatermark>& held = watermarks_[watermark.input_partition];
  if (held && held->sequence >= watermark.sequence) return false;
  held = watermark;
  return true;
}

std::optional<Day> PartialSumsCombiner::ClosedThrough() const {
  std::optional<Day> through;
  for (const std::optional<PartitionWatermark>& w : watermarks_) {
    if (!w) return std::nullopt;
    through = through ? std::min(*through, w->closed_through) : w->closed_through;
  }
  return through;
}

std::map<std::string, ExactGroupSums> PartialSumsCombiner::Totals(Day day) const {
  std::map<std::string, ExactGroupSums> totals;
  auto it = partials_.find(day);
  if (it == partials_.end()) return totals;
  for (const auto& [group, by_partition] : it->second) {
    ExactGroupSums& total = totals[group];
    for (const auto& [partition, held] : by_partition) total.Add(held.sums);
  }
  return totals;
}

std::vector<Day> PartialSumsCombiner::Days() const {
  std::vector<Day> days;
  for (const auto& [day, groups] : partials_) days.push_back(day);
  return days;
}

}  // namespace fugong
