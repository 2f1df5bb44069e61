#include "engine/job/live_index.h"

#include "engine/common/parallel_for.h"

namespace fugong {

LiveIndex::LiveIndex(const EngineReferences& references, const EnterpriseRegistry* registry,
                     const WeatherTable* weather, StateStore* state, int threads)
    : config_(*references.config),
      regions_(*references.regions),
      industries_(*references.industries),
      calendar_(*references.calendar),
      registry_(registry),
      weather_(weather),
      state_(state),
      threads_(std::max(1, threads)) {}

Status LiveIndex::Init() {
  Result<std::vector<GroupLevel>> levels = ParseLevels(config_.levels);
  if (!levels.ok()) return levels.status();
  catalog_.emplace(regions_, industries_, *levels);
  return Status::OK();
}

void LiveIndex::CountDataDays(const EnterpriseScores& s, int delta) {
  for (size_t i = 0; i < s.days.size(); ++i) {
    if (!s.days[i].has_data) continue;
    const Day d = s.from + static_cast<Day>(i);
    uint32_t& n = data_days_[d];
    n += delta;
    if (n == 0) data_days_.erase(d);
  }
}

void LiveIndex::Forget(const std::string& id) {
  auto it = scores_.find(id);
  if (it == scores_.end()) return;
  CountDataDays(it->second, -1);
  scores_.erase(it);
}

Status LiveIndex::Rescore(const std::vector<std::string>& ids, Day from, Day to,
                          std::set<Day>* changed) {
  Result<EnterpriseScoring> scoring =
      EnterpriseScoring::Create(from, to, &config_, &calendar_, weather_);
  if (!scoring.ok()) return scoring.status();

  // Score in parallel, each worker over a contiguous run of ids (sorted, so each worker's
  // iterator moves forward through the meter_day store), then merge in order.
  const size_t n = ids.size();
  std::vector<std::vector<ScoredDay>> results(n);
  std::vector<uint8_t> registered(n, 0);
  const int workers = n < 64 ? 1 : threads_;
  std::vector<Status> statuses(workers);
  ParallelFor(workers, [&](int w) {
    std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kMeterDay);
    std::vector<MeterSeries> meters;
    ScoringCounts counts;
    for (size_t i = n * w / workers; i < n * (w + 1) / workers; ++i) {
      const Enterprise* enterprise = registry_->Find(ids[i]);
      if (enterprise == nullptr) continue;
      registered[i] = 1;
      it->Seek(ids[i]);
      Status st = ReadEnterpriseMeters(it.get(), ids[i], config_, &meters, &counts);
      // The enterprise-day and baseline rows are diagnostics the backfill writes; a close
      // would rewrite them for every day of the stream, so the stream leaves them out.
      if (st.ok()) st = scoring->Score(*enterprise, meters, nullptr, &results[i], &counts);
      if (!st.ok()) {
        statuses[w] = st;
        return;
      }
    }
  });
  for (const Status& st : statuses) FUGONG_RETURN_IF_ERROR(st);

  for (size_t i = 0; i < n; ++i) {
    auto it = scores_.find(ids[i]);
    if (!registered[i]) {
      if (it != scores_.end()) Forget(ids[i]);
      continue;
    }
    if (it == scores_.end()) it = scores_.emplace(ids[i], EnterpriseScores()).first;
    EnterpriseScores& s = it->second;
    // A day whose score differs from before (a day not scored before counts as all-zero).
    const ScoredDay none;
    const Day first = s.days.empty() ? from : std::min(s.from, from);
    const Day last = s.days.empty() ? to : std::max<Day>(to, s.from + s.days.size() - 1);
    for (Day d = first; d <= last; ++d) {
      const ScoredDay* before = s.On(d);
      const ScoredDay& after = d >= from && d <= to ? results[i][d - from] : none;
      if (!(after == (before ? *before : none))) changed->insert(d);
    }
    CountDataDays(s, -1);
    s.from = from;
    s.days = std::move(results[i]);
    CountDataDays(s, +1);
  }
  return Status::OK();
}

std::optional<std::pair<Day, Day>> LiveIndex::DataSpan() const {
  if (data_days_.empty()) return std::nullopt;
  return std::make_pair(data_days_.begin()->first, data_days_.rbegin()->first);
}

Status LiveIndex::PublishDay(Day day, IndexPublisher* publisher, StateBatch* batch,
                             DayRecords* out) {
  std::vector<GroupDaySums> sums(catalog_->size());
  for (const auto& [id, enterprise] : *registry_) {
    auto it = scores_.find(id);
    std::vector<uint32_t> groups_of_unscored;
    std::vector<uint32_t>* groups = &groups_of_unscored;
    const ScoredDay* score = nullptr;
    if (it != scores_.end()) {
      groups = &it->second.groups;
      // An enterprise without meters is scored as "no data": like the backfill, it then counts
      // as registered only.
      score = it->second.On(day);
    }
    if (groups->empty()) catalog_->IndicesOf(enterprise, groups);
    if (sums.size() < catalog_->size()) sums.resize(catalog_->size());
    AddToGroupSums(enterprise.ActiveOn(day), score, *groups, &sums);
  }
  return PublishDayRecords(day, *catalog_, sums, calendar_, config_, publisher, batch, out);
}

}  // namespace fugong
