#include "engine/meter_day/meter_day_record.h"

#include <cstdint>
#include <cstring>

namespace fugong {

namespace {

// Version 1: n, corrections, duplicates, a register byte [and value], a bitmap of the slots
// present, then each present value as a varint. Still read (a state written before version 2),
// never written.
constexpr uint8_t kVersion1 = 1;
// Version 2: as version 1, with a flags byte in place of the register byte:
//   bit 0  has_register (its value follows, unscaled)
//   bit 1  every slot is present: no bitmap
//   bits 2..4  k: every present value is a multiple of 10^k and is stored divided by it
// Meters report with 2 or 3 decimals of a kWh, so k is mostly 3 or 4 and a value of a few kWh
// takes 2 bytes instead of 3 or 4: fewer bytes through the WAL, the memtable and LZ4.
constexpr uint8_t kVersion2 = 2;
constexpr uint8_t kHasRegister = 1;
constexpr uint8_t kAllPresent = 2;
constexpr int kScaleShift = 2;
constexpr int kMaxScale = 6;  // a MicroKwh multiple of 10^6 is a whole kWh
constexpr int64_t kPow10[kMaxScale + 1] = {1, 10, 100, 1000, 10000, 100000, 1000000};
// EngineConfig::SlotsPerDay at its largest: one a minute over a 26-hour day (daylight saving).
constexpr int kMaxIntervals = 26 * 60;
// Version, 3 varints, flags, the register, the bitmap, the values.
constexpr size_t kMaxEncodedBytes = 1 + 3 * 10 + 1 + 10 + kMaxIntervals / 8 + kMaxIntervals * 10;

// At most 10 bytes a varint.
inline char* PutVarint(uint64_t v, char* out) {
  while (v >= 0x80) {
    *out++ = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  *out++ = static_cast<char>(v);
  return out;
}

inline bool GetVarint(std::string_view* in, uint64_t* v) {
  // Most values (scaled) take one or two bytes.
  if (!in->empty() && static_cast<uint8_t>((*in)[0]) < 0x80) {
    *v = static_cast<uint8_t>((*in)[0]);
    in->remove_prefix(1);
    return true;
  }
  if (in->size() >= 2 && static_cast<uint8_t>((*in)[1]) < 0x80) {
    *v = (static_cast<uint64_t>(static_cast<uint8_t>((*in)[0])) & 0x7f) |
         (static_cast<uint64_t>(static_cast<uint8_t>((*in)[1])) << 7);
    in->remove_prefix(2);
    return true;
  }
  const char* p = in->data();
  const char* end = p + in->size();
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && p < end; shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(*p++);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) {
      in->remove_prefix(static_cast<size_t>(p - in->data()));
      *v = result;
      return true;
    }
  }
  return false;
}

// Whether every value in [slots, slots + n) that is present is a multiple of 10^K.
template <int64_t P>
bool AllMultiplesOf(const MicroKwh* slots, int n) {
  for (int i = 0; i < n; ++i) {
    if (slots[i] != MeterDayRecord::kAbsent && slots[i] % P != 0) return false;
  }
  return true;
}

// The largest k <= kMaxScale such that every present value is a multiple of 10^k. The divisors
// are constants so that each test is a multiplication, not a division.
int ScaleOf(const MicroKwh* slots, int n) {
  if (AllMultiplesOf<1000000>(slots, n)) return 6;
  if (!AllMultiplesOf<10>(slots, n)) return 0;
  if (AllMultiplesOf<1000>(slots, n)) {
    if (AllMultiplesOf<100000>(slots, n)) return 5;
    return AllMultiplesOf<10000>(slots, n) ? 4 : 3;
  }
  return AllMultiplesOf<100>(slots, n) ? 2 : 1;
}

// Divides by 10^k, with k a constant in each case.
template <int64_t P>
char* PutScaledSlots(const MicroKwh* slots, int n, char* out) {
  for (int i = 0; i < n; ++i) {
    if (slots[i] != MeterDayRecord::kAbsent)
      out = PutVarint(static_cast<uint64_t>(slots[i] / P), out);
  }
  return out;
}

char* PutSlots(const MicroKwh* slots, int n, int scale, char* out) {
  switch (scale) {
    case 0:
      return PutScaledSlots<1>(slots, n, out);
    case 1:
      return PutScaledSlots<10>(slots, n, out);
    case 2:
      return PutScaledSlots<100>(slots, n, out);
    case 3:
      return PutScaledSlots<1000>(slots, n, out);
    case 4:
      return PutScaledSlots<10000>(slots, n, out);
    case 5:
      return PutScaledSlots<100000>(slots, n, out);
    default:
      return PutScaledSlots<1000000>(slots, n, out);
  }
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

namespace {

// sum + v in two's complement. A reading may be up to 9e12 kWh (energy_text.cc), so two of them
// in one day pass INT64_MAX micro-kWh: the sum then wraps, as it always did, but without the
// undefined behaviour of a signed overflow (found by UBSan on DecodeTotals).
MicroKwh AddWrapping(MicroKwh sum, MicroKwh v) {
  return static_cast<MicroKwh>(static_cast<uint64_t>(sum) + static_cast<uint64_t>(v));
}

}  // namespace

MicroKwh MeterDayRecord::interval_sum() const {
  MicroKwh sum = 0;
  for (MicroKwh v : slots) {
    if (v != kAbsent) sum = AddWrapping(sum, v);
  }
  return sum;
}

void EncodeMeterDay(const MicroKwh* slots, int n, bool has_register, MicroKwh register_start,
                    uint32_t corrections, uint32_t duplicates, std::string* out) {
  int present = 0;
  for (int i = 0; i < n; ++i) present += slots[i] != MeterDayRecord::kAbsent;
  const int scale = ScaleOf(slots, n);
  const bool all_present = present == n;
  const size_t bitmap_bytes = all_present ? 0 : static_cast<size_t>((n + 7) / 8);
  // Written into a buffer of the largest size a record can take, then copied: no per-byte
  // capacity checks.
  char on_stack[kMaxEncodedBytes];
  std::string on_heap;  // for a record longer than any SlotsPerDay (not decodable, but no overflow)
  char* buffer = on_stack;
  if (n > kMaxIntervals) {
    on_heap.resize(1 + 3 * 10 + 1 + 10 + bitmap_bytes + static_cast<size_t>(present) * 10);
    buffer = on_heap.data();
  }
  char* p = buffer;
  *p++ = static_cast<char>(kVersion2);
  p = PutVarint(static_cast<uint64_t>(n), p);
  p = PutVarint(corrections, p);
  p = PutVarint(duplicates, p);
  *p++ = static_cast<char>((has_register ? kHasRegister : 0) | (all_present ? kAllPresent : 0) |
                           (scale << kScaleShift));
  if (has_register) p = PutVarint(static_cast<uint64_t>(register_start), p);
  if (!all_present) {
    std::memset(p, 0, bitmap_bytes);
    for (int i = 0; i < n; ++i) {
      if (slots[i] != MeterDayRecord::kAbsent)
        p[i / 8] = static_cast<char>(p[i / 8] | (1 << (i % 8)));
    }
    p += bitmap_bytes;
  }
  p = PutSlots(slots, n, scale, p);
  out->assign(buffer, static_cast<size_t>(p - buffer));
}

std::string MeterDayRecord::Encode() const {
  std::string out;
  EncodeMeterDay(slots.data(), intervals_per_day(), has_register, register_start, corrections,
                 duplicates, &out);
  return out;
}

bool MeterDayRecord::DecodeHeader(std::string_view* in, uint64_t* n, int* scale,
                                  bool* all_present) {
  if (in->empty()) return false;
  const uint8_t version = static_cast<uint8_t>((*in)[0]);
  if (version != kVersion1 && version != kVersion2) return false;
  in->remove_prefix(1);
  uint64_t corr, dup;
  if (!GetVarint(in, n) || *n == 0 || *n > kMaxIntervals || !GetVarint(in, &corr) ||
      !GetVarint(in, &dup) || in->empty()) {
    return false;
  }
  const uint8_t flags = static_cast<uint8_t>((*in)[0]);
  in->remove_prefix(1);
  *scale = 0;
  *all_present = false;
  if (version == kVersion1) {
    if (flags > 1) return false;
  } else {
    *scale = flags >> kScaleShift;
    *all_present = (flags & kAllPresent) != 0;
    if (*scale > kMaxScale) return false;
  }
  corrections = static_cast<uint32_t>(corr);
  duplicates = static_cast<uint32_t>(dup);
  has_register = (flags & kHasRegister) != 0;
  register_start = 0;
  if (has_register) {
    uint64_t reg;
    if (!GetVarint(in, &reg)) return false;
    register_start = static_cast<MicroKwh>(reg);
  }
  return true;
}

bool MeterDayRecord::DecodeRegister(std::string_view in) {
  uint64_t n;
  int scale;
  bool all_present;
  return DecodeHeader(&in, &n, &scale, &all_present);
}

bool MeterDayRecord::DecodeTotals(std::string_view in, int* received, MicroKwh* interval_sum) {
  uint64_t n;
  int scale;
  bool all_present;
  if (!DecodeHeader(&in, &n, &scale, &all_present)) return false;
  const int64_t factor = kPow10[scale];
  const uint64_t max_stored = static_cast<uint64_t>(INT64_MAX / factor);
  size_t present = n;
  if (!all_present) {
    const size_t bitmap_bytes = (n + 7) / 8;
    if (in.size() < bitmap_bytes) return false;
    present = 0;
    for (size_t i = 0; i < n; ++i) {
      present += (static_cast<uint8_t>(in[i / 8]) >> (i % 8)) & 1;
    }
    in.remove_prefix(bitmap_bytes);
  }
  // Summed in slot order, as interval_sum() does.
  MicroKwh sum = 0;
  uint64_t v;
  for (size_t i = 0; i < present; ++i) {
    if (!GetVarint(&in, &v) || v > max_stored) return false;
    sum = AddWrapping(sum, static_cast<MicroKwh>(v) * factor);
  }
  *received = static_cast<int>(present);
  *interval_sum = sum;
  return in.empty();
}

bool MeterDayRecord::Decode(std::string_view in) {
  uint64_t n;
  int scale;
  bool all_present;
  if (!DecodeHeader(&in, &n, &scale, &all_present)) return false;
  slots.resize(n);
  const int64_t factor = kPow10[scale];
  const uint64_t max_stored = static_cast<uint64_t>(INT64_MAX / factor);
  uint64_t v;
  if (all_present) {
    for (size_t i = 0; i < n; ++i) {
      if (!GetVarint(&in, &v) || v > max_stored) return false;
      slots[i] = static_cast<MicroKwh>(v) * factor;
    }
    return in.empty();
  }
  const size_t bitmap_bytes = (n + 7) / 8;
  if (in.size() < bitmap_bytes) return false;
  const std::string_view bitmap = in.substr(0, bitmap_bytes);
  in.remove_prefix(bitmap_bytes);
  for (size_t i = 0; i < n; ++i) {
    if (!(static_cast<uint8_t>(bitmap[i / 8]) & (1 << (i % 8)))) {
      slots[i] = kAbsent;
      continue;
    }
    if (!GetVarint(&in, &v) || v > max_stored) return false;
    slots[i] = static_cast<MicroKwh>(v) * factor;
  }
  return in.empty();
}

}  // namespace fugong
