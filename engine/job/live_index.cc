#include "engine/job/live_index.h"

#include <algorithm>

#include "engine/common/parallel_for.h"
#include "engine/groups/day_group_sums.h"
#include "engine/job/outbox.h"
#include "engine/publish/day_records.h"
#include "engine/publish/last_year.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

// meta keys: the fitted windows, the closed days (has_data, published), and the flag that every
// published day must be summed again (a registry change).
constexpr std::string_view kWindowPrefix("stream.window\0", 14);
constexpr std::string_view kDayPrefix("stream.day\0", 11);
constexpr char kRepublishAll[] = "stream.republish_all";

std::string WindowMetaKey(const DayRange& w) {
  std::string key(kWindowPrefix);
  AppendDay(w.from, &key);
  AppendDay(w.to, &key);
  return key;
}

std::string DayMetaKey(Day day) {
  std::string key(kDayPrefix);
  AppendDay(day, &key);
  return key;
}

bool HasPrefix(const rocksdb::Iterator& it, std::string_view prefix) {
  return it.Valid() && it.key().size() >= prefix.size() &&
         std::string_view(it.key().data(), prefix.size()) == prefix;
}

}  // namespace

LiveIndex::LiveIndex(const EngineReferences& references, const EnterpriseRegistry* registry,
                     const WeatherTable* weather, const RiskChart* risk, StateStore* state,
                     int threads)
    : refs_(references),
      registry_(registry),
      weather_(weather),
      risk_(risk),
      state_(state),
      threads_(std::max(1, threads)) {}

ScoringInputs LiveIndex::Inputs() const {
  return ScoringInputs{refs_.config, refs_.calendar, weather_, registry_, state_};
}

Status LiveIndex::Open() {
  Result<std::vector<GroupLevel>> levels = ParseLevels(refs_.config->levels);
  if (!levels.ok()) return levels.status();
  catalog_.emplace(*refs_.regions, *refs_.industries, *levels);
  membership_.emplace(&*catalog_);

  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kMeta);
  for (it->Seek(rocksdb::Slice(kWindowPrefix.data(), kWindowPrefix.size()));
       HasPrefix(*it, kWindowPrefix); it->Next()) {
    if (it->key().size() != kWindowPrefix.size() + 8) return Status::Corruption("bad window key");
    const char* p = it->key().data() + kWindowPrefix.size();
    fitted_.push_back(DayRange{ReadDay(p), ReadDay(p + 4)});
  }
  for (it->Seek(rocksdb::Slice(kDayPrefix.data(), kDayPrefix.size())); HasPrefix(*it, kDayPrefix);
       it->Next()) {
    if (it->key().size() != kDayPrefix.size() + 4 || it->value().size() != 1) {
      return Status::Corruption("bad closed day record");
    }
    const auto flags = static_cast<uint8_t>(it->value()[0]);
    days_[ReadDay(it->key().data() + kDayPrefix.size())] =
        DayState{(flags & 1) != 0, (flags & 2) != 0};
  }
  std::string value;
  republish_all_ = state_->Get(Store::kMeta, kRepublishAll, &value).ok();
  it = state_->NewIterator(Store::kRescore);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (key.size() < 5) return Status::Corruption("bad pending rescore key");
    pending_.emplace(LeadingDay(key), std::string(key.substr(4)));
  }
  return it->status().ok() ? Status::OK() : Status::IOError(it->status().ToString());
}

void LiveIndex::Prepare() {
  membership_->Members(*registry_);
  Shards();
}

bool LiveIndex::IsFitted(const DayRange& w) const {
  return std::any_of(fitted_.begin(), fitted_.end(),
                     [&](const DayRange& f) { return f.from == w.from && f.to == w.to; });
}

bool LiveIndex::Reaches(Day day) const {
  if (day < state_->retention_cutoff()) return false;  // final: its rows may be gone
  if (days_.count(day)) return true;
  return std::any_of(fitted_.begin(), fitted_.end(),
                     [&](const DayRange& w) { return w.Contains(day); });
}

void LiveIndex::AddPending(const std::string& id, Day day, StateBatch* batch) {
  if (pending_.emplace(day, id).second) batch->Put(Store::kRescore, RescoreKey(id, day), "");
}

void LiveIndex::SumAllAgain(StateBatch* batch) {
  if (!republish_all_ && !days_.empty()) {
    republish_all_ = true;
    batch->Put(Store::kMeta, kRepublishAll, "");
  }
}

void LiveIndex::RegistryChanged(const std::string& id, bool rescore, StateBatch* batch) {
  membership_->Forget(id);
  if (rescore && (!fitted_.empty() || !days_.empty())) AddPending(id, kAllDays, batch);
  if (!republish_all_ && !days_.empty()) {
    republish_all_ = true;
    batch->Put(Store::kMeta, kRepublishAll, "");
  }
}

void LiveIndex::RiskChanged(const RiskChart::Span& span, StateBatch* batch) {
  // Only published days: a day still to publish reads the chart when it is. Days before the
  // retention cutoff are final (Close does not publish them again).
  for (auto it = days_.lower_bound(std::max(span.from, state_->retention_cutoff()));
       it != days_.end() && span.Contains(it->first); ++it) {
    if (!it->second.published) continue;
    it->second.published = false;
    PutDayState(it->first, batch);
  }
}

void LiveIndex::PutDayState(Day day, StateBatch* batch) const {
  const DayState& s = days_.at(day);
  batch->Put(Store::kMeta, DayMetaKey(day),
             std::string(1, static_cast<char>((s.has_data ? 1 : 0) | (s.published ? 2 : 0))));
}

std::optional<Day> LiveIndex::ScoredThrough() const {
  if (days_.empty()) return std::nullopt;
  Day through = days_.begin()->first;
  for (auto it = std::next(days_.begin()); it != days_.end() && it->first == through + 1; ++it) {
    through = it->first;
  }
  return through;
}

std::optional<std::pair<Day, Day>> LiveIndex::DataSpan() const {
  std::optional<std::pair<Day, Day>> span;
  for (const auto& [day, s] : days_) {
    if (!s.has_data) continue;
    if (!span) span.emplace(day, day);
    span->second = day;
  }
  return span;
}

const std::vector<IdRange>& LiveIndex::Shards() {
  if (shards_generation_ != registry_->generation() || shards_.empty()) {
    shards_ = EnterpriseShards(*registry_, threads_);
    shards_generation_ = registry_->generation();
  }
  return shards_;
}

Status LiveIndex::FitWindow(const DayRange& w, CloseWork* work) {
  const std::vector<IdRange>& shards = Shards();
  std::vector<WindowFitCounts> counts(shards.size());
  std::vector<Status> statuses(shards.size());
  const ScoringInputs in = Inputs();
  ParallelFor(static_cast<int>(shards.size()),
              [&](int s) { statuses[s] = FitWindowBaselines(in, w, shards[s], &counts[s]); });
  for (size_t s = 0; s < shards.size(); ++s) {
    FUGONG_RETURN_IF_ERROR(statuses[s]);
    work->meter_rows_read += counts[s].rows_read;
  }
  // Recorded only now that every range is written: a crash before refits the whole window.
  StateBatch batch(state_);
  batch.Put(Store::kMeta, WindowMetaKey(w), "");
  FUGONG_RETURN_IF_ERROR(state_->Write(&batch));
  fitted_.push_back(w);
  ++work->windows_fitted;
  return Status::OK();
}

Status LiveIndex::ScoreNewDay(Day day, const DayRange& w, std::vector<ScoredEnterprise>* scores,
                              CloseWork* work) {
  const std::vector<IdRange>& shards = Shards();
  std::vector<std::vector<ScoredEnterprise>> parts(shards.size());
  std::vector<uint64_t> rows(shards.size(), 0);
  std::vector<Status> statuses(shards.size());
  const ScoringInputs in = Inputs();
  // Each worker also stores its shard's scores, so that the memtable inserts run on both cores.
  // They may land before the day is recorded as closed (the caller's batch): a crash in between
  // scores the day again from the same rows and overwrites them with the same bytes.
  ParallelFor(static_cast<int>(shards.size()), [&](int s) {
    statuses[s] = ScoreDay(in, day, w, shards[s], &parts[s], &rows[s]);
    if (!statuses[s].ok()) return;
    StateBatch batch(state_);
    for (const ScoredEnterprise& e : parts[s]) {
      batch.Put(Store::kEnterpriseDay, EnterpriseDayKey(e.id, day), e.score.Encode());
    }
    statuses[s] = state_->Write(&batch);
  });
  scores->clear();
  for (size_t s = 0; s < shards.size(); ++s) {
    FUGONG_RETURN_IF_ERROR(statuses[s]);
    work->meter_rows_read += rows[s];
    for (ScoredEnterprise& e : parts[s]) scores->push_back(std::move(e));
  }
  ++work->days_scored;
  return Status::OK();
}

Status LiveIndex::Rescore(const std::string& id, Day day, ScoreChanges* changes, CloseWork* work) {
  Result<DayRange> w = BaselineWindowFor(day, *refs_.config, *refs_.calendar);
  if (!w.ok()) return w.status();
  DayScore score;
  bool has_rows = false;
  FUGONG_RETURN_IF_ERROR(
      ScoreOneEnterprise(Inputs(), day, *w, id, &score, &has_rows, &work->meter_rows_read));
  ++work->enterprises_rescored;
  std::string stored;
  const Status found = state_->Get(Store::kEnterpriseDay, EnterpriseDayKey(id, day), &stored);
  if (!found.ok() && found.code() != Status::Code::kNotFound) return found;
  if (has_rows) {
    if (found.ok() && stored == score.Encode()) return Status::OK();
    (*changes)[id] = score;
  } else {
    if (!found.ok()) return Status::OK();
    (*changes)[id] = std::nullopt;
  }
  return Status::OK();
}

Status LiveIndex::DoPending(CloseWork* work) {
  const std::set<std::pair<Day, std::string>> todo = std::move(pending_);
  pending_.clear();
  const ScoringInputs in = Inputs();
  // The window of each closed day, to find the days a refitted baseline is used on.
  std::map<Day, DayRange> window_of;
  for (const auto& [day, s] : days_) {
    Result<DayRange> w = BaselineWindowFor(day, *refs_.config, *refs_.calendar);
    if (!w.ok()) return w.status();
    window_of.emplace(day, *w);
  }
  // Fit again the windows that late input reaches; their writes must be readable by the rescore.
  // Days before the retention cutoff are final: their rows may be gone (retention_filter.h).
  const Day cutoff = state_->retention_cutoff();
  std::set<std::pair<std::string, Day>> rescore;
  StateBatch refits(state_);
  for (const auto& [day, id] : todo) {
    for (const DayRange& w : fitted_) {
      if (w.from < cutoff) continue;
      if (day != kAllDays && !w.Contains(day)) continue;
      FUGONG_RETURN_IF_ERROR(RefitWindowBaseline(in, w, id, &refits, &work->meter_rows_read));
      for (const auto& [d, dw] : window_of) {
        if (dw.from == w.from && dw.to == w.to && d >= cutoff) rescore.emplace(id, d);
      }
    }
    if (day == kAllDays) {
      for (auto it = days_.lower_bound(cutoff); it != days_.end(); ++it) {
        rescore.emplace(id, it->first);
      }
    } else if (days_.count(day) && day >= cutoff) {
      rescore.emplace(id, day);
    }
  }
  FUGONG_RETURN_IF_ERROR(state_->Write(&refits));

  // Rescore, and mark the changed days unpublished in the same batch that stores their scores
  // and drops the pending entries: a crash after it still republishes them.
  StateBatch batch(state_);
  std::map<Day, ScoreChanges> changes;
  for (const auto& [id, day] : rescore) {
    FUGONG_RETURN_IF_ERROR(Rescore(id, day, &changes[day], work));
  }
  for (auto& [day, day_changes] : changes) {
    if (day_changes.empty()) continue;
    for (const auto& [id, score] : day_changes) {
      if (score) {
        batch.Put(Store::kEnterpriseDay, EnterpriseDayKey(id, day), score->Encode());
      } else {
        batch.Delete(Store::kEnterpriseDay, EnterpriseDayKey(id, day));
      }
    }
    days_[day].published = false;
    PutDayState(day, &batch);
  }
  for (const auto& [day, id] : todo) batch.Delete(Store::kRescore, RescoreKey(id, day));
  return state_->Write(&batch);
}

Status LiveIndex::ReadScores(Day day, std::vector<ScoredEnterprise>* out, CloseWork* work) {
  out->clear();
  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kEnterpriseDay);
  std::string prefix;
  AppendDay(day, &prefix);
  for (it->Seek(prefix); HasPrefix(*it, prefix); it->Next()) {
    ++work->score_rows_read;
    std::optional<DayScore> s =
        DayScore::Decode(std::string_view(it->value().data(), it->value().size()));
    if (!s) return Status::Corruption("bad enterprise_day record");
    out->push_back(ScoredEnterprise{std::string(it->key().data() + 4, it->key().size() - 4), *s});
  }
  if (!it->status().ok()) return Status::IOError(it->status().ToString());
  return Status::OK();
}

Status LiveIndex::Close(Day first_day, Day closed_through, IndexPublisher* publisher,
                        CloseWork* work) {
  const uint64_t lookups_before = membership_->lookups();
  if (!pending_.empty()) FUGONG_RETURN_IF_ERROR(DoPending(work));
  // Days before the retention cutoff are final: their rows may be gone (retention_filter.h).
  const Day cutoff = state_->retention_cutoff();
  if (republish_all_) {
    StateBatch batch(state_);
    for (auto it = days_.lower_bound(cutoff); it != days_.end(); ++it) {
      auto& [day, s] = *it;
      if (!s.published) continue;
      s.published = false;
      PutDayState(day, &batch);
    }
    batch.Delete(Store::kMeta, kRepublishAll);
    FUGONG_RETURN_IF_ERROR(state_->Write(&batch));
    republish_all_ = false;
  }

  // Score the closed days whose window is closed (a day waits for its window: docs/streaming.md).
  std::map<Day, std::vector<GroupDaySums>> sums;
  std::vector<ScoredEnterprise> scores;
  for (Day d = std::max(first_day, cutoff); d <= closed_through; ++d) {
    if (days_.count(d)) continue;
    Result<DayRange> w = BaselineWindowFor(d, *refs_.config, *refs_.calendar);
    if (!w.ok()) return w.status();
    if (w->to > closed_through) continue;
    if (!IsFitted(*w)) FUGONG_RETURN_IF_ERROR(FitWindow(*w, work));
    FUGONG_RETURN_IF_ERROR(ScoreNewDay(d, *w, &scores, work));
    StateBatch batch(state_);
    bool has_data = false;
    std::vector<GroupDaySums> day_sums = SumDay(d, *registry_, scores, &*membership_, &has_data);
    ++work->days_summed;
    days_[d] = DayState{has_data, false};
    if (partials_ != nullptr) {
      // Totals through the partials topic: the day's share of each held task goes to the
      // owners, who publish the records (TotalsPublisher).
      partials_->SendDay(d, scores, *registry_, &*membership_, &batch);
      days_[d].published = true;
    } else {
      sums[d] = std::move(day_sums);
    }
    PutDayState(d, &batch);
    FUGONG_RETURN_IF_ERROR(state_->Write(&batch));
  }
  // Sum again, from their stored scores, the days not published since they changed.
  for (auto it = days_.lower_bound(cutoff); it != days_.end(); ++it) {
    auto& [day, s] = *it;
    if (s.published || sums.count(day)) continue;
    FUGONG_RETURN_IF_ERROR(ReadScores(day, &scores, work));
    bool has_data = false;
    std::vector<GroupDaySums> day_sums = SumDay(day, *registry_, scores, &*membership_, &has_data);
    ++work->days_summed;
    s.has_data = has_data;
    if (partials_ != nullptr) {
      StateBatch batch(state_);
      partials_->SendDay(day, scores, *registry_, &*membership_, &batch);
      s.published = true;
      PutDayState(day, &batch);
      FUGONG_RETURN_IF_ERROR(state_->Write(&batch));
      continue;
    }
    sums[day] = std::move(day_sums);
  }
  if (partials_ != nullptr) {
    // Sent, not published: the owners publish (and republish the days a changed composite is
    // the last_year of).
    work->group_lookups += membership_->lookups() - lookups_before;
    return Status::OK();
  }

  // Publish the days from the first to the last with data, in ascending order: a day's records
  // carry the composite of the same lunar day of the previous season (last_year), so that one
  // is written first.
  const std::optional<std::pair<Day, Day>> span = DataSpan();
  for (auto it = sums.begin(); it != sums.end(); ++it) {
    const Day day = it->first;
    DayState& s = days_[day];
    StateBatch batch(state_);
    if (span && day >= span->first && day <= span->second) {
      it->second.resize(catalog_->size());
      DayRecords records;
      FUGONG_RETURN_IF_ERROR(PublishDayRecords(day, *catalog_, it->second, *refs_.calendar, risk_,
                                               *refs_.config, publisher, &batch, &records));
      for (const auto& [key, record] : records.changed) PutIndexRecord(&batch, key, record);
      s.published = true;
      // Records that changed change the last_year of the next season's same lunar day: it is
      // summed and published again in this close (later in `sums`, so still ahead of `it`).
      if (!records.changed.empty()) {
        for (Day later : DaysComparedWith(day, *refs_.calendar)) {
          auto d = days_.find(later);
          if (d == days_.end() || !d->second.published || sums.count(later)) continue;
          d->second.published = false;
          PutDayState(later, &batch);
          FUGONG_RETURN_IF_ERROR(ReadScores(later, &scores, work));
          bool has_data = false;
          sums[later] = SumDay(later, *registry_, scores, &*membership_, &has_data);
          ++work->days_summed;
          d->second.has_data = has_data;
        }
      }
    }
    PutDayState(day, &batch);
    FUGONG_RETURN_IF_ERROR(state_->Write(&batch));
  }
  work->group_lookups += membership_->lookups() - lookups_before;
  return Status::OK();
}

}  // namespace fugong
