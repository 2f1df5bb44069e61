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
