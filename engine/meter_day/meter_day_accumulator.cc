#include "engine/meter_day/meter_day_accumulator.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

#include "engine/state/key_codec.h"

namespace fugong {

namespace {

inline uint64_t Load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

inline uint32_t Load32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// 1 to 7 bytes as one word; overlapping loads, so the same bytes always give the same word.
inline uint64_t LoadShort(const char* p, size_t n) {
  if (n >= 4) return Load32(p) | (static_cast<uint64_t>(Load32(p + n - 4)) << 32);
  return static_cast<uint8_t>(p[0]) | (static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << 8) |
         (static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << 16);
}

inline uint64_t Mix(uint64_t h) {
  h *= 0xbf58476d1ce4e5b9ull;
  return h ^ (h >> 29);
}

// A word at a time (the ids are a few words long): the byte-at-a-time FNV-1a used before was
// 5 % of the ingest's CPU. The length goes in first, so overlapping tail loads cannot make two
// different ids of one length collide more than any other two keys.
inline uint64_t HashPart(uint64_t h, std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  h = Mix(h ^ n);
  for (; n >= 8; n -= 8, p += 8) h = Mix(h ^ Load64(p));
  if (n > 0) h = Mix(h ^ LoadShort(p, n));
  return h;
}

// a[0, n) == b[0, n), without a call for the short ids of meters and enterprises.
inline bool BytesEqual(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    if (n > 16) return std::memcmp(a, b, n) == 0;
    return Load64(a) == Load64(b) && Load64(a + n - 8) == Load64(b + n - 8);
  }
  if (n >= 4) return Load32(a) == Load32(b) && Load32(a + n - 4) == Load32(b + n - 4);
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

MeterDayAccumulator::MeterDayAccumulator(int intervals_per_day)
    : intervals_per_day_(intervals_per_day) {}

void MeterDayAccumulator::ReserveSlots(size_t slots) {
  pool_.reserve(slots);
#ifdef MADV_HUGEPAGE
  // A hint: where transparent huge pages are off (or the call fails) the pool uses small pages.
  constexpr uintptr_t kHugePage = 2 << 20;
  const uintptr_t begin =
      (reinterpret_cast<uintptr_t>(pool_.data()) + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t end =
      reinterpret_cast<uintptr_t>(pool_.data() + pool_.capacity()) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#endif
}

uint64_t MeterDayAccumulator::HashMeter(std::string_view enterprise, std::string_view meter) {
  uint64_t h = HashPart(0x9e3779b97f4a7c15ull, enterprise);
  h = HashPart(h, meter);
  h ^= h >> 31;
  h *= 0x9e3779b97f4a7c15ull;
  return h ^ (h >> 29);
}

bool MeterDayAccumulator::KeyEquals(const MeterSlot& slot, std::string_view enterprise,
                                    std::string_view meter) const {
  if (slot.key_size != enterprise.size() + 1 + meter.size()) return false;
  const char* k = slot.key_size <= kKeyHead ? slot.key_head : meter_keys_[slot.index].data();
  return BytesEqual(k, enterprise.data(), enterprise.size()) && k[enterprise.size()] == '\0' &&
         BytesEqual(k + enterprise.size() + 1, meter.data(), meter.size());
}

void MeterDayAccumulator::GrowMeterTable() {
  auto old = std::move(meter_table_);
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
  if (meter_keys_.size() * 2 >= meter_table_.size()) GrowMeterTable();
  const size_t mask = meter_table_.size() - 1;
  size_t i = hash & mask;
  while (meter_table_[i].index != UINT32_MAX) {
    if (meter_table_[i].hash == hash && KeyEquals(meter_table_[i], enterprise, meter)) {
      return meter_table_[i].index;
    }
    i = (i + 1) & mask;
  }
  const uint32_t index = static_cast<uint32_t>(meter_keys_.size());
  std::string key(enterprise);
  key.push_back('\0');
  key.append(meter);
  MeterSlot slot;
  slot.hash = hash;
  slot.index = index;
  slot.key_size = static_cast<uint32_t>(key.size());
  std::memcpy(slot.key_head, key.data(), std::min(key.size(), kKeyHead));
  meter_keys_.push_back(std::move(key));
  current_.emplace_back();
  flushed_days_.emplace_back(INT32_MAX, INT32_MIN);
  meter_table_[i] = slot;
  *is_new = true;
  return index;
}

MeterDayAccumulator::CurrentRow& MeterDayAccumulator::CurrentRowFor(uint32_t meter, Day day) {
  CurrentRow& current = current_[meter];
  if (current.day == day) return current;
  const uint64_t key = (static_cast<uint64_t>(meter) << 32) | static_cast<uint32_t>(day);
  auto [it, inserted] = row_index_.try_emplace(key, static_cast<uint32_t>(rows_.size()));
  if (inserted) rows_.push_back(Row{meter, day, UINT32_MAX, false, 0, 0, 0});
  current.day = day;
  current.row = it->second;
  current.pool_offset = rows_[it->second].pool_offset;
  return current;
}

void MeterDayAccumulator::Add(uint32_t meter_index, const PlacedReading& placed, MicroKwh value) {
  CurrentRow& current = CurrentRowFor(meter_index, placed.day);
  if (placed.slot < 0) {
    Row& row = rows_[current.row];
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
  if (current.pool_offset == UINT32_MAX) {
    current.pool_offset = static_cast<uint32_t>(pool_.size());
    rows_[current.row].pool_offset = current.pool_offset;
    pool_.resize(pool_.size() + intervals_per_day_, MeterDayRecord::kAbsent);
  }
  MicroKwh& slot = pool_[current.pool_offset + placed.slot];
  if (slot == MeterDayRecord::kAbsent) {
    slot = value;
  } else if (slot == value) {
    ++rows_[current.row].duplicates;
  } else {
    slot = value;
    ++rows_[current.row].corrections;
  }
}

void MeterDayAccumulator::UpdateMeterRanks() {
  if (ranked_ == meter_keys_.size()) return;
  std::vector<uint32_t> order(meter_keys_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return meter_keys_[a] < meter_keys_[b]; });
  meter_rank_.resize(order.size());
  for (uint32_t r = 0; r < order.size(); ++r) meter_rank_[order[r]] = r;
  ranked_ = meter_keys_.size();
}

size_t MeterDayAccumulator::EstimatedFlushBytes() const {
  // Per row: the batch's tag, column family and lengths, the key (day + enterprise \0 meter) and
  // the record's header; per slot at most 3 bytes (a scaled value of up to 2 M).
  size_t key_bytes = 0;
  for (const Row& row : rows_) key_bytes += meter_keys_[row.meter].size();
  return rows_.size() * 32 + key_bytes + pool_.size() * 3;
}

void MeterDayAccumulator::FlushTo(StateBatch* batch, Day report_through,
                                  std::vector<std::pair<std::string, Day>>* touched) {
  // Key order: day, then enterprise \0 meter (engine/state/key_codec.h), i.e. day then the
  // meter's rank: integer compares instead of string compares (two cache misses each).
  UpdateMeterRanks();
  struct Order {
    uint64_t key;  // day (order-preserving as unsigned), then rank
    uint32_t row;
  };
  std::vector<Order> order(rows_.size());
  for (uint32_t i = 0; i < order.size(); ++i) {
    const Row& row = rows_[i];
    const uint32_t day = static_cast<uint32_t>(row.day) ^ 0x80000000u;
    order[i] = {(static_cast<uint64_t>(day) << 32) | meter_rank_[row.meter], i};
  }
  std::sort(order.begin(), order.end(),
            [](const Order& a, const Order& b) { return a.key < b.key; });
  const std::vector<MicroKwh> no_slots(intervals_per_day_, MeterDayRecord::kAbsent);
  std::string key, value;
  for (const Order& o : order) {
    const Row& row = rows_[o.row];
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
    std::pair<Day, Day>& flushed = flushed_days_[row.meter];
    if (fresh_state_ && (row.day < flushed.first || row.day > flushed.second)) {
      batch->Put(Store::kMeterDay, key, value);
    } else {
      batch->Merge(Store::kMeterDay, key, value);
    }
    flushed.first = std::min(flushed.first, row.day);
    flushed.second = std::max(flushed.second, row.day);
  }
  rows_.clear();
  row_index_.clear();
  pool_.clear();
  for (CurrentRow& current : current_) current = CurrentRow();
}

}  // namespace fugong
