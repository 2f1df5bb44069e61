// The stream's closed days: fits a window's baselines once the window is closed, scores each
// closed day once from that day's rows, keeps the scores in state (the enterprise_day store), and
// publishes a day's records from its scores summed in enterprise-id order. Its cost per close is
// one day's rows and scores, whatever the number of days the stream has seen; nothing of past
// days is held in memory beyond one flag per day.
//
// Late input (readings, weather, registry records that reach a closed day or a fitted window) is
// kept as pending (day, enterprise) entries in state, written with the input that caused them,
// and handled at the next close: the enterprise's baseline of that window is fitted again when the
// window changed, the enterprise is rescored on the days concerned, and exactly those days are
// summed and published again. See docs/streaming.md, "Closing a day".
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/config/engine_config.h"
#include "engine/groups/group_catalog.h"
#include "engine/groups/group_membership.h"
#include "engine/job/day_scoring.h"
#include "engine/job/engine_references.h"
#include "engine/job/task_partials_sender.h"
#include "engine/publish/index_publisher.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/reference/risk_chart.h"
#include "engine/reference/weather_table.h"
#include "engine/state/state_store.h"

namespace fugong {

// What one close did, for the status, metrics and tests.
struct CloseWork {
  uint64_t windows_fitted = 0;
  uint64_t days_scored = 0;
  uint64_t days_summed = 0;           // scored now or summed again from stored scores
  uint64_t enterprises_rescored = 0;  // (enterprise, day) pairs rescored for late input
  uint64_t meter_rows_read = 0;
  uint64_t score_rows_read = 0;
  uint64_t group_lookups = 0;  // enterprises whose groups were looked up (new or changed ones)
};

class LiveIndex {
 public:
  // A pending entry for this day means: every day of the enterprise (a new registration).
  static constexpr Day kAllDays = INT32_MIN;

  // The references must outlive this object; `registry` and `weather` change between calls.
  LiveIndex(const EngineReferences& references, const EnterpriseRegistry* registry,
            const WeatherTable* weather, const RiskChart* risk, StateStore* state, int threads);

  // Checks the configured levels and restores the fitted windows, closed days and pending work.
  Status Open();
  // Builds what every close reads in memory from the registry (the groups of each enterprise,
  // the scoring shards), once the registry is loaded: otherwise a restarted service's first
  // close builds them, 300,000 catalog lookups at 300,000 enterprises, while dashboards wait.
  void Prepare();

  // Whether input of `day` changed since it was read reaches closed work (a scored day, or a
  // day of a window whose baselines are fitted): then it must be made pending. A register
  // reading at the 00:00 after a window changes the window's last day, and is reported so by the
  // ingest; the other readings of that next day do not reach the window.
  bool Reaches(Day day) const;
  // Records pending work for `id` on `day` (kAllDays: every day), in `batch` (written with the
  // input that caused it) and in memory.
  void AddPending(const std::string& id, Day day, StateBatch* batch);
  // The registry record of `id` changed; `rescore` when its scores may change (a new enterprise
  // or a new county: its baselines depend on the county's weather). Every published day is then
  // summed again, since its registered counts or groups may have changed.
  void RegistryChanged(const std::string& id, bool rescore, StateBatch* batch);
  // A risk chart entry may have changed the level of the published days in `span`: they are
  // summed and published again at the next close (only the county records whose level changed
  // get a new revision). Marked in `batch`, written with the entry.
  void RiskChanged(const RiskChart::Span& span, StateBatch* batch);

  // Closes every day up to `closed_through` whose window is closed, from `first_day` (the first
  // day with readings) on: fits the windows, scores the days, does the pending work, and
  // publishes the days that are new or changed. Each day's scores, records and outbox entries
  // are written in one batch.
  Status Close(Day first_day, Day closed_through, IndexPublisher* publisher, CloseWork* work);

  // Every published day is summed (and its partials sent) again at the next close: the tasks
  // held grew, and a task new to this instance has no partials of the days closed before (a day
  // closed while another instance held the task may never have been sent). Marked in `batch`.
  void SumAllAgain(StateBatch* batch);

  // Totals through the partials topic (docs/scale-out.md): each summed day's partials go to
  // `sender` instead of records to the publisher. Set before Open; null (the default): local
  // totals.
  void SendPartialsTo(TaskPartialsSender* sender) { partials_ = sender; }

  // The last day up to which every day from the first scored one has been scored (and, with
  // partials, sent): a day waits for its baseline window, so this can be behind the closed
  // days. None before the first day is scored.
  std::optional<Day> ScoredThrough() const;

  // The first and last closed day on which a registered enterprise has data.
  std::optional<std::pair<Day, Day>> DataSpan() const;
  size_t pending() const { return pending_.size(); }

 private:
  struct DayState {
    bool has_data = false;
    bool published = false;
  };
  // Scores of one day changed by pending work: id -> new score (nullopt: no row any more).
  using ScoreChanges = std::map<std::string, std::optional<DayScore>>;

  ScoringInputs Inputs() const;
  bool IsFitted(const DayRange& w) const;
  // The id ranges the scoring threads take, cut again when the registry changed.
  const std::vector<IdRange>& Shards();
  Status FitWindow(const DayRange& w, CloseWork* work);
  Status ScoreNewDay(Day day, const DayRange& w, std::vector<ScoredEnterprise>* scores,
                     CloseWork* work);
  Status DoPending(CloseWork* work);
  Status Rescore(const std::string& id, Day day, ScoreChanges* changes, CloseWork* work);
  // The day's stored scores, in id order.
  Status ReadScores(Day day, std::vector<ScoredEnterprise>* out, CloseWork* work);
  void PutDayState(Day day, StateBatch* batch) const;

  const EngineReferences refs_;
  const EnterpriseRegistry* registry_;
  const WeatherTable* weather_;
  const RiskChart* risk_;
  StateStore* state_;
  int threads_;
  std::vector<IdRange> shards_;
  uint64_t shards_generation_ = 0;
  std::optional<GroupCatalog> catalog_;
  std::optional<GroupMembership> membership_;

  std::vector<DayRange> fitted_;                   // windows whose baselines are stored
  std::map<Day, DayState> days_;                   // scored days
  std::set<std::pair<Day, std::string>> pending_;  // mirrors the pending_rescore store
  bool republish_all_ = false;                     // mirrors stream.republish_all
  TaskPartialsSender* partials_ = nullptr;
};

}  // namespace fugong
