// score -> groups for one day: the sums of every group, from the day's scores of the registered
// enterprises. The kWh sums are exact (exact_group_sums.h), so any split of the enterprises --
// by input partition, over several instances -- sums to the same records.
#pragma once

#include <functional>
#include <vector>

#include "engine/groups/exact_group_sums.h"
#include "engine/groups/group_day_sums.h"
#include "engine/groups/group_membership.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/score/day_score.h"

namespace fugong {

// Which registered enterprises a sum covers (all of them when empty): an instance sums the
// enterprises of its input partitions.
using EnterpriseFilter = std::function<bool(const Enterprise&)>;

// `scores`: the day's scores sorted by id (ids not registered are skipped; a registered enterprise
// without a score has no data that day and counts as registered only). `has_data` says whether a
// covered enterprise has data on the day (which decides the published range).
std::vector<ExactGroupSums> SumDayExact(Day day, const EnterpriseRegistry& registry,
                                        const std::vector<ScoredEnterprise>& scores,
                                        GroupMembership* membership, bool* has_data,
                                        const EnterpriseFilter& covers = {});

// The two halves of SumDayExact when the day's scores are split over tasks, one per readings
// partition, that instances own (docs/scale-out.md): the registered counts come from the registry
// alone, which every instance holds whole (a global table), and each task adds the terms of the
// scores it holds. For any split of `scores` into tasks,
//   RegisteredOn(day) + ScoredSums(task 1) + ... + ScoredSums(task n) == SumDayExact(day, scores)
// and SumDayExact's has_data is the OR of the tasks' has_data. An enterprise whose readings have
// never come (no score anywhere) is thus counted once, by the registry, not by a task that would
// have to guess the partition its readings would come on.
//
// Every group's registered count on `day` (eligible, resumed and the kWh sums are zero).
std::vector<ExactGroupSums> RegisteredOn(Day day, const EnterpriseRegistry& registry,
                                         GroupMembership* membership);
// The terms of `scores` (one task's, sorted by id; ids not registered, or not active on `day`,
// are skipped): registered is zero. `has_data`: a registered enterprise of them has data.
std::vector<ExactGroupSums> ScoredSums(Day day, const EnterpriseRegistry& registry,
                                       const std::vector<ScoredEnterprise>& scores,
                                       GroupMembership* membership, bool* has_data);

// SumDayExact over every registered enterprise, rounded for the records.
std::vector<GroupDaySums> SumDay(Day day, const EnterpriseRegistry& registry,
                                 const std::vector<ScoredEnterprise>& scores,
                                 GroupMembership* membership, bool* has_data);

}  // namespace fugong
