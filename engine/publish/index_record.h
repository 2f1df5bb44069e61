// SPEC's output record: key `DATE|LEVEL|CODE`, value JSON with a fixed field order.
#pragma once

#include <optional>
#include <string>

#include "engine/common/date.h"
#include "engine/config/engine_config.h"
#include "engine/groups/group_catalog.h"
#include "engine/groups/group_day_sums.h"
#include "engine/model/risk_level.h"

namespace fugong {

std::string IndexRecordKey(Day day, const GroupKey& key);
// The LEVEL of a key DATE|LEVEL|CODE.
std::string_view LevelOfIndexKey(std::string_view key);

// Every field of the record up to and including `holiday` and the later fields that apply
// (`risk`, `last_year`, the day-shape figures), as an unterminated JSON object
// (`{"date":...,"holiday":false`). This is what decides whether a record changed: revision and
// computed_at are appended by FinishIndexRecord. `risk` is the county's level on the day (county
// records only; nullopt: no chart covers the day); `last_year` the same lunar day of the previous
// season and its record's composite as written (engine/publish/last_year.h; null: no such record,
// or suppressed).
struct LastYearFigure {
  Day date;
  std::string composite;
};
std::string IndexRecordContent(Day day, const Group& group, const GroupDaySums& sums, bool holiday,
                               const EngineConfig& config,
                               std::optional<RiskLevel> risk = std::nullopt,
                               const LastYearFigure* last_year = nullptr);

std::string FinishIndexRecord(const std::string& content, uint32_t revision,
                              EpochSeconds computed_at);

}  // namespace fugong
