// Time zones: a fixed UTC offset, or an IANA zone (`Europe/London`) read from the system's
// compiled zone files (TZif, RFC 8536) with its daylight saving time.
//
// SPEC's days are local calendar days, and the engine asks for the local day of every reading, so
// the lookups are built to be cheap: a zone's offsets are precomputed once into a sorted table of
// periods (explicit transitions of the file, then the POSIX TZ footer's rule through 2100), and a
// bucket index over that table finds the period of an instant with one load and a comparison or
// two. Instants after the table are evaluated from the footer rule directly (slower, still exact).
//
// A TimeZone is immutable after construction. Copies share the table, and const calls may run
// concurrently: there is no lookup cache to race on.
//
// Instants must lie within +-2^46 seconds of the epoch (about +-2 million years), so that the
// local day fits in a Day.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "engine/common/date.h"
#include "engine/common/status.h"

namespace fugong {

class TimeZone {
 public:
  // Where an instant falls in local time: its local calendar day and the seconds elapsed since that
  // day began (elapsed, not wall clock: see SecondsIntoLocalDay).
  struct LocalTime {
    Day day;
    int64_t seconds_into_day;
  };

  // UTC. A default exists so that a TimeZone can sit in plain structs.
  TimeZone() : name_("UTC") {}

  static TimeZone Fixed(int offset_seconds, std::string name);

  // `+08:00`, `-05:30`, `UTC`, `Z`, or an IANA name found under `zoneinfo_dir`. A name that is
  // malformed, escapes the directory (`..`, leading `/`) or is not a zone file gives
  // InvalidArgument; a zone file that is truncated or inconsistent gives Corruption.
  static Result<TimeZone> Parse(const std::string& text,
                                const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

  // Builds a zone from the bytes of a TZif file; `name` is what name() returns and what error
  // messages quote. A zone that has only ever had one offset comes back as a fixed zone.
  static Result<TimeZone> FromTzif(std::string_view bytes, std::string name);

  // Seconds east of UTC in force at `instant`.
  int OffsetAt(EpochSeconds instant) const {
    return data_ == nullptr ? fixed_offset_ : ZoneOffsetAt(instant);
  }

  // LocalDayOf and SecondsIntoLocalDay in one lookup; what the per-reading hot path should call.
  LocalTime Localize(EpochSeconds instant) const {
    if (data_ == nullptr) {
      const int64_t wall = instant + fixed_offset_;
      const Day day = static_cast<Day>(FloorDiv(wall, kSecondsPerDay));
      return {day, wall - static_cast<int64_t>(day) * kSecondsPerDay};
    }
    return ZoneLocalize(instant);
  }

  // The local calendar day of an instant.
  Day LocalDayOf(EpochSeconds instant) const { return Localize(instant).day; }

  // instant - StartOfLocalDay(LocalDayOf(instant)). Elapsed seconds, not the wall clock: in the
  // repeated hour of a fall-back day, 01:30 the second time is 3600 s further than the first time.
  int64_t SecondsIntoLocalDay(EpochSeconds instant) const {
    return Localize(instant).seconds_into_day;
  }

  // The first instant of the local day: local 00:00, or if 00:00 does not exist that day (a DST
  // gap at midnight), the first instant after the gap. Precisely: the first instant whose local day
  // is `day` or later, so a day a zone skipped entirely (Pacific/Apia, 2011-12-30) starts where the
  // next one does.
  EpochSeconds StartOfLocalDay(Day day) const;

  // StartOfLocalDay(day + 1) - StartOfLocalDay(day): 86400, or 82800 / 90000 on DST change days,
  // or whatever else the zone really had (84600 for Lord Howe's half-hour DST, 0 for a skipped
  // day).
  int64_t LocalDayLengthSeconds(Day day) const;

  const std::string& name() const { return name_; }
  // True when the zone has one offset for all time (so callers may take their own shortcuts).
  bool is_fixed() const { return data_ == nullptr; }

 private:
  struct Data;
  static constexpr int64_t kSecondsPerDay = 86400;

  TimeZone(std::string name, int fixed_offset, std::shared_ptr<const Data> data)
      : name_(std::move(name)), fixed_offset_(fixed_offset), data_(std::move(data)) {}

  int ZoneOffsetAt(EpochSeconds instant) const;
  LocalTime ZoneLocalize(EpochSeconds instant) const;

  std::string name_;
  int fixed_offset_ = 0;
  // Null for a fixed zone. Immutable, hence shared between copies without locking.
  std::shared_ptr<const Data> data_;
};

}  // namespace fugong
