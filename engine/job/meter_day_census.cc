#include "engine/job/meter_day_census.h"

#include <unordered_set>

#include "engine/common/parallel_for.h"
#include "engine/meter_day/meter_day_cursor.h"

namespace fugong {

namespace {

constexpr int kChunkDays = 32;  // iterators open at once, one per day

}  // namespace

void AddMeterDayCounts(const ScoringCounts& c, ScoringCounts* to) {
  to->meter_days += c.meter_days;
  to->meter_days_estimated += c.meter_days_estimated;
  to->meter_days_missing += c.meter_days_missing;
  to->register_rollovers += c.register_rollovers;
  to->duplicates += c.duplicates;
  to->corrections += c.corrections;
}

bool CountMeterDayRows(const EnterpriseMeterRows& rows, Day first, Day last, ScoringCounts* c) {
  bool any = false;
  for (const MeterSeries& meter : rows.meters) {
    for (const MeterDaySummary& row : meter.rows()) {
      if (row.day < first || row.day > last) continue;
      any = true;
      ++c->meter_days;
      c->duplicates += row.duplicates;
      c->corrections += row.corrections;
      const MeterEnergy energy = meter.EnergyOn(row.day);
      if (energy.rollover) ++c->register_rollovers;
      if (energy.status == EnergyStatus::kEstimated) ++c->meter_days_estimated;
      if (energy.status == EnergyStatus::kMissing) ++c->meter_days_missing;
    }
  }
  return any;
}

Status CountMeterDays(const ScoringInputs& in, const DayRange& span, int threads,
                      ScoringCounts* counts, uint64_t* enterprises_with_readings) {
  const std::vector<IdRange> shards = EnterpriseShards(*in.registry, threads);
  const int n = static_cast<int>(shards.size());
  std::vector<ScoringCounts> shard_counts(n);
  std::vector<uint64_t> shard_enterprises(n, 0);
  std::vector<Status> statuses(n);
  ParallelFor(n, [&](int s) {
    ScoringCounts& c = shard_counts[s];
    std::unordered_set<std::string> seen;
    EnterpriseMeterRows rows;
    for (Day first = span.from; first <= span.to; first += kChunkDays) {
      const Day last = std::min<Day>(span.to, first + kChunkDays - 1);
      // One day more: a register reading at the 00:00 after `last` ends it.
      MeterDayCursor cursor(in.state, first, last + 1, in.config);
      cursor.Seek(shards[s].from);
      while (true) {
        Result<bool> more = cursor.Next(&rows, shards[s].end);
        if (!more.ok()) {
          statuses[s] = more.status();
          return;
        }
        if (!*more) break;
        if (in.registry->Find(rows.enterprise) == nullptr) continue;
        if (CountMeterDayRows(rows, first, last, &c)) seen.insert(rows.enterprise);
      }
    }
    shard_enterprises[s] = seen.size();
  });
  for (int s = 0; s < n; ++s) {
    FUGONG_RETURN_IF_ERROR(statuses[s]);
    AddMeterDayCounts(shard_counts[s], counts);
    *enterprises_with_readings += shard_enterprises[s];
  }
  return Status::OK();
}

}  // namespace fugong
