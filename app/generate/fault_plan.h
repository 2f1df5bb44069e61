// Which faults the generator injects, where, and how often. Every decision is a pure function of a
// hash of (seed, meter, day, slot), so the faults land in the same places whatever the threads do,
// and each one is counted exactly once.
//
// Per interval line (rates of all interval lines):
//   duplicate 0.05%  - the same line again a few intervals later in the same file;
//   correction 0.02% - the same meter and ts again later in the same file, with another kwh;
//   malformed 0.01%  - an extra unparseable line (garbage, wrong field count, `12.3.4`, bad ts);
//   negative 0.01%   - an extra copy of the line with a negative kwh;
//   unknown 0.01%    - an extra valid line for an enterprise id that is not in enterprises.csv.
// At most one fault per line. The extra lines never replace a good one, so coverage is unchanged.
// Per interval meter-day: 0.5% lose 10%..25% of their intervals (coverage still >= 75%: the engine
// estimates the day), 0.2% lose more than 25% but keep at least one (the meter-day is missing).
// Register meters only get the single rollover (see register_series.h).
#pragma once

#include <algorithm>
#include <cstdint>

#include "app/generate/prng.h"

namespace fugong::synth {

enum class LineFault : uint8_t {
  kNone,
  kDuplicate,
  kCorrection,
  kMalformed,
  kNegative,
  kUnknownEnterprise
};

// Missing slots [begin, end) of one meter-day.
struct MeterDayGap {
  int begin = 0;
  int end = 0;
  bool dropped = false;  // coverage below 75%
  bool any() const { return end > begin; }
};

class FaultPlan {
 public:
  FaultPlan(bool enabled, int slots_per_day) : enabled_(enabled), slots_(slots_per_day) {
    constexpr double k32 = 4294967296.0;
    duplicate_ = enabled ? static_cast<uint32_t>(0.0005 * k32) : 0;
    correction_ = duplicate_ + (enabled ? static_cast<uint32_t>(0.0002 * k32) : 0);
    malformed_ = correction_ + (enabled ? static_cast<uint32_t>(0.0001 * k32) : 0);
    negative_ = malformed_ + (enabled ? static_cast<uint32_t>(0.0001 * k32) : 0);
    unknown_ = negative_ + (enabled ? static_cast<uint32_t>(0.0001 * k32) : 0);
    // Estimated: 10%..25% missing. 25% of the slots missing still leaves coverage exactly 0.75.
    gap_min_ = std::max(1, (slots_per_day + 9) / 10);
    gap_max_ = slots_per_day / 4;
    // Missing: from max(25% + 1, 30%) up to all but one.
    drop_min_ = std::max(slots_per_day / 4 + 1, (3 * slots_per_day + 9) / 10);
    drop_max_ = slots_per_day - 1;
  }

  // Fast test on the top 32 bits of a line's hash: false for all but ~0.1% of lines.
  bool MaybeFaulty(uint32_t bits) const { return bits < unknown_; }
  LineFault LineFaultOf(uint32_t bits) const {
    if (bits < duplicate_) return LineFault::kDuplicate;
    if (bits < correction_) return LineFault::kCorrection;
    if (bits < malformed_) return LineFault::kMalformed;
    if (bits < negative_) return LineFault::kNegative;
    if (bits < unknown_) return LineFault::kUnknownEnterprise;
    return LineFault::kNone;
  }

  // `hash` is the meter-day's own hash.
  MeterDayGap GapOf(uint64_t hash) const {
    MeterDayGap gap;
    if (!enabled_) return gap;
    const uint32_t pick = static_cast<uint32_t>(hash >> 32);
    const uint32_t r = static_cast<uint32_t>(hash);
    int missing = 0;
    if (pick < static_cast<uint32_t>(0.005 * 4294967296.0)) {
      if (gap_min_ > gap_max_) return gap;
      missing = gap_min_ + static_cast<int>(r % static_cast<uint32_t>(gap_max_ - gap_min_ + 1));
    } else if (pick < static_cast<uint32_t>(0.007 * 4294967296.0)) {
      if (drop_min_ > drop_max_) return gap;
      missing = drop_min_ + static_cast<int>(r % static_cast<uint32_t>(drop_max_ - drop_min_ + 1));
      gap.dropped = true;
    } else {
      return gap;
    }
    // A contiguous outage (a lost concentrator link), anywhere in the day.
    const uint64_t where = SplitMix64(hash);
    gap.begin = static_cast<int>(where % static_cast<uint64_t>(slots_ - missing + 1));
    gap.end = gap.begin + missing;
    return gap;
  }

 private:
  bool enabled_;
  int slots_;
  uint32_t duplicate_, correction_, malformed_, negative_, unknown_;
  int gap_min_, gap_max_, drop_min_, drop_max_;
};

}  // namespace fugong::synth
