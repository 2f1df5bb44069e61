#include "engine/meter_day/meter_day_cursor.h"

#include <algorithm>
#include <tuple>

#include "engine/shape/slot_hours.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

Status BadRecord(std::string_view meter) {
  return Status::Corruption("bad meter_day record of meter " + std::string(meter));
}

}  // namespace

MeterDayCursor::MeterDayCursor(const StateStore* state, Day first, Day last,
                               const EngineConfig* config, bool read_shapes)
    : config_(config), first_(first) {
  for (Day d = first; d <= last; ++d) days_.push_back(state->NewIterator(Store::kMeterDay));
  if (read_shapes && config->ReadsDayShapes()) {
    for (Day d = first; d < last; ++d) {
      slot_hours_.push_back(
          SlotHoursOf(d, config->SlotsPerDay(), config->interval_minutes, config->time_zone));
    }
  }
}

void MeterDayCursor::Seek(std::string_view from) {
  for (size_t k = 0; k < days_.size(); ++k) {
    days_[k]->Seek(MeterDayPrefix(first_ + static_cast<Day>(k), from));
  }
}

std::string_view MeterDayCursor::CurrentEnterprise(size_t k) const {
  const rocksdb::Iterator& it = *days_[k];
  if (!it.Valid()) return {};
  const std::string_view key(it.key().data(), it.key().size());
  if (key.size() < 6 || LeadingDay(key) != first_ + static_cast<Day>(k)) return {};
  return key.substr(4, key.find('\0', 4) - 4);
}

Result<bool> MeterDayCursor::Next(EnterpriseMeterRows* out, std::string_view end) {
  std::string_view least;
  for (size_t k = 0; k < days_.size(); ++k) {
    const std::string_view e = CurrentEnterprise(k);
    if (!e.empty() && (least.empty() || e < least)) least = e;
  }
  for (const auto& it : days_) {
    if (!it->status().ok()) return Status::IOError(it->status().ToString());
  }
  if (least.empty() || (!end.empty() && least >= end)) return false;
  out->enterprise.assign(least);
  out->meter_ids.clear();
  out->meters.clear();
  out->shapes.clear();
  out->rows = 0;

  // (meter, day, row) of every iterator positioned at this enterprise, then grouped by meter.
  std::vector<MeterRow>& rows = rows_buffer_;  // kept: one allocation for the cursor's life
  rows.clear();
  MeterDayKeyParts parts;
  for (size_t k = 0; k < days_.size(); ++k) {
    rocksdb::Iterator& it = *days_[k];
    std::optional<DayShapeBuilder> shape_builder;
    if (k < slot_hours_.size()) shape_builder.emplace(&slot_hours_[k], config_->interval_minutes);
    DayShapeBuilder* shape = shape_builder ? &*shape_builder : nullptr;
    while (CurrentEnterprise(k) == out->enterprise) {
      const std::string_view key(it.key().data(), it.key().size());
      if (!ParseMeterDayKey(key, &parts)) return Status::Corruption("bad meter_day key");
      const std::string_view value(it.value().data(), it.value().size());
      MeterDaySummary row;
      if (shape != nullptr) {
        // Decoded once, whole: the shape needs the slots, the energy their totals.
        if (!record_.Decode(value)) return BadRecord(parts.meter);
        row = MeterDaySummary::Of(parts.day, record_);
        if (row.received > 0) {
          shape->AddMeter(parts.meter, record_.slots.data(), record_.intervals_per_day());
        }
      } else {
        // The day after: only its 00:00 register reading matters (see the header).
        const bool decoded = k + 1 < days_.size()
                                 ? MeterDaySummary::Decode(parts.day, value, &row)
                                 : MeterDaySummary::DecodeRegister(parts.day, value, &row);
        if (!decoded) return BadRecord(parts.meter);
      }
      rows.emplace_back(std::string(parts.meter), parts.day, row);
      it.Next();
    }
    if (shape != nullptr) {
      std::optional<DayShape> day_shape = shape->Finish();
      if (day_shape) out->shapes.push_back({first_ + static_cast<Day>(k), *day_shape});
    }
  }
  out->rows = rows.size();
  rows_read_ += rows.size();
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  for (size_t i = 0; i < rows.size();) {
    std::vector<MeterDaySummary> series;
    size_t j = i;
    for (; j < rows.size() && std::get<0>(rows[j]) == std::get<0>(rows[i]); ++j) {
      series.push_back(std::get<2>(rows[j]));
    }
    out->meter_ids.push_back(std::move(std::get<0>(rows[i])));
    out->meters.emplace_back(std::move(series), *config_);
    i = j;
  }
  return true;
}

Status MeterDayCursor::Read(std::string_view enterprise, EnterpriseMeterRows* out) {
  Seek(enterprise);
  Result<bool> found = Next(out);
  if (!found.ok()) return found.status();
  if (!*found || out->enterprise != enterprise) {
    out->enterprise.assign(enterprise);
    out->meter_ids.clear();
    out->meters.clear();
    out->shapes.clear();
    out->rows = 0;
  }
  return Status::OK();
}

}  // namespace fugong
