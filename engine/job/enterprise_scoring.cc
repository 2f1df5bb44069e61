#include "engine/job/enterprise_scoring.h"

#include <algorithm>
#include <cstring>

#include "engine/baseline/enterprise_baseline.h"
#include "engine/enterprise_day/enterprise_day_energy.h"
#include "engine/score/enterprise_scorer.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

std::string EncodeEnterpriseDay(const EnterpriseDayEnergy& e) {
  std::string out(1, static_cast<char>(e.status));
  uint64_t bits;
  static_assert(sizeof bits == sizeof e.kwh);
  std::memcpy(&bits, &e.kwh, sizeof bits);
  AppendFixed64(bits, &out);
  return out;
}

}  // namespace

Status ReadEnterpriseMeters(rocksdb::Iterator* it, std::string_view id, const EngineConfig& config,
                            std::vector<MeterSeries>* meters, ScoringCounts* counts) {
  meters->clear();
  MeterDayRecord record;
  MeterDayKeyParts parts;
  while (it->Valid()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (!ParseMeterDayKey(key, &parts)) return Status::Corruption("bad meter_day key");
    if (parts.enterprise < id) {
      it->Next();
      continue;
    }
    if (parts.enterprise > id) break;
    const std::string meter(parts.meter);
    std::vector<MeterDaySummary> rows;
    while (it->Valid()) {
      const std::string_view k(it->key().data(), it->key().size());
      if (!ParseMeterDayKey(k, &parts) || parts.enterprise != id || parts.meter != meter) break;
      if (!record.Decode(std::string_view(it->value().data(), it->value().size()))) {
        return Status::Corruption("bad meter_day record of meter " + meter);
      }
      rows.push_back(MeterDaySummary::Of(parts.day, record));
      counts->duplicates += record.duplicates;
      counts->corrections += record.corrections;
      it->Next();
    }
    meters->emplace_back(std::move(rows), config);
  }
  if (!it->status().ok()) return Status::IOError(it->status().ToString());
  return Status::OK();
}

Result<EnterpriseScoring> EnterpriseScoring::Create(Day from, Day to, const EngineConfig* config,
                                                    const HolidayCalendar* calendar,
                                                    const WeatherTable* weather) {
  if (to < from) return Status::InvalidArgument("--to is before --from");
  EnterpriseScoring scoring(from, to, config, calendar, weather);
  for (Day d = from; d <= to; ++d) {
    Result<DayRange> w = BaselineWindowFor(d, *config, *calendar);
    if (!w.ok()) return w.status();
    auto found =
        std::find_if(scoring.windows_.begin(), scoring.windows_.end(),
                     [&](const DayRange& r) { return r.from == w->from && r.to == w->to; });
    scoring.window_of_.push_back(static_cast<int>(found - scoring.windows_.begin()));
    if (found == scoring.windows_.end()) scoring.windows_.push_back(*w);
  }
  return scoring;
}

Status EnterpriseScoring::Score(const Enterprise& enterprise,
                                const std::vector<MeterSeries>& meters, StateBatch* batch,
                                std::vector<ScoredDay>* days, ScoringCounts* counts) const {
  const EngineConfig& config = *config_;
  const int ndays = to_ - from_ + 1;
  days->assign(ndays, ScoredDay());
  if (meters.empty()) return Status::OK();
  const std::string& id = enterprise.id;

  for (const MeterSeries& meter : meters) {
    for (const MeterDaySummary& row : meter.rows()) {
      ++counts->meter_days;
      const MeterEnergy energy = meter.EnergyOn(row.day);
      if (energy.rollover) ++counts->register_rollovers;
      if (energy.status == EnergyStatus::kEstimated) ++counts->meter_days_estimated;
      if (energy.status == EnergyStatus::kMissing) ++counts->meter_days_missing;
      const int i = row.day - from_;
      if (i >= 0 && i < ndays && meter.HasDataFor(row.day)) (*days)[i].has_data = true;
    }
  }

  EnterpriseDayEnergies energies(&meters);
  std::vector<EnterpriseBaseline> baselines;
  baselines.reserve(windows_.size());
  // E on each window's days, kept for scored days that fall inside their own window.
  std::vector<std::vector<EnterpriseDayEnergy>> window_energies(windows_.size());
  for (size_t wi = 0; wi < windows_.size(); ++wi) {
    const DayRange& w = windows_[wi];
    std::vector<DayEnergy> observations;
    for (Day d = w.from; d <= w.to; ++d) {
      const EnterpriseDayEnergy e = energies.EnergyOn(d, w.from, w.to);
      window_energies[wi].push_back(e);
      if (batch) batch->Put(Store::kEnterpriseDay, EnterpriseDayKey(id, d), EncodeEnterpriseDay(e));
      if (e.status != EnergyStatus::kMissing) observations.push_back({d, e.kwh});
    }
    Result<EnterpriseBaseline> baseline = EnterpriseBaseline::Create(
        w, std::move(observations), weather_, enterprise.county, calendar_, config_);
    if (!baseline.ok()) return baseline.status();
    baselines.push_back(std::move(baseline).value());
    const BaselineEstimate at_end = baselines.back().At(w.to);
    if (batch) {
      batch->Put(Store::kBaseline, BaselineKey(id, w.from, w.to),
                 baselines.back().ModelAt(w.to).Encode());
    }
    if (!at_end.valid) {
      ++counts->baselines_invalid;
    } else if (at_end.method == BaselineMethod::kCalendar) {
      ++counts->baselines_calendar;
    } else {
      ++counts->baselines_mean;
    }
  }

  for (int i = 0; i < ndays; ++i) {
    const Day d = from_ + i;
    const DayRange& w = windows_[window_of_[i]];
    EnterpriseDayEnergy e;
    if (w.Contains(d)) {
      e = window_energies[window_of_[i]][d - w.from];  // computed and stored above
    } else {
      e = energies.EnergyOn(d, w.from, w.to);
      if (batch) batch->Put(Store::kEnterpriseDay, EnterpriseDayKey(id, d), EncodeEnterpriseDay(e));
    }
    const std::optional<double> kwh =
        e.status == EnergyStatus::kMissing ? std::nullopt : std::optional<double>(e.kwh);
    const EnterpriseScore score =
        ScoreEnterpriseDay(enterprise.ActiveOn(d), baselines[window_of_[i]].At(d), kwh, config);
    ScoredDay& out = (*days)[i];
    out.eligible = score.eligible;
    out.resumed = score.resumed;
    out.recovered_kwh = score.recovered_kwh;
    out.baseline_kwh = score.baseline_kwh;
  }
  return Status::OK();
}

}  // namespace fugong
