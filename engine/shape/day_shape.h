// The shape of one enterprise's day: its mean load in each hour of the local clock, read from the
// slots of its interval meters. What the daily total cannot tell (work against a standby kept
// running) is read from here: docs/day-shape.md.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/date.h"
#include "engine/model/reading.h"

namespace fugong {

struct DayShape {
  // Mean power in kW (kWh per hour) of each local hour, summed over the enterprise's meters; 0
  // where the hour is not present.
  std::array<double, 24> kw{};
  // Bit h set: every interval meter of the day has at least one reading that begins in hour h.
  uint32_t hours_present = 0;

  bool Has(int hour) const { return (hours_present >> hour) & 1u; }
  int present_count() const;
};

struct DatedShape {
  Day day;
  DayShape shape;
};

// Builds a DayShape from meter-days added in any order: the meters are summed in meter-id order,
// so the doubles come out the same whatever the order of arrival (stream, backfill, partitions).
class DayShapeBuilder {
 public:
  // `slot_hours`: SlotHoursOf(day, ...) of the day being built; must outlive the builder.
  DayShapeBuilder(const std::vector<uint8_t>* slot_hours, int interval_minutes);

  // One meter's day: `slots[i]` the energy of slot i, MeterDayRecord::kAbsent where none arrived.
  // A meter with no slot at all (a register meter) adds nothing.
  void AddMeter(std::string_view meter_id, const MicroKwh* slots, int count);

  // The day's shape; nullopt when no interval meter was added.
  std::optional<DayShape> Finish();

 private:
  struct MeterHours {
    std::string meter_id;
    std::array<int64_t, 24> sum{};  // micro-kWh
    std::array<int32_t, 24> count{};
  };

  const std::vector<uint8_t>* slot_hours_;
  double kw_per_micro_kwh_per_interval_;  // mean interval energy in micro-kWh -> kW
  std::vector<MeterHours> meters_;
};

}  // namespace fugong
