// Collects the readings of one commit interval in memory, per (meter, day), and writes the touched
// rows to state as one sorted batch of merges.
//
// Measured here: RocksDB takes ~0.2 M random puts/s per core but ~1.1 M/s sorted, and a reading
// costs ~30 ns to add to a hash table, so readings never go to RocksDB one by one.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/common/huge_page_allocator.h"
#include "engine/meter_day/meter_day_record.h"
#include "engine/state/state_store.h"
#include "engine/validate/reading_validator.h"

namespace fugong {

class MeterDayAccumulator {
 public:
  explicit MeterDayAccumulator(int intervals_per_day);

  // Interns (enterprise, meter) and returns its index; `is_new` says it was first seen now.
  uint32_t MeterIndex(std::string_view enterprise, std::string_view meter, bool* is_new) {
    return MeterIndex(enterprise, meter, HashMeter(enterprise, meter), is_new);
  }
  // The same with the key's HashMeter already computed (by a parser thread).
  uint32_t MeterIndex(std::string_view enterprise, std::string_view meter, uint64_t hash,
                      bool* is_new);
  static uint64_t HashMeter(std::string_view enterprise, std::string_view meter);
  // Starts loading the table slot where the lookup of `hash` begins: the caller calls it a few
  // readings ahead, so that the lookup's cache miss overlaps the work on the readings before.
  void PrefetchMeter(uint64_t hash) const {
    if (!meter_table_.empty()) __builtin_prefetch(&meter_table_[hash & (meter_table_.size() - 1)]);
  }

  // Applies one placed reading of meter `meter_index`, in arrival order.
  void Add(uint32_t meter_index, const PlacedReading& placed, MicroKwh value);

  // Interval slots held in memory: the measure of its size.
  size_t pending_slots() const { return pool_.size(); }
  size_t pending_rows() const { return rows_.size(); }
  // Room for `slots` interval slots, so that the pool does not grow (and copy) by doubling up to
  // its usual size. Address space only: the pages are touched as rows fill them, in huge pages
  // where the system allows it (a 4 KiB page fault every 512 slots was a visible cost).
  void ReserveSlots(size_t slots);

  // Bulk load: the caller promises that the state held no meter_day row when this accumulator
  // began and that nothing else writes meter_day rows meanwhile. A row of a (meter, day) that no
  // earlier flush of this accumulator wrote is then written with Put instead of Merge: the same
  // bytes a read would get from merging it onto nothing (MeterDayMergeOperator re-encodes the one
  // operand to itself), without leaving RocksDB a merge to resolve on every later read and
  // compaction. Rows that an earlier flush may have written stay merges.
  void set_fresh_state(bool fresh) { fresh_state_ = fresh; }

  // Adds one Merge (or Put, see set_fresh_state) per touched (meter, day) to `batch`, in key
  // order, and forgets them. `touched` (optional) gets (enterprise, day) for every day up to
  // `report_through` whose energy the new rows can change (a register reading at 00:00 also ends
  // the day before): the stream's late input, which reaches days already closed.
  void FlushTo(StateBatch* batch, Day report_through = INT32_MIN,
               std::vector<std::pair<std::string, Day>>* touched = nullptr);
  // Bytes FlushTo would add to a batch, roughly (from above): to reserve the batch.
  size_t EstimatedFlushBytes() const;

 private:
  struct Row {
    uint32_t meter;
    Day day;
    uint32_t pool_offset;  // intervals_per_day_ slots in pool_, or UINT32_MAX if none yet
    bool has_register;
    MicroKwh register_start;
    uint32_t corrections;
    uint32_t duplicates;
  };
  // Each meter's latest row: readings of a meter mostly come day after day, so this answers
  // nearly every reading's lookup without the (meter, day) hash map, and its pool offset lets an
  // interval reading into an empty slot touch no Row at all.
  struct CurrentRow {
    Day day = INT32_MIN;  // INT32_MIN when none since the last flush
    uint32_t row = 0;
    uint32_t pool_offset = UINT32_MAX;
  };
  CurrentRow& CurrentRowFor(uint32_t meter, Day day);

  // An open-addressing table from (enterprise, meter) to its index: readings of many meters
  // interleave, so this lookup runs for nearly every reading and must not build a key string.
  // The slot holds the key's first bytes (all of it for ids up to 16 bytes together), so that
  // checking a hit costs the one cache miss of the slot: the profile showed the check's memcmp
  // in the key arena as the ingest's largest cost with 45,000 meters.
  static constexpr size_t kKeyHead = 16;
  struct MeterSlot {
    uint64_t hash = 0;
    uint32_t index = UINT32_MAX;  // UINT32_MAX: empty
    uint32_t key_size = 0;
    char key_head[kKeyHead] = {};  // the key's first bytes, zero-padded
  };
  bool KeyEquals(const MeterSlot& slot, std::string_view enterprise, std::string_view meter) const;
  void GrowMeterTable();
  // Each meter's rank in key order (enterprise \0 meter), for sorting a flush's rows.
  void UpdateMeterRanks();

  const int intervals_per_day_;
  std::vector<std::string> meter_keys_;  // index -> enterprise \0 meter
  // Size a power of two, at most half full.
  std::vector<MeterSlot, HugePageAllocator<MeterSlot>> meter_table_;
  std::vector<uint32_t> meter_rank_;  // by meter index, valid for the first ranked_ meters
  size_t ranked_ = 0;

  std::vector<Row> rows_;
  std::unordered_map<uint64_t, uint32_t> row_index_;  // (meter, day) -> rows_ index
  std::vector<CurrentRow> current_;                   // by meter index
  std::vector<MicroKwh> pool_;

  bool fresh_state_ = false;
  // By meter index: the first and last day an earlier flush wrote (empty: first > last).
  std::vector<std::pair<Day, Day>> flushed_days_;
};

}  // namespace fugong
