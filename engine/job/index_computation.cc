#include "engine/job/index_computation.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "engine/groups/group_catalog.h"
#include "engine/groups/group_day_sums.h"
#include "engine/job/enterprise_scoring.h"
#include "engine/publish/day_records.h"
#include "engine/publish/index_publisher.h"

namespace fugong {

namespace {

constexpr size_t kBatchOps = 200000;

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
  Result<EnterpriseScoring> scoring =
      EnterpriseScoring::Create(score_from, score_to, &config, ctx_.calendar, ctx_.weather);
  if (!scoring.ok()) return scoring.status();
  const int ndays = score_to - score_from + 1;

  Result<std::vector<GroupLevel>> levels = ParseLevels(config.levels);
  if (!levels.ok()) return levels.status();
  GroupCatalog catalog(*ctx_.regions, *ctx_.industries, *levels);
  std::vector<std::vector<GroupDaySums>> sums(ndays);  // [day - score_from][group]
  std::vector<uint8_t> has_data(ndays, 0);

  std::unique_ptr<rocksdb::Iterator> it = ctx_.state->NewIterator(Store::kMeterDay);
  it->SeekToFirst();
  StateBatch batch(ctx_.state);
  std::vector<uint32_t> groups;
  std::vector<MeterSeries> meters;
  std::vector<ScoredDay> scores;
  uint64_t visited = 0;
  for (const auto& [id, enterprise] : *ctx_.registry) {
    if (progress && ++visited % 1000 == 0) {
      progress->OnProgress("compute", visited, visited, ctx_.registry->size());
    }
    FUGONG_RETURN_IF_ERROR(ReadEnterpriseMeters(it.get(), id, config, &meters, &summary));
    catalog.IndicesOf(enterprise, &groups);
    if (!meters.empty()) ++summary.enterprises_with_readings;
    FUGONG_RETURN_IF_ERROR(scoring->Score(enterprise, meters, &batch, &scores, &summary));
    for (int i = 0; i < ndays; ++i) {
      if (sums[i].size() < catalog.size()) sums[i].resize(catalog.size());
      const ScoredDay* score = meters.empty() ? nullptr : &scores[i];
      AddToGroupSums(enterprise.ActiveOn(score_from + i), score, groups, &sums[i]);
      if (score != nullptr && score->has_data) has_data[i] = 1;
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
  DayRecords records;
  std::vector<uint8_t> group_published(catalog.size(), 0);
  for (int i = first; i <= last; ++i) {
    FUGONG_RETURN_IF_ERROR(PublishDayRecords(score_from + i, catalog, sums[i], *ctx_.calendar,
                                             config, &publisher, &batch, &records));
    for (uint32_t g = 0; g < sums[i].size(); ++g) {
      if (sums[i][g].registered > 0) group_published[g] = 1;
    }
    if (batch.Count() >= kBatchOps) {
      FUGONG_RETURN_IF_ERROR(ctx_.state->Write(&batch));
      batch = StateBatch(ctx_.state);
    }
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
