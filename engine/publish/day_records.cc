#include "engine/publish/day_records.h"

#include "engine/publish/index_record.h"
#include "engine/publish/last_year.h"

namespace fugong {

Status PublishDayRecords(Day day, const GroupCatalog& catalog,
                         const std::vector<GroupDaySums>& sums, const HolidayCalendar& calendar,
                         const RiskChart* risk, const EngineConfig& config,
                         IndexPublisher* publisher, StateBatch* batch, DayRecords* out) {
  const bool holiday = calendar.IsHoliday(day);
  // Each record's previous season's same lunar day, as published (in an earlier run, an earlier
  // close, or earlier in this one: days are published in ascending order).
  std::optional<Day> last_year_day = SameLunarDayLastYear(day, calendar);
  if (last_year_day) {
    Result<bool> any = publisher->HasDay(*last_year_day);
    if (!any.ok()) return any.status();
    if (!*any) last_year_day.reset();  // nothing published then: no lookup per group
  }
  std::string record;
  for (uint32_t g = 0; g < catalog.size() && g < sums.size(); ++g) {
    if (sums[g].registered == 0) continue;
    const Group& group = catalog.group(g);
    std::string key = IndexRecordKey(day, group.key);
    std::optional<RiskLevel> level;
    if (risk != nullptr && group.key.level == GroupLevel::kCounty) {
      level = risk->LevelOn(group.key.code, day);
    }
    std::optional<LastYearFigure> last_year;
    if (last_year_day) {
      Result<std::optional<std::string>> then =
          publisher->PublishedContent(IndexRecordKey(*last_year_day, group.key));
      if (!then.ok()) return then.status();
      if (*then) {
        if (std::optional<std::string_view> composite = CompositeTextOf(**then)) {
          last_year = LastYearFigure{*last_year_day, std::string(*composite)};
        }
      }
    }
    Result<bool> changed =
        publisher->Publish(key,
                           IndexRecordContent(day, group, sums[g], holiday, config, level,
                                              last_year ? &*last_year : nullptr),
                           batch, &record);
    if (!changed.ok()) return changed.status();
    if (*changed) out->changed.emplace_back(key, record);
    out->all.emplace_back(std::move(key), std::move(record));
  }
  return Status::OK();
}

}  // namespace fugong
