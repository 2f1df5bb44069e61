// One smart-meter reading, as decoded from a CSV line or a JSON message.
#pragma once

#include <cstdint>
#include <string_view>

#include "engine/common/date.h"

namespace fugong {

enum class ReadingKind : uint8_t {
  kInterval,  // kwh consumed in the interval that ends at ts
  kRegister,  // cumulative register value at ts (a daily frozen reading at local 00:00)
};

// Energy is held as an integer count of 1e-6 kWh (milliwatt-hours), so that sums and
// corrections are exact and do not depend on the order readings arrive in. Any input with up to
// six decimals is represented exactly.
using MicroKwh = int64_t;
constexpr double kMicroKwhPerKwh = 1e6;

struct Reading {
  // Views into the raw record; valid while the record is processed.
  std::string_view meter_id;
  std::string_view enterprise_id;
  EpochSeconds ts = 0;
  MicroKwh energy = 0;
  ReadingKind kind = ReadingKind::kInterval;
};

}  // namespace fugong
