#include "engine/publish/totals_publisher.h"

#include <algorithm>
#include <map>

#include "engine/groups/day_group_sums.h"
#include "engine/groups/group_partial_codec.h"
#include "engine/publish/day_records.h"
#include "engine/publish/last_year.h"

namespace fugong {

TotalsPublisher::TotalsPublisher(const EngineReferences& references, const RiskChart* risk,
                                 int32_t tasks, int32_t partition, int32_t partitions)
    : refs_(references),
      risk_(risk),
      partition_(partition),
      partitions_(partitions),
      combiner_(tasks) {}

Status TotalsPublisher::Open() {
  Result<std::vector<GroupLevel>> levels = ParseLevels(refs_.config->levels);
  if (!levels.ok()) return levels.status();
  catalog_.emplace(*refs_.regions, *refs_.industries, *levels);
  membership_.emplace(&*catalog_);
  return Status::OK();
}

Status TotalsPublisher::Add(std::string_view key, std::string_view value) {
  Result<std::variant<TaskDayPartial, TaskWatermark>> message = DecodePartialMessage(key, value);
  if (!message.ok()) return message.status();
  if (auto* partial = std::get_if<TaskDayPartial>(&*message)) {
    const Day day = partial->day;
    if (combiner_.Add(std::move(*partial))) dirty_.insert(day);
  } else {
    combiner_.AddWatermark(std::get<TaskWatermark>(*message));
  }
  return Status::OK();
}

std::vector<GroupDaySums> TotalsPublisher::DaySums(Day day, const EnterpriseRegistry& registry) {
  std::vector<ExactGroupSums> sums = RegisteredOn(day, registry, &*membership_);
  // Group key text -> catalog index, for the partials' keys (the catalog grows as enterprises
  // are met, so this is built each time; a day has a few thousand groups at most).
  std::map<std::string, uint32_t, std::less<>> index;
  for (uint32_t g = 0; g < sums.size(); ++g) {
    std::string text = GroupKeyText(catalog_->group(g).key);
    if (PartialsPartitionOf(text, partitions_) != partition_) {
      sums[g] = ExactGroupSums();  // another partition's group: not published here
      continue;
    }
    index.emplace(std::move(text), g);
  }
  for (auto& [group, total] : combiner_.Totals(day)) {
    // A group no registered enterprise is in has no record (PublishDayRecords needs registered
    // > 0), whatever a task sent: it cannot happen with one registry, and with a registry that
    // is behind a task's it is put right when the registry catches up (ReferencesChanged).
    auto it = index.find(group);
    if (it != index.end()) sums[it->second].Add(total);
  }
  std::vector<GroupDaySums> rounded;
  rounded.reserve(sums.size());
  for (const ExactGroupSums& s : sums) rounded.push_back(s.Rounded());
  return rounded;
}

Status TotalsPublisher::Publish(const EnterpriseRegistry& registry, IndexPublisher* publisher,
                                StateStore* state, const OnRecord& on_record) {
  const std::optional<Day> closed = combiner_.ClosedThrough();
  const std::optional<std::pair<Day, Day>> span = combiner_.DataSpan();
  if (!closed || !span) return Status::OK();
  const std::vector<Day> held = combiner_.Days();
  if (held.empty()) return Status::OK();
  // Within the days partials were sent for: the span and the closed-through day are a
  // watermark's bytes, which must not decide how many days are walked (a day of the span
  // between two sent days is published, with its registered counts, as one sum publishes it).
  const Day first = std::max(span->first, held.front());
  const Day last = std::min({span->second, *closed, held.back()});
  std::set<Day> days;
  for (Day d = first; d <= last; ++d) {
    if (all_dirty_ || dirty_.count(d) > 0 || published_.count(d) == 0) days.insert(d);
  }
  all_dirty_ = false;
  while (!days.empty()) {
    const Day day = *days.begin();
    days.erase(days.begin());
    DayRecords records;
    StateBatch batch(state);
    FUGONG_RETURN_IF_ERROR(PublishDayRecords(day, *catalog_, DaySums(day, registry),
                                             *refs_.calendar, risk_, *refs_.config, publisher,
                                             &batch, &records));
    for (const auto& [key, record] : records.changed) on_record(&batch, key, record);
    FUGONG_RETURN_IF_ERROR(state->Write(&batch));
    published_.insert(day);
    dirty_.erase(day);
    // A changed record changes the last_year of the next season's same lunar day: published
    // again here, after it (days are taken in ascending order).
    if (!records.changed.empty()) {
      for (Day later : DaysComparedWith(day, *refs_.calendar)) {
        if (later <= last && published_.count(later) > 0) days.insert(later);
      }
    }
  }
  return Status::OK();
}

}  // namespace fugong
