// Places a decoded reading on its local day and interval slot, or says why it cannot be used.
#pragma once

#include "engine/config/engine_config.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/model/reading.h"

namespace fugong {

// Where a reading lands.
struct PlacedReading {
  Day day;   // the local day the interval belongs to; for a register reading, the day it opens
  int slot;  // interval index in the day (0 = the interval ending at 00:15), -1 for a register
};

class ReadingValidator {
 public:
  // `now` comes from the injected clock: readings more than a day past it are rejected.
  // `config` must outlive the validator.
  ReadingValidator(const EngineConfig& config, EpochSeconds now);

  bool Place(const Reading& reading, PlacedReading* placed, DecodeError* error) const;

  // The last interval reading's placement, for a run of readings of one timestamp (exports are in
  // time order: every meter at 00:15, then at 00:30...), which then skips the time-zone and
  // interval arithmetic. Only valid while now and the oldest day stay as they were: one per
  // thread and per batch.
  struct PlaceMemo {
    bool set = false;
    EpochSeconds ts = 0;
    PlacedReading placed{};
  };
  // The same as Place above, remembering in `memo`.
  bool Place(const Reading& reading, PlacedReading* placed, DecodeError* error,
             PlaceMemo* memo) const {
    if (memo->set && reading.kind == ReadingKind::kInterval && reading.ts == memo->ts) {
      // Every check but this one depends on the timestamp alone, and passed for it.
      if (reading.energy > max_interval_) return Place(reading, placed, error);
      *placed = memo->placed;
      return true;
    }
    if (!Place(reading, placed, error)) return false;
    if (reading.kind == ReadingKind::kInterval) *memo = {true, reading.ts, *placed};
    return true;
  }

  // A long-running stream moves its clock forward.
  void set_now(EpochSeconds now) { latest_allowed_ = now + config_.future_tolerance_seconds; }
  // Readings that reach a day before `day` are too_old (the state no longer keeps them).
  void set_oldest_day(Day day) { oldest_day_ = day; }

 private:
  const EngineConfig& config_;
  int interval_seconds_;
  MicroKwh max_interval_;
  EpochSeconds latest_allowed_;
  Day oldest_day_ = INT32_MIN;
};

}  // namespace fugong
