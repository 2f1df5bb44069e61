#include "engine/validate/reading_validator.h"

#include <cmath>

namespace fugong {

ReadingValidator::ReadingValidator(const EngineConfig& config, EpochSeconds now)
    : config_(config),
      interval_seconds_(config.interval_minutes * 60),
      max_interval_(static_cast<MicroKwh>(std::llround(config.max_interval_kwh * kMicroKwhPerKwh))),
      latest_allowed_(now + config.future_tolerance_seconds) {}

bool ReadingValidator::Place(const Reading& r, PlacedReading* placed, DecodeError* error) const {
  if (r.ts > latest_allowed_) {
    *error = {DeadLetterReason::kFutureTimestamp, "ts lies more than a day in the future"};
    return false;
  }
  // Seconds elapsed since the local day began (not wall-clock time: on a daylight-saving day the
  // repeated hour gets slots of its own).
  const TimeZone::LocalTime local = config_.time_zone.Localize(r.ts);
  const Day day = local.day;
  const int64_t second_of_day = local.seconds_into_day;
  // A register reading at 00:00 also ends the day before.
  if (day - (r.kind == ReadingKind::kRegister ? 1 : 0) < oldest_day_) {
    *error = {DeadLetterReason::kTooOld,
              "the day is older than the state keeps (retention_days before the newest day)"};
    return false;
  }
  if (r.kind == ReadingKind::kRegister) {
    if (second_of_day != 0) {
      *error = {DeadLetterReason::kRegisterNotMidnight,
                "a register reading must be the daily frozen value at local 00:00"};
      return false;
    }
    *placed = {day, -1};
    return true;
  }
  if (r.energy > max_interval_) {
    *error = {DeadLetterReason::kKwhAboveMax, "interval kwh above max_interval_kwh"};
    return false;
  }
  if (second_of_day % interval_seconds_ != 0) {
    *error = {
        DeadLetterReason::kTsNotAligned,
        "ts is not the end of a " + std::to_string(interval_seconds_ / 60) + "-minute interval"};
    return false;
  }
  const int end_index = static_cast<int>(second_of_day / interval_seconds_);
  if (end_index == 0) {
    *placed = {day - 1, config_.IntervalsOn(day - 1) - 1};  // the interval ending at 00:00
  } else if (end_index > config_.IntervalsOn(day)) {
    *error = {DeadLetterReason::kTsNotAligned, "ts is past the last interval of its local day"};
    return false;
  } else {
    *placed = {day, end_index - 1};
  }
  return true;
}

}  // namespace fugong
