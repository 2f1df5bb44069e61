#include "engine/groups/partial_sums_combiner.h"

#include <algorithm>

namespace fugong {

PartialSumsCombiner::PartialSumsCombiner(int32_t tasks)
    : tasks_(tasks), watermarks_(std::max(tasks, 0)) {}

bool PartialSumsCombiner::Add(TaskDayPartial partial) {
  if (partial.task < 0 || partial.task >= tasks_) return false;
  std::map<int32_t, TaskDayPartial>& by_task = partials_[partial.day];
  auto it = by_task.find(partial.task);
  if (it != by_task.end() && it->second.sequence >= partial.sequence) return false;
  by_task[partial.task] = std::move(partial);
  return true;
}

bool PartialSumsCombiner::AddWatermark(const TaskWatermark& watermark) {
  if (watermark.task < 0 || watermark.task >= tasks_) return false;
  std::optional<TaskWatermark>& held = watermarks_[watermark.task];
  if (held && held->sequence >= watermark.sequence) return false;
  held = watermark;
  return true;
}

std::optional<Day> PartialSumsCombiner::ClosedThrough() const {
  std::optional<Day> through;
  for (const std::optional<TaskWatermark>& w : watermarks_) {
    if (!w) return std::nullopt;
    through = through ? std::min(*through, w->closed_through) : w->closed_through;
  }
  return through;
}

std::optional<std::pair<Day, Day>> PartialSumsCombiner::DataSpan() const {
  std::optional<std::pair<Day, Day>> span;
  for (const std::optional<TaskWatermark>& w : watermarks_) {
    if (!w) return std::nullopt;
    if (!w->data_span) continue;
    if (!span) {
      span = w->data_span;
    } else {
      span->first = std::min(span->first, w->data_span->first);
      span->second = std::max(span->second, w->data_span->second);
    }
  }
  return span;
}

std::map<std::string, ExactGroupSums> PartialSumsCombiner::Totals(Day day) const {
  std::map<std::string, ExactGroupSums> totals;
  auto it = partials_.find(day);
  if (it == partials_.end()) return totals;
  for (const auto& [task, partial] : it->second) {
    for (const auto& [group, sums] : partial.groups) totals[group].Add(sums);
  }
  return totals;
}

std::vector<Day> PartialSumsCombiner::Days() const {
  std::vector<Day> days;
  for (const auto& [day, by_task] : partials_) days.push_back(day);
  return days;
}

}  // namespace fugong
