#include "engine/groups/task_day_partial.h"

#include <algorithm>

namespace fugong {

std::string GroupKeyText(const GroupKey& key) {
  return std::string(LevelName(key.level)) + "|" + key.code;
}

int32_t PartialsPartitionOf(std::string_view group_key_text, int32_t partitions) {
  uint32_t hash = 2166136261u;
  for (char c : group_key_text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return static_cast<int32_t>(hash % static_cast<uint32_t>(partitions));
}

std::vector<TaskDayPartial> SplitByPartialsPartition(Day day, int32_t task, int64_t sequence,
                                                     const std::vector<ExactGroupSums>& sums,
                                                     const GroupCatalog& catalog,
                                                     int32_t partitions) {
  std::vector<TaskDayPartial> out(partitions);
  for (int32_t q = 0; q < partitions; ++q) {
    out[q].day = day;
    out[q].task = task;
    out[q].sequence = sequence;
  }
  for (uint32_t g = 0; g < sums.size() && g < catalog.size(); ++g) {
    if (sums[g].IsZero()) continue;
    std::string key = GroupKeyText(catalog.group(g).key);
    out[PartialsPartitionOf(key, partitions)].groups.emplace_back(std::move(key), sums[g]);
  }
  for (TaskDayPartial& p : out) {
    std::sort(p.groups.begin(), p.groups.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  return out;
}

}  // namespace fugong
