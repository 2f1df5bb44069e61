#include "engine/job/index_computation.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "engine/baseline/baseline_window.h"
#include "engine/baseline/enterprise_baseline.h"
#include "engine/enterprise_day/enterprise_day_energy.h"
#include "engine/groups/group_catalog.h"
#include "engine/groups/group_day_sums.h"
#include "engine/meter_day/meter_day_energy.h"
#include "engine/publish/index_publisher.h"
#include "engine/publish/index_record.h"
#include "engine/score/enterprise_scorer.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

constexpr size_t kBatchOps = 200000;

// Reads the meter-day rows of one enterprise from an iterator positioned at or before them.
// Rows of enterprises that sort before `id` (no longer registered) are skipped.
std::vector<MeterSeries> ReadMeters(rocksdb::Iterator* it, std::string_view id,
                                    const EngineConfig& config, ComputationSummary* summary,
                                    Status* status) {
  std::vector<MeterSeries> meters;
  MeterDayRecord record;
  MeterDayKeyParts parts;
  while (it->Valid()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (!ParseMeterDayKey(key, &parts)) {
      *status = Status::Corruption("bad meter_day key");
      return {};
    }
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
        *status = Status::Corruption("bad meter_day record of meter " + meter);
        return {};
      }
      rows.push_back(MeterDaySummary::Of(parts.day, record));
      summary->duplicates += record.duplicates;
      summary->corrections += record.corrections;
      it->Next();
    }
    meters.emplace_back(std::move(rows), config);
  }
  if (!it->status().ok()) *status = Status::IOError(it->status().ToString());
  return meters;
}

std::string EncodeEnterpriseDay(const EnterpriseDayEnergy& e) {
  std::string out(1, static_cast<char>(e.status));
  uint64_t bits;
  static_assert(sizeof bits == sizeof e.kwh);
  std::memcpy(&bits, &e.kwh, sizeof bits);
  AppendFixed64(bits, &out);
  return out;
}

}  // namespace

Result<ComputationSummary> IndexComputation::Run(std::optional<Day> from, std::optional<Day> to,
                                                 std::optional<std::pair<Day, Day>> span,
                                                 IndexSink* sink, ProgressListener* progress) {
  const EngineConfig& config = *ctx_.config;
  ComputationSummary summary;
  summary.enterprises = ctx_.registry->size();
  if (!from && !span) return summary;  // no readings and no range: nothing to publish
  const Day score_from = from ? *from : span->first;
  const Day score_to = to ? *to : span->second;
  if (score_to < score_from) return Status::InvalidArgument("--to is before --from");
  const int ndays = score_to - score_from + 1;

  // The baseline window of every scored day.
  std::vector<DayRange> windows;
  std::vector<int> window_of(ndays);
  for (int i = 0; i < ndays; ++i) {
    Result<DayRange> w = BaselineWindowFor(score_from + i, config, *ctx_.calendar);
    if (!w.ok()) return w.status();
    auto found = std::find_if(windows.begin(), windows.end(), [&](const DayRange& r) {
      return r.from == w->from && r.to == w->to;
    });
    window_of[i] = static_cast<int>(found - windows.begin());
    if (found == windows.end()) windows.push_back(*w);
  }

  std::vector<GroupLevel> levels;
  for (const std::string& name : config.levels) {
    GroupLevel level;
    if (!ParseLevel(name, &level)) return Status::InvalidArgument("unknown level " + name);
    levels.push_back(level);
  }
  GroupCatalog catalog(*ctx_.regions, *ctx_.industries, levels);
  std::vector<std::vector<GroupDaySums>> sums;  // [group][day - score_from]
  std::vector<uint8_t> has_data(ndays, 0);

  std::unique_ptr<rocksdb::Iterator> it = ctx_.state->NewIterator(Store::kMeterDay);
  it->SeekToFirst();
  StateBatch batch(ctx_.state);
  std::vector<uint32_t> groups;
  uint64_t visited = 0;
  for (const auto& [id, enterprise] : *ctx_.registry) {
    if (progress && ++visited % 1000 == 0) {
      progress->OnProgress("compute", visited, visited, ctx_.registry->size());
    }
    Status status;
    std::vector<MeterSeries> meters = ReadMeters(it.get(), id, config, &summary, &status);
    FUGONG_RETURN_IF_ERROR(status);

    catalog.IndicesOf(enterprise, &groups);
    if (sums.size() < catalog.size()) sums.resize(catalog.size(), std::vector<GroupDaySums>(ndays));
    for (int i = 0; i < ndays; ++i) {
      if (!enterprise.ActiveOn(score_from + i)) continue;
      for (uint32_t g : groups) ++sums[g][i].registered;
    }
    if (meters.empty()) continue;
    ++summary.enterprises_with_readings;

    for (const MeterSeries& meter : meters) {
      for (const MeterDaySummary& row : meter.rows()) {
        ++summary.meter_days;
        const MeterEnergy energy = meter.EnergyOn(row.day);
        if (energy.rollover) ++summary.register_rollovers;
        if (energy.status == EnergyStatus::kEstimated) ++summary.meter_days_estimated;
        if (energy.status == EnergyStatus::kMissing) ++summary.meter_days_missing;
        const int i = row.day - score_from;
        if (i >= 0 && i < ndays && meter.HasDataFor(row.day)) has_data[i] = 1;
      }
    }

    EnterpriseDayEnergies energies(&meters);
    std::vector<EnterpriseBaseline> baselines;
    baselines.reserve(windows.size());
    // E on each window's days, kept for scored days that fall inside their own window.
    std::vector<std::vector<EnterpriseDayEnergy>> window_energies(windows.size());
    for (size_t wi = 0; wi < windows.size(); ++wi) {
      const DayRange& w = windows[wi];
      std::vector<DayEnergy> observations;
      for (Day d = w.from; d <= w.to; ++d) {
        const EnterpriseDayEnergy e = energies.EnergyOn(d, w.from, w.to);
        window_energies[wi].push_back(e);
        batch.Put(Store::kEnterpriseDay, EnterpriseDayKey(id, d), EncodeEnterpriseDay(e));
        if (e.status != EnergyStatus::kMissing) observations.push_back({d, e.kwh});
      }
      Result<EnterpriseBaseline> baseline = EnterpriseBaseline::Create(
          w, std::move(observations), ctx_.weather, enterprise.county, *ctx_.calendar, config);
      if (!baseline.ok()) return baseline.status();
      baselines.push_back(std::move(baseline).value());
      const BaselineEstimate at_end = baselines.back().At(w.to);
      batch.Put(Store::kBaseline, BaselineKey(id, w.from, w.to),
                baselines.back().ModelAt(w.to).Encode());
      if (!at_end.valid) {
        ++summary.baselines_invalid;
      } else if (at_end.method == BaselineMethod::kCalendar) {
        ++summary.baselines_calendar;
      } else {
        ++summary.baselines_mean;
      }
    }

    for (int i = 0; i < ndays; ++i) {
      const Day d = score_from + i;
      const DayRange& w = windows[window_of[i]];
      EnterpriseDayEnergy e;
      if (w.Contains(d)) {
        e = window_energies[window_of[i]][d - w.from];  // computed and stored above
      } else {
        e = energies.EnergyOn(d, w.from, w.to);
        batch.Put(Store::kEnterpriseDay, EnterpriseDayKey(id, d), EncodeEnterpriseDay(e));
      }
      const std::optional<double> kwh =
          e.status == EnergyStatus::kMissing ? std::nullopt : std::optional<double>(e.kwh);
      const EnterpriseScore score =
          ScoreEnterpriseDay(enterprise.ActiveOn(d), baselines[window_of[i]].At(d), kwh, config);
      if (!score.eligible) continue;
      for (uint32_t g : groups) {
        GroupDaySums& s = sums[g][i];
        ++s.eligible;
        s.resumed += score.resumed ? 1 : 0;
        s.recovered_kwh += score.recovered_kwh;
        s.baseline_kwh += score.baseline_kwh;
      }
    }
    if (batch.Count() >= kBatchOps) {
      FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&batch));
      batch = StateBatch(ctx_.state);
    }
  }
  FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&batch));
  batch = StateBatch(ctx_.state);
  if (progress) progress->OnPhaseDone("compute");

  // The published range: as asked, or the first to the last day with readings.
  int first = 0, last = ndays - 1;
  if (!from) {
    while (first < ndays && !has_data[first]) ++first;
    while (last >= first && !has_data[last]) --last;
  }
  if (first > last) return summary;
  summary.from = score_from + first;
  summary.to = score_from + last;

  IndexPublisher publisher(ctx_.state, ctx_.now);
  std::vector<std::pair<std::string, std::string>> records;
  std::string record;
  for (int i = first; i <= last; ++i) {
    const Day d = score_from + i;
    const bool holiday = ctx_.calendar->IsHoliday(d);
    for (uint32_t g = 0; g < catalog.size(); ++g) {
      if (sums[g][i].registered == 0) continue;
      const Group& group = catalog.group(g);
      std::string key = IndexRecordKey(d, group.key);
      Result<bool> changed = publisher.Publish(
          key, IndexRecordContent(d, group, sums[g][i], holiday, config), &batch, &record);
      if (!changed.ok()) return changed.status();
      records.emplace_back(std::move(key), record);
    }
    if (batch.Count() >= kBatchOps) {
      FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&batch));
      batch = StateBatch(ctx_.state);
    }
  }
  FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&batch));
  summary.records = records.size();
  for (uint32_t g = 0; g < catalog.size(); ++g) {
    bool published = false;
    for (int i = first; i <= last && !published; ++i) published = sums[g][i].registered > 0;
    summary.groups += published ? 1 : 0;
  }
  summary.records_new = publisher.new_records();
  summary.records_revised = publisher.revised_records();

  std::sort(records.begin(), records.end());
  for (const auto& [key, value] : records) FUGONG_RETURN_IF_ERROR(sink->Write(key, value));
  return summary;
}

}  // namespace fugong
