#include "engine/meter_day/meter_day_accumulator.h"

#include <algorithm>
#include <cstring>

#include "engine/state/key_codec.h"

namespace fugong {

MeterDayAccumulator::MeterDayAccumulator(int intervals_per_day)
    : intervals_per_day_(intervals_per_day) {}

uint64_t MeterDayAccumulator::HashMeter(std::string_view enterprise, std::string_view meter) {
  // FNV-1a over enterprise, a separator and meter; then a final mix for the low bits.
  uint64_t h = 1469598103934665603ull;
  for (char c : enterprise) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  h = (h ^ 0xffu) * 1099511628211ull;
  for (char c : meter) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  h ^= h >> 31;
  h *= 0x9e3779b97f4a7c15ull;
  return h ^ (h >> 29);
}

bool MeterDayAccumulator::KeyEquals(const MeterSlot& slot, std::string_view enterprise,
                                    std::string_view meter) const {
  if (slot.key_size != enterprise.size() + 1 + meter.size()) return false;
  const char* k = key_bytes_.data() + slot.key_at;
  return std::memcmp(k, enterprise.data(), enterprise.size()) == 0 &&
         std::memcmp(k + enterprise.size() + 1, meter.data(), meter.size()) == 0;
}

void MeterDayAccumulator::GrowMeterTable() {
  std::vector<MeterSlot> old = std::move(meter_table_);
  meter_table_.assign(old.empty() ? 1024 : old.size() * 2, MeterSlot{});
  const size_t mask = meter_table_.size() - 1;
  for (const MeterSlot& slot : old) {
    if (slot.index == UINT32_MAX) continue;
    size_t i = slot.hash & mask;
    while (meter_table_[i].index != UINT32_MAX) i = (i + 1) & mask;
    meter_table_[i] = slot;
  }
}

uint32_t MeterDayAccumulator::MeterIndex(std::string_view enterprise, std::string_view meter,
                                         uint64_t hash, bool* is_new) {
  *is_new = false;
  // Consecutive lines are sometimes of one meter.
  if (last_meter_.index != UINT32_MAX && last_meter_.hash == hash &&
      KeyEquals(last_meter_, enterprise, meter)) {
    return last_meter_.index;
  }
  if (meter_keys_.size() * 2 >= meter_table_.size()) GrowMeterTable();
  const size_t mask = meter_table_.size() - 1;
  size_t i = hash & mask;
  while (meter_table_[i].index != UINT32_MAX) {
    if (meter_table_[i].hash == hash && KeyEquals(meter_table_[i], enterprise, meter)) {
      last_meter_ = meter_table_[i];
      return last_meter_.index;
    }
    i = (i + 1) & mask;
  }
  const uint32_t index = static_cast<uint32_t>(meter_keys_.size());
  std::string key(enterprise);
  key.push_back('\0');
  key.append(meter);
  const MeterSlot slot{hash, index, static_cast<uint32_t>(key.size()), key_bytes_.size()};
  key_bytes_ += key;
  meter_keys_.push_back(std::move(key));
  meter_table_[i] = slot;
  last_meter_ = slot;
  *is_new = true;
  return index;
}

MeterDayAccumulator::Row& MeterDayAccumulator::RowFor(uint32_t meter, Day day) {
  if (meter >= meter_row_day_.size()) {
    meter_row_day_.resize(meter_keys_.size(), INT32_MIN);
    meter_row_.resize(meter_keys_.size(), 0);
  }
  if (meter_row_day_[meter] == day) return rows_[meter_row_[meter]];
  const uint64_t key = (static_cast<uint64_t>(meter) << 32) | static_cast<uint32_t>(day);
  auto [it, inserted] = row_index_.try_emplace(key, static_cast<uint32_t>(rows_.size()));
  if (inserted) rows_.push_back(Row{meter, day, UINT32_MAX, false, 0, 0, 0});
  meter_row_day_[meter] = day;
  meter_row_[meter] = it->second;
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

void MeterDayAccumulator::FlushTo(StateBatch* batch, Day report_through,
                                  std::vector<std::pair<std::string, Day>>* touched) {
  std::vector<uint32_t> order(rows_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  // Key order: day, then enterprise \0 meter (engine/state/key_codec.h).
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const Row& ra = rows_[a];
    const Row& rb = rows_[b];
    if (ra.day != rb.day) return ra.day < rb.day;
    return meter_keys_[ra.meter] < meter_keys_[rb.meter];
  });
  const std::vector<MicroKwh> no_slots(intervals_per_day_, MeterDayRecord::kAbsent);
  std::string key, value;
  for (uint32_t i : order) {
    const Row& row = rows_[i];
    if (touched != nullptr && row.day - (row.has_register ? 1 : 0) <= report_through) {
      const std::string& k = meter_keys_[row.meter];
      const std::string enterprise = k.substr(0, k.find('\0'));
      if (row.has_register) touched->emplace_back(enterprise, row.day - 1);
      if (row.day <= report_through) touched->emplace_back(enterprise, row.day);
    }
    key.clear();
    AppendDay(row.day, &key);
    key += meter_keys_[row.meter];
    const MicroKwh* slots =
        row.pool_offset == UINT32_MAX ? no_slots.data() : pool_.data() + row.pool_offset;
    EncodeMeterDay(slots, intervals_per_day_, row.has_register, row.register_start, row.corrections,
                   row.duplicates, &value);
    batch->Merge(Store::kMeterDay, key, value);
  }
  rows_.clear();
  row_index_.clear();
  pool_.clear();
  std::fill(meter_row_day_.begin(), meter_row_day_.end(), INT32_MIN);
}

}  // namespace fugong
