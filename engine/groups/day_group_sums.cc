#include "engine/groups/day_group_sums.h"

namespace fugong {

std::vector<GroupDaySums> SumDay(Day day, const EnterpriseRegistry& registry,
                                 const std::vector<ScoredEnterprise>& scores,
                                 GroupMembership* membership, bool* has_data) {
  std::vector<GroupDaySums> sums(membership->catalog().size());
  *has_data = false;
  auto score = scores.begin();
  for (const auto& [id, enterprise] : registry) {
    while (score != scores.end() && score->id < id) ++score;
    const DayScore* s = score != scores.end() && score->id == id ? &score->score : nullptr;
    if (s != nullptr && s->has_data) *has_data = true;
    const std::vector<uint32_t>& groups = membership->Of(enterprise);
    if (sums.size() < membership->catalog().size()) sums.resize(membership->catalog().size());
    AddToGroupSums(enterprise.ActiveOn(day), s, groups, &sums);
  }
  return sums;
}

}  // namespace fugong
