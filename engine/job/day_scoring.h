// baseline -> score over state: fits the baselines of a closed window, and scores a closed day,
// for every registered enterprise of an id range or for one enterprise. The backfill and the
// stream both score through these functions, so their records are byte-identical; each reads the
// rows of the days it needs (a window's, or a day's and the next), never a whole season.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/baseline/baseline_window.h"
#include "engine/baseline/window_baseline.h"
#include "engine/config/engine_config.h"
#include "engine/job/enterprise_shards.h"
#include "engine/meter_day/meter_day_cursor.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/weather_table.h"
#include "engine/score/day_score.h"
#include "engine/state/state_store.h"

namespace fugong {

// What scoring reads besides the meter rows. They outlive the calls; `weather` may be null.
struct ScoringInputs {
  const EngineConfig* config;
  const HolidayCalendar* calendar;
  const WeatherTable* weather;
  const EnterpriseRegistry* registry;
  StateStore* state;
};

struct WindowFitCounts {
  uint64_t enterprises = 0;  // registered enterprises with rows in the window
  uint64_t calendar = 0;
  uint64_t mean = 0;
  uint64_t invalid = 0;
  uint64_t rows_read = 0;
};

// Fits the baseline of `window` of every registered enterprise in `range` that has rows in it, and
// writes them to the baseline store (a batch at a time: the caller records that the window is
// fitted only once every range is done).
Status FitWindowBaselines(const ScoringInputs& in, const DayRange& window, const IdRange& range,
                          WindowFitCounts* counts);
// Fits one enterprise's baseline of `window` again (late input in the window, or a new county),
// into `batch`. Removes its row when it has no rows in the window any more.
Status RefitWindowBaseline(const ScoringInputs& in, const DayRange& window, const std::string& id,
                           StateBatch* batch, uint64_t* rows_read);

// Sees the rows of each enterprise scored (the backfill counts them for its summary), with the
// enterprise's position in the registry's id order counted from the range's start.
using RowsVisitor = std::function<void(const EnterpriseMeterRows&, size_t registry_index)>;

// Scores `day` (against its `window`, whose baselines are stored) for every registered enterprise
// in `range` with rows on the day or at the 00:00 after it, in id order, into `out` (appended).
Status ScoreDay(const ScoringInputs& in, Day day, const DayRange& window, const IdRange& range,
                std::vector<ScoredEnterprise>* out, uint64_t* rows_read,
                const RowsVisitor* visit = nullptr);
// Scores one registered enterprise on `day`; `has_rows` false when it has no rows on it.
Status ScoreOneEnterprise(const ScoringInputs& in, Day day, const DayRange& window,
                          const std::string& id, DayScore* out, bool* has_rows,
                          uint64_t* rows_read);

}  // namespace fugong
