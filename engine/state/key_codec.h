// Key encodings of the state stores. Keys sort the way they are scanned: by enterprise id (byte
// order, the order group sums are taken in), then meter, then day.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/date.h"

namespace fugong {

// Days are stored big-endian with the sign bit flipped, so byte order is day order.
void AppendDay(Day day, std::string* key);
Day ReadDay(const char* p);

// meter_day: enterprise \0 meter \0 day
std::string MeterDayKey(std::string_view enterprise, std::string_view meter, Day day);
struct MeterDayKeyParts {
  std::string_view enterprise;
  std::string_view meter;
  Day day;
};
bool ParseMeterDayKey(std::string_view key, MeterDayKeyParts* parts);

// enterprise_day: enterprise \0 day
std::string EnterpriseDayKey(std::string_view enterprise, Day day);
// baseline: enterprise \0 window_from window_to
std::string BaselineKey(std::string_view enterprise, Day window_from, Day window_to);

// dead_letter: source \0 partition(4) position(8)
std::string DeadLetterKey(std::string_view source, int32_t partition, int64_t position);

void AppendFixed64(uint64_t v, std::string* out);
uint64_t ReadFixed64(const char* p);

}  // namespace fugong
