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

// SumDayExact over every registered enterprise, rounded for the records.
std::vector<GroupDaySums> SumDay(Day day, const EnterpriseRegistry& registry,
                                 const std::vector<ScoredEnterprise>& scores,
                                 GroupMembership* membership, bool* has_data);

}  // namespace fugong
