// Key encodings of the state stores. Keys sort the way they are scanned. The stores a daily close
// reads (meter_day, enterprise_day, baseline) lead with the day or the window, so that closing a
// day reads one contiguous range, whatever the number of days before it; within it, rows sort by
// enterprise id (byte order, the order group sums are taken in), then meter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/common/date.h"

namespace fugong {

// Days are stored big-endian with the sign bit flipped, so byte order is day order.
void AppendDay(Day day, std::string* key);
Day ReadDay(const char* p);

// meter_day: day enterprise \0 meter
std::string MeterDayKey(std::string_view enterprise, std::string_view meter, Day day);
// The first key of `day`'s rows (of those of `enterprise` and after, when given).
std::string MeterDayPrefix(Day day, std::string_view enterprise = {});
struct MeterDayKeyParts {
  std::string_view enterprise;
  std::string_view meter;
  Day day;
};
bool ParseMeterDayKey(std::string_view key, MeterDayKeyParts* parts);

// enterprise_day: day enterprise
std::string EnterpriseDayKey(std::string_view enterprise, Day day);
// baseline: window_from window_to enterprise
std::string BaselineKey(std::string_view enterprise, Day window_from, Day window_to);
// pending_rescore: day enterprise (LiveIndex::kAllDays: every day of the enterprise)
std::string RescoreKey(std::string_view enterprise, Day day);
// The day (or the window's first day) a key of these stores leads with, and what follows it.
inline Day LeadingDay(std::string_view key) { return ReadDay(key.data()); }

// dead_letter: source \0 partition(4) position(8)
std::string DeadLetterKey(std::string_view source, int32_t partition, int64_t position);

// progress: topic \0 partition(4)
std::string ProgressKey(std::string_view topic, int32_t partition);
bool ParseProgressKey(std::string_view key, std::string_view* topic, int32_t* partition);

void AppendFixed64(uint64_t v, std::string* out);
uint64_t ReadFixed64(const char* p);
// Big-endian, as Fixed64 (a partition in a key).
void AppendFixed32(uint32_t v, std::string* out);
uint32_t ReadFixed32(const char* p);

}  // namespace fugong
