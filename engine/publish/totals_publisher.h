// The task of one partials partition (sub-topology 1 of docs/scale-out.md): takes the partials
// and watermarks every readings task sends it, in any order, and publishes the records of the
// groups this partition owns (PartialsPartitionOf) once their days are complete, with the
// revision rules of IndexPublisher. A record is the registry's registered count of its group
// (RegisteredOn: the registry is a global table) plus the latest partial of every task, so it is
// byte for byte the record one instance summing every enterprise would publish.
//
// What it holds is rebuilt from the partials topic itself (compacted: the latest partial of each
// (day, task) and each task's latest watermark), as a Kafka Streams store whose changelog is its
// source topic; what it published is in group_day, so publishing a rebuilt day again changes
// nothing.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/groups/group_catalog.h"
#include "engine/groups/group_membership.h"
#include "engine/groups/partial_sums_combiner.h"
#include "engine/job/engine_references.h"
#include "engine/publish/index_publisher.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/reference/risk_chart.h"

namespace fugong {

class TotalsPublisher {
 public:
  // `tasks`: the readings topic's partition count; this is partials partition `partition` of
  // `partitions`. `risk` may be null (no chart). The references must outlive this object.
  TotalsPublisher(const EngineReferences& references, const RiskChart* risk, int32_t tasks,
                  int32_t partition, int32_t partitions);

  // Checks the configured levels.
  Status Open();

  // A message of this partials partition. InvalidArgument (nothing kept) for one that is not a
  // partials message; the caller counts it.
  Status Add(std::string_view key, std::string_view value);

  // The registry (or the risk chart) changed: every day published may change.
  void ReferencesChanged() { all_dirty_ = true; }

  // What to do with a new or revised record (key, record): put it in the day's batch (the
  // outbox) and note it.
  using OnRecord =
      std::function<void(StateBatch* batch, const std::string& key, const std::string& record)>;

  // Publishes, in ascending order, the complete days (every task's watermark has passed them)
  // from the first to the last day with data whose partials changed since they were published,
  // or that were never published; then again the days that carry a changed day's composite as
  // their last_year. Each day is one batch of `publisher`'s state, written before the next day
  // is summed (whose last_year reads it), with its new and revised records passed to
  // `on_record`.
  Status Publish(const EnterpriseRegistry& registry, IndexPublisher* publisher, StateStore* state,
                 const OnRecord& on_record);

  const PartialSumsCombiner& combiner() const { return combiner_; }

 private:
  // The day's sums of every group of the catalog: registered counts of the groups this partition
  // owns (zero for the others, which PublishDayRecords then skips), plus the tasks' partials.
  std::vector<GroupDaySums> DaySums(Day day, const EnterpriseRegistry& registry);

  const EngineReferences refs_;
  const RiskChart* risk_;
  const int32_t partition_;
  const int32_t partitions_;
  std::optional<GroupCatalog> catalog_;
  std::optional<GroupMembership> membership_;
  PartialSumsCombiner combiner_;
  std::set<Day> dirty_;      // partials changed since the day was last published
  std::set<Day> published_;  // published at least once by this task
  bool all_dirty_ = false;
};

}  // namespace fugong
