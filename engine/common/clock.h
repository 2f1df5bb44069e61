// The wall clock, passed in so that tests control time (LevelDB's Env idea, reduced to what the
// engine reads from the OS: the time).
#pragma once

#include "engine/common/date.h"

namespace fugong {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual EpochSeconds Now() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  EpochSeconds Now() const override;
};

// A clock that says what it is told; for tests.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(EpochSeconds now) : now_(now) {}
  EpochSeconds Now() const override { return now_; }
  void Set(EpochSeconds now) { now_ = now; }

 private:
  EpochSeconds now_;
};

// `2026-11-29T02:44:46Z`.
std::string FormatUtcInstant(EpochSeconds t);

}  // namespace fugong
