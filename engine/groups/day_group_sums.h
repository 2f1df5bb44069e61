// score -> groups for one day: the sums of every group, from the day's scores of the registered
// enterprises, added in enterprise-id order (the order that makes floating-point sums the same
// whatever order the readings arrived in, on every path).
#pragma once

#include <vector>

#include "engine/groups/group_day_sums.h"
#include "engine/groups/group_membership.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/score/day_score.h"

namespace fugong {

// `scores`: the day's scores sorted by id (ids not registered are skipped; a registered enterprise
// without a score has no data that day and counts as registered only). `has_data` says whether a
// registered enterprise has data on the day (which decides the published range).
std::vector<GroupDaySums> SumDay(Day day, const EnterpriseRegistry& registry,
                                 const std::vector<ScoredEnterprise>& scores,
                                 GroupMembership* membership, bool* has_data);

}  // namespace fugong
