// Reads the meter_day store enterprise by enterprise over a run of consecutive days: the rows a
// close needs (the day and the next one, whose 00:00 register reading ends it) or a window fit
// needs (the window's days and the one after). The store leads with the day, so each day is one
// contiguous range and its own iterator; the cursor merges them by enterprise, so the work is
// proportional to the rows of these days, not to how long the state has been growing.
//
// The last day is read for its 00:00 register readings only (they end the day before): its rows
// come with no intervals, and their slots are not even decoded.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "engine/common/date.h"
#include "engine/config/engine_config.h"
#include "engine/meter_day/meter_day_energy.h"
#include "engine/meter_day/meter_day_record.h"
#include "engine/shape/day_shape.h"
#include "engine/state/state_store.h"

namespace fugong {

// One enterprise's rows on the cursor's days.
struct EnterpriseMeterRows {
  std::string enterprise;
  std::vector<std::string> meter_ids;  // sorted
  std::vector<MeterSeries> meters;     // by meter_ids' index, rows sorted by day
  // With shapes read: the enterprise's day shape on each day (but the register-only last) that
  // has an interval reading, days ascending.
  std::vector<DatedShape> shapes;
  uint64_t rows = 0;
};

class MeterDayCursor {
 public:
  // Days [first, last], the last one for its registers only; `state` and `config` must outlive
  // the cursor. With `read_shapes` (and a config that ReadsDayShapes), the rows' slots are
  // decoded too, into each day's shape.
  MeterDayCursor(const StateStore* state, Day first, Day last, const EngineConfig* config,
                 bool read_shapes = false);

  // Positions before the first enterprise >= `from` (empty: the first of all).
  void Seek(std::string_view from);
  // The next enterprise in id order with rows on the cursor's days, if it sorts before `end`
  // (empty: no bound). False at the end; Corruption or IOError when the store is damaged.
  Result<bool> Next(EnterpriseMeterRows* out, std::string_view end = {});
  // The rows of `enterprise` alone (none: empty meters).
  Status Read(std::string_view enterprise, EnterpriseMeterRows* out);

  // Rows read since the cursor was made (the measure of a close's work).
  uint64_t rows_read() const { return rows_read_; }

 private:
  // The enterprise of day `k`'s iterator, empty when it has left that day's rows.
  std::string_view CurrentEnterprise(size_t k) const;

  using MeterRow = std::tuple<std::string, Day, MeterDaySummary>;

  const EngineConfig* config_;
  Day first_;
  std::vector<std::vector<uint8_t>> slot_hours_;  // per day but the last; empty: no shapes
  MeterDayRecord record_;                         // reused to decode slots
  std::vector<MeterRow> rows_buffer_;
  std::vector<std::unique_ptr<rocksdb::Iterator>> days_;  // one per day, first..last
  uint64_t rows_read_ = 0;
};

}  // namespace fugong
