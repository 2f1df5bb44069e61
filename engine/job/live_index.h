// The stream's view of the index: every registered enterprise's score on every day of the
// stream, kept in memory, rescored when its readings change, and summed into a day's group
// records when that day is (re)published.
//
// A day's records are always recomputed from the scores of all its enterprises, in id order,
// never patched: late data and corrections need no "undo" arithmetic on floating-point sums,
// and the sums are the very ones a backfill takes (same scoring code, same order).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/config/engine_config.h"
#include "engine/groups/group_catalog.h"
#include "engine/job/engine_references.h"
#include "engine/job/enterprise_scoring.h"
#include "engine/publish/day_records.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"
#include "engine/reference/weather_table.h"
#include "engine/state/state_store.h"

namespace fugong {

class LiveIndex {
 public:
  // The references must outlive this object; `registry` and `weather` change between calls.
  LiveIndex(const EngineReferences& references, const EnterpriseRegistry* registry,
            const WeatherTable* weather, StateStore* state, int threads);

  Status Init();  // checks the configured levels

  // Scores the enterprises `ids` on [from, to] from their meter-days in state, replacing their
  // earlier scores; ids not in the registry are forgotten. Adds the days whose scores changed to
  // `changed`.
  Status Rescore(const std::vector<std::string>& ids, Day from, Day to, std::set<Day>* changed);
  // The enterprise's registry record changed (its groups may have).
  void Forget(const std::string& id);

  // The first and last day on which a registered enterprise has data.
  std::optional<std::pair<Day, Day>> DataSpan() const;

  // The records of `day`, from the scores of the registered enterprises; revisions into `batch`.
  Status PublishDay(Day day, IndexPublisher* publisher, StateBatch* batch, DayRecords* out);

  size_t scored_enterprises() const { return scores_.size(); }

 private:
  struct EnterpriseScores {
    Day from = 0;
    std::vector<ScoredDay> days;   // index day - from
    std::vector<uint32_t> groups;  // catalog indices; empty until first needed
    const ScoredDay* On(Day day) const {
      const int64_t i = static_cast<int64_t>(day) - from;
      return i >= 0 && i < static_cast<int64_t>(days.size()) ? &days[i] : nullptr;
    }
  };
  void CountDataDays(const EnterpriseScores& s, int delta);

  const EngineConfig& config_;
  const RegionTable& regions_;
  const IndustryTable& industries_;
  const HolidayCalendar& calendar_;
  const EnterpriseRegistry* registry_;
  const WeatherTable* weather_;
  StateStore* state_;
  int threads_;
  std::optional<GroupCatalog> catalog_;
  std::unordered_map<std::string, EnterpriseScores> scores_;
  std::map<Day, uint32_t> data_days_;  // day -> enterprises with data on it
};

}  // namespace fugong
