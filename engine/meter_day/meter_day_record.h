// All that is known of one meter on one local day: which intervals arrived and their energy, the
// register value that opens the day, and how many duplicates and corrections came in.
//
// The same rules apply whether two readings of one (meter, ts) meet in memory or in RocksDB (as a
// merge of a later batch into an earlier one): the same value again changes nothing and counts as
// a duplicate; another value replaces the earlier one and counts as a correction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/reading.h"

namespace fugong {

struct MeterDayRecord {
  static constexpr MicroKwh kAbsent = -1;  // real values are never negative

  std::vector<MicroKwh> slots;  // one per interval of the day; kAbsent where none arrived
  bool has_register = false;
  MicroKwh register_start = 0;  // cumulative register value at the 00:00 that opens the day
  uint32_t corrections = 0;
  uint32_t duplicates = 0;

  void Reset(int intervals_per_day);
  int intervals_per_day() const { return static_cast<int>(slots.size()); }

  void ApplyInterval(int slot, MicroKwh value);
  void ApplyRegister(MicroKwh value);
  // Applies everything in `later` as if its readings arrived after this record's.
  void ApplyLater(const MeterDayRecord& later);

  int received() const;
  MicroKwh interval_sum() const;
  bool has_intervals() const { return received() > 0; }

  std::string Encode() const;
  // Returns false on bytes that are not a record.
  bool Decode(std::string_view bytes);
  // Only the register reading and the counts (the slots are left as they were): what is needed of
  // the row of the day after a scored day, whose 00:00 register reading ends it.
  bool DecodeRegister(std::string_view bytes);
  // The counts, the register and the totals of the slots (how many arrived, their sum), without
  // keeping the slots (left as they were): all that a day's energy needs, read without filling
  // 96 slots and walking them twice. Refuses exactly the bytes Decode refuses.
  bool DecodeTotals(std::string_view bytes, int* received, MicroKwh* interval_sum);

 private:
  // Reads the version, counts, flags and register, and moves `in` to the slots.
  bool DecodeHeader(std::string_view* in, uint64_t* n, int* scale, bool* all_present);
};

// Encodes a record from raw arrays, for the ingest accumulator that keeps its slots in a pool.
void EncodeMeterDay(const MicroKwh* slots, int intervals_per_day, bool has_register,
                    MicroKwh register_start, uint32_t corrections, uint32_t duplicates,
                    std::string* out);

}  // namespace fugong
