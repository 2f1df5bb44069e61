#include "engine/publish/day_records.h"

#include "engine/publish/index_record.h"

namespace fugong {

Status PublishDayRecords(Day day, const GroupCatalog& catalog,
                         const std::vector<GroupDaySums>& sums, const HolidayCalendar& calendar,
                         const RiskChart* risk, const EngineConfig& config,
                         IndexPublisher* publisher, StateBatch* batch, DayRecords* out) {
  const bool holiday = calendar.IsHoliday(day);
  std::string record;
  for (uint32_t g = 0; g < catalog.size() && g < sums.size(); ++g) {
    if (sums[g].registered == 0) continue;
    const Group& group = catalog.group(g);
    std::string key = IndexRecordKey(day, group.key);
    std::optional<RiskLevel> level;
    if (risk != nullptr && group.key.level == GroupLevel::kCounty) {
      level = risk->LevelOn(group.key.code, day);
    }
    Result<bool> changed = publisher->Publish(
        key, IndexRecordContent(day, group, sums[g], holiday, config, level), batch, &record);
    if (!changed.ok()) return changed.status();
    if (*changed) out->changed.emplace_back(key, record);
    out->all.emplace_back(std::move(key), std::move(record));
  }
  return Status::OK();
}

}  // namespace fugong
