#include "engine/job/index_computation.h"

#include <algorithm>
#include <map>

#include "engine/common/parallel_for.h"
#include "engine/groups/day_group_sums.h"
#include "engine/groups/group_catalog.h"
#include "engine/job/day_scoring.h"
#include "engine/publish/day_records.h"
#include "engine/publish/index_publisher.h"

namespace fugong {

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
  const int threads = ThreadCount(ctx_.threads);
  const ScoringInputs in{ctx_.config, ctx_.calendar, ctx_.weather, ctx_.registry, ctx_.state};

  // The windows the days are scored against.
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

  // The summary's counts of every meter-day row: taken while scoring when every day with rows is
  // scored (the usual run, without --from/--to), else by a pass of their own.
  const bool census_while_scoring = span && span->first >= score_from && span->second <= score_to;
  if (span && !census_while_scoring) {
    FUGONG_RETURN_IF_ERROR(CountMeterDays(in, DayRange{span->first, span->second}, threads,
                                          &summary, &summary.enterprises_with_readings));
    if (progress) progress->OnPhaseDone("census");
  }

  // Fit every window's baselines, the enterprise ranges in parallel.
  const std::vector<IdRange> shards = EnterpriseShards(*ctx_.registry, threads);
  std::vector<uint64_t> fitted_per_window;  // enterprises with rows in the window, per shard
  for (const DayRange& w : windows) {
    std::vector<WindowFitCounts> counts(shards.size());
    std::vector<Status> statuses(shards.size());
    ParallelFor(static_cast<int>(shards.size()),
                [&](int s) { statuses[s] = FitWindowBaselines(in, w, shards[s], &counts[s]); });
    for (size_t s = 0; s < shards.size(); ++s) {
      FUGONG_RETURN_IF_ERROR(statuses[s]);
      summary.baselines_calendar += counts[s].calendar;
      summary.baselines_mean += counts[s].mean;
      summary.baselines_invalid += counts[s].invalid;
      fitted_per_window.push_back(counts[s].enterprises);
    }
  }
  if (progress) progress->OnPhaseDone("baselines");

  // Score and sum the days, each day on one worker (its sums in enterprise-id order).
  Result<std::vector<GroupLevel>> levels = ParseLevels(config.levels);
  if (!levels.ok()) return levels.status();
  GroupCatalog catalog(*ctx_.regions, *ctx_.industries, *levels);
  // Look every enterprise's groups up before the workers share the catalog read-only.
  GroupMembership membership(&catalog);
  membership.Members(*ctx_.registry);
  std::vector<std::vector<GroupDaySums>> sums(ndays);
  std::vector<uint8_t> has_data(ndays, 0);
  std::vector<Status> statuses(threads);
  std::vector<ScoringCounts> census(threads);
  std::vector<std::vector<uint8_t>> has_rows(threads);
  std::atomic<int> next_day{0}, days_done{0};
  ParallelFor(threads, [&](int w) {
    std::vector<ScoredEnterprise> scores;
    uint64_t rows_read = 0;
    if (census_while_scoring) has_rows[w].assign(ctx_.registry->size(), 0);
    for (int i = next_day++; i < ndays; i = next_day++) {
      scores.clear();
      const Day day = score_from + i;
      // Which enterprises have rows, by their position in the registry (the whole registry is
      // scored, so positions count from its first enterprise).
      const RowsVisitor count = [&](const EnterpriseMeterRows& rows, size_t registry_index) {
        if (CountMeterDayRows(rows, day, day, &census[w])) has_rows[w][registry_index] = 1;
      };
      Status st = ScoreDay(in, day, windows[window_of[i]], IdRange{}, &scores, &rows_read,
                           census_while_scoring ? &count : nullptr);
      if (!st.ok()) {
        statuses[w] = st;
        return;
      }
      bool day_has_data = false;
      sums[i] = SumDay(score_from + i, *ctx_.registry, scores, &membership, &day_has_data);
      has_data[i] = day_has_data;
      const int done = ++days_done;
      if (progress && w == 0) progress->OnProgress("score", done, done, ndays);
    }
  });
  for (const Status& st : statuses) FUGONG_RETURN_IF_ERROR(st);
  if (census_while_scoring) {
    for (int w = 0; w < threads; ++w) AddMeterDayCounts(census[w], &summary);
    for (size_t e = 0; e < ctx_.registry->size(); ++e) {
      bool any = false;
      for (int w = 0; w < threads; ++w) any = any || has_rows[w][e];
      summary.enterprises_with_readings += any;
    }
  }
  // An enterprise with readings but none in a window has an invalid baseline there.
  uint64_t fitted = 0;
  for (uint64_t n : fitted_per_window) fitted += n;
  summary.baselines_invalid += summary.enterprises_with_readings * windows.size() - fitted;
  if (progress) progress->OnPhaseDone("score");

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
  DayRecords records;
  StateBatch batch(ctx_.state);
  std::vector<uint8_t> group_published(catalog.size(), 0);
  for (int i = first; i <= last; ++i) {
    sums[i].resize(catalog.size());
    FUGONG_RETURN_IF_ERROR(PublishDayRecords(score_from + i, catalog, sums[i], *ctx_.calendar,
                                             ctx_.risk, config, &publisher, &batch, &records));
    for (uint32_t g = 0; g < sums[i].size(); ++g) {
      if (sums[i][g].registered > 0) group_published[g] = 1;
    }
    // Written day by day: a later day of the run reads this one's records for its last_year.
    FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&batch));
    batch = StateBatch(ctx_.state);
  }
  FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&batch));
  summary.records = records.all.size();
  for (uint8_t p : group_published) summary.groups += p;
  summary.records_new = publisher.new_records();
  summary.records_revised = publisher.revised_records();

  std::sort(records.all.begin(), records.all.end());
  for (const auto& [key, value] : records.all) FUGONG_RETURN_IF_ERROR(sink->Write(key, value));
  return summary;
}

}  // namespace fugong
