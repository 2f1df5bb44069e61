#include "engine/groups/day_group_sums.h"

namespace fugong {

std::vector<GroupDaySums> SumDay(Day day, const EnterpriseRegistry& registry,
                                 const std::vector<ScoredEnterprise>& scores,
                                 GroupMembership* membership, bool* has_data) {
  std::vector<GroupDaySums> sums(membership->catalog().size());
  *has_data = false;
  const std::vector<GroupMember>& members = membership->Members(registry);
  // Groups looked up for the first time may have grown the catalog.
  sums.resize(membership->catalog().size());
  auto score = scores.begin();
  for (const GroupMember& m : members) {
    const std::string& id = m.enterprise->id;
    while (score != scores.end() && score->id < id) ++score;
    const DayScore* s = score != scores.end() && score->id == id ? &score->score : nullptr;
    if (s != nullptr && s->has_data) *has_data = true;
    AddToGroupSums(m.enterprise->ActiveOn(day), s, *m.groups, &sums);
  }
  return sums;
}

}  // namespace fugong
