#include "engine/meter_day/meter_day_energy.h"

#include <algorithm>

namespace fugong {

namespace {

// What the header of a decoded record says, into `out`.
void TakeHeader(const MeterDayRecord& record, MeterDaySummary* out) {
  out->has_register = record.has_register;
  out->register_start = record.register_start;
  out->corrections = record.corrections;
  out->duplicates = record.duplicates;
}

}  // namespace

bool MeterDaySummary::Decode(Day day, std::string_view bytes, MeterDaySummary* out) {
  MeterDayRecord record;
  out->day = day;
  if (!record.DecodeTotals(bytes, &out->received, &out->interval_sum)) return false;
  TakeHeader(record, out);
  return true;
}

MeterDaySummary MeterDaySummary::Of(Day day, const MeterDayRecord& record) {
  MeterDaySummary out;
  out.day = day;
  out.received = record.received();
  out.interval_sum = record.interval_sum();
  TakeHeader(record, &out);
  return out;
}

bool MeterDaySummary::DecodeRegister(Day day, std::string_view bytes, MeterDaySummary* out) {
  MeterDayRecord record;
  *out = MeterDaySummary{};
  out->day = day;
  if (!record.DecodeRegister(bytes)) return false;
  TakeHeader(record, out);
  return true;
}

MeterSeries::MeterSeries(std::vector<MeterDaySummary> rows, const EngineConfig& config)
    : rows_(std::move(rows)), config_(&config) {}

const MeterDaySummary* MeterSeries::Find(Day day) const {
  auto it = std::lower_bound(rows_.begin(), rows_.end(), day,
                             [](const MeterDaySummary& r, Day d) { return r.day < d; });
  return it != rows_.end() && it->day == day ? &*it : nullptr;
}

bool MeterSeries::HasDataFor(Day day) const {
  const MeterDaySummary* row = Find(day);
  if (row && row->received > 0) return true;
  if (!row || !row->has_register) return false;
  const MeterDaySummary* next = Find(day + 1);
  return next && next->has_register;
}

bool MeterSeries::ReportedIn(Day from, Day to) const {
  // A register reading at the 00:00 that closes `to` reports on `to` as well.
  auto it = std::lower_bound(rows_.begin(), rows_.end(), from,
                             [](const MeterDaySummary& r, Day d) { return r.day < d; });
  for (; it != rows_.end() && it->day <= to + 1; ++it) {
    if (it->day <= to && (it->received > 0 || it->has_register)) return true;
    if (it->day == to + 1 && it->has_register) return true;
  }
  return false;
}

MeterEnergy MeterSeries::EnergyOn(Day day) const {
  MeterEnergy e;
  e.reported = ReportedIn(day, day);
  const MeterDaySummary* row = Find(day);
  if (row && row->received > 0) {
    const int expected = config_->IntervalsOn(day);
    const double coverage = static_cast<double>(row->received) / expected;
    if (coverage >= config_->min_coverage) {
      e.kwh = static_cast<double>(row->interval_sum) * expected / row->received / kMicroKwhPerKwh;
      e.status = row->received >= expected ? EnergyStatus::kComplete : EnergyStatus::kEstimated;
    }
    return e;
  }
  if (row && row->has_register) {
    const MeterDaySummary* next = Find(day + 1);
    if (next && next->has_register) {
      const MicroKwh diff = next->register_start - row->register_start;
      if (diff < 0) {
        e.rollover = true;
      } else {
        e.kwh = static_cast<double>(diff) / kMicroKwhPerKwh;
        e.status = EnergyStatus::kComplete;
      }
    }
  }
  return e;
}

}  // namespace fugong
