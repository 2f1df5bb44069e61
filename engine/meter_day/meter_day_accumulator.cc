#include "engine/meter_day/meter_day_accumulator.h"

#include <algorithm>

#include "engine/state/key_codec.h"

namespace fugong {

MeterDayAccumulator::MeterDayAccumulator(int intervals_per_day)
    : intervals_per_day_(intervals_per_day) {}

uint32_t MeterDayAccumulator::MeterIndex(std::string_view enterprise, std::string_view meter,
                                         bool* is_new) {
  *is_new = false;
  // Consecutive lines are usually of one meter; the views point into the previous line's
  // buffer, so compare against the interned copy instead.
  if (last_meter_index_ != UINT32_MAX) {
    const std::string& k = meter_keys_[last_meter_index_];
    if (k.size() == enterprise.size() + 1 + meter.size() &&
        std::string_view(k).substr(enterprise.size() + 1) == meter &&
        std::string_view(k).substr(0, enterprise.size()) == enterprise) {
      return last_meter_index_;
    }
  }
  lookup_key_.assign(enterprise);
  lookup_key_.push_back('\0');
  lookup_key_.append(meter);
  auto it = meter_index_.find(lookup_key_);
  if (it == meter_index_.end()) {
    const uint32_t index = static_cast<uint32_t>(meter_keys_.size());
    meter_keys_.push_back(lookup_key_);
    it = meter_index_.emplace(lookup_key_, index).first;
    *is_new = true;
  }
  last_meter_index_ = it->second;
  return it->second;
}

MeterDayAccumulator::Row& MeterDayAccumulator::RowFor(uint32_t meter, Day day) {
  const uint64_t key = (static_cast<uint64_t>(meter) << 32) | static_cast<uint32_t>(day);
  if (key == last_row_key_) return rows_[last_row_];
  auto [it, inserted] = row_index_.try_emplace(key, static_cast<uint32_t>(rows_.size()));
  if (inserted) rows_.push_back(Row{meter, day, UINT32_MAX, false, 0, 0, 0});
  last_row_key_ = key;
  last_row_ = it->second;
  return rows_[it->second];
}

void MeterDayAccumulator::Add(uint32_t meter_index, const PlacedReading& placed, MicroKwh value) {
  Row& row = RowFor(meter_index, placed.day);
  if (placed.slot < 0) {
    if (!row.has_register) {
      row.has_register = true;
      row.register_start = value;
    } else if (row.register_start == value) {
      ++row.duplicates;
    } else {
      row.register_start = value;
      ++row.corrections;
    }
    return;
  }
  if (row.pool_offset == UINT32_MAX) {
    row.pool_offset = static_cast<uint32_t>(pool_.size());
    pool_.resize(pool_.size() + intervals_per_day_, MeterDayRecord::kAbsent);
  }
  MicroKwh& slot = pool_[row.pool_offset + placed.slot];
  if (slot == MeterDayRecord::kAbsent) {
    slot = value;
  } else if (slot == value) {
    ++row.duplicates;
  } else {
    slot = value;
    ++row.corrections;
  }
}

void MeterDayAccumulator::FlushTo(StateBatch* batch) {
  std::vector<uint32_t> order(rows_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Row& ra = rows_[a];
    const Row& rb = rows_[b];
    if (ra.meter != rb.meter) return meter_keys_[ra.meter] < meter_keys_[rb.meter];
    return ra.day < rb.day;
  });
  const std::vector<MicroKwh> no_slots(intervals_per_day_, MeterDayRecord::kAbsent);
  std::string key, value;
  for (uint32_t i : order) {
    const Row& row = rows_[i];
    key = meter_keys_[row.meter];
    key.push_back('\0');
    AppendDay(row.day, &key);
    const MicroKwh* slots =
        row.pool_offset == UINT32_MAX ? no_slots.data() : pool_.data() + row.pool_offset;
    EncodeMeterDay(slots, intervals_per_day_, row.has_register, row.register_start,
                   row.corrections, row.duplicates, &value);
    batch->Merge(Store::kMeterDay, key, value);
  }
  rows_.clear();
  row_index_.clear();
  pool_.clear();
  last_row_key_ = UINT64_MAX;
}

}  // namespace fugong
