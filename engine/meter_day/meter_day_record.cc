#include "engine/meter_day/meter_day_record.h"

namespace fugong {

namespace {

constexpr uint8_t kVersion = 1;

void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) {
      *v = result;
      return true;
    }
  }
  return false;
}

}  // namespace

void MeterDayRecord::Reset(int intervals_per_day) {
  slots.assign(intervals_per_day, kAbsent);
  has_register = false;
  register_start = 0;
  corrections = 0;
  duplicates = 0;
}

void MeterDayRecord::ApplyInterval(int slot, MicroKwh value) {
  MicroKwh& current = slots[slot];
  if (current == kAbsent) {
    current = value;
  } else if (current == value) {
    ++duplicates;
  } else {
    current = value;
    ++corrections;
  }
}

void MeterDayRecord::ApplyRegister(MicroKwh value) {
  if (!has_register) {
    has_register = true;
    register_start = value;
  } else if (register_start == value) {
    ++duplicates;
  } else {
    register_start = value;
    ++corrections;
  }
}

void MeterDayRecord::ApplyLater(const MeterDayRecord& later) {
  if (slots.empty()) slots.assign(later.slots.size(), kAbsent);
  for (size_t i = 0; i < later.slots.size() && i < slots.size(); ++i) {
    if (later.slots[i] != kAbsent) ApplyInterval(static_cast<int>(i), later.slots[i]);
  }
  if (later.has_register) ApplyRegister(later.register_start);
  corrections += later.corrections;
  duplicates += later.duplicates;
}

int MeterDayRecord::received() const {
  int n = 0;
  for (MicroKwh v : slots) n += v != kAbsent;
  return n;
}

MicroKwh MeterDayRecord::interval_sum() const {
  MicroKwh sum = 0;
  for (MicroKwh v : slots) {
    if (v != kAbsent) sum += v;
  }
  return sum;
}

void EncodeMeterDay(const MicroKwh* slots, int n, bool has_register, MicroKwh register_start,
                    uint32_t corrections, uint32_t duplicates, std::string* out) {
  out->clear();
  out->push_back(static_cast<char>(kVersion));
  PutVarint(static_cast<uint64_t>(n), out);
  PutVarint(corrections, out);
  PutVarint(duplicates, out);
  out->push_back(has_register ? 1 : 0);
  if (has_register) PutVarint(static_cast<uint64_t>(register_start), out);
  const size_t bitmap_at = out->size();
  out->append(static_cast<size_t>((n + 7) / 8), '\0');
  for (int i = 0; i < n; ++i) {
    if (slots[i] == MeterDayRecord::kAbsent) continue;
    (*out)[bitmap_at + i / 8] = static_cast<char>((*out)[bitmap_at + i / 8] | (1 << (i % 8)));
    PutVarint(static_cast<uint64_t>(slots[i]), out);
  }
}

std::string MeterDayRecord::Encode() const {
  std::string out;
  EncodeMeterDay(slots.data(), intervals_per_day(), has_register, register_start, corrections,
                 duplicates, &out);
  return out;
}

bool MeterDayRecord::Decode(std::string_view in) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != kVersion) return false;
  in.remove_prefix(1);
  uint64_t n, corr, dup;
  if (!GetVarint(&in, &n) || n == 0 || n > 1440 || !GetVarint(&in, &corr) ||
      !GetVarint(&in, &dup) || in.empty()) {
    return false;
  }
  Reset(static_cast<int>(n));
  corrections = static_cast<uint32_t>(corr);
  duplicates = static_cast<uint32_t>(dup);
  has_register = in[0] != 0;
  in.remove_prefix(1);
  if (has_register) {
    uint64_t reg;
    if (!GetVarint(&in, &reg)) return false;
    register_start = static_cast<MicroKwh>(reg);
  }
  const size_t bitmap_bytes = (n + 7) / 8;
  if (in.size() < bitmap_bytes) return false;
  const std::string_view bitmap = in.substr(0, bitmap_bytes);
  in.remove_prefix(bitmap_bytes);
  for (size_t i = 0; i < n; ++i) {
    if (!(static_cast<uint8_t>(bitmap[i / 8]) & (1 << (i % 8)))) continue;
    uint64_t v;
    if (!GetVarint(&in, &v)) return false;
    slots[i] = static_cast<MicroKwh>(v);
  }
  return in.empty();
}

}  // namespace fugong
