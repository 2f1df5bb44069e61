#include "engine/groups/day_group_sums.h"

namespace fugong {

std::vector<ExactGroupSums> SumDayExact(Day day, const EnterpriseRegistry& registry,
                                        const std::vector<ScoredEnterprise>& scores,
                                        GroupMembership* membership, bool* has_data,
                                        const EnterpriseFilter& covers) {
  *has_data = false;
  const std::vector<GroupMember>& members = membership->Members(registry);
  // After Members: groups looked up for the first time may have grown the catalog.
  std::vector<ExactGroupSums> sums(membership->catalog().size());
  auto score = scores.begin();
  for (const GroupMember& m : members) {
    if (covers && !covers(*m.enterprise)) continue;
    const std::string& id = m.enterprise->id;
    while (score != scores.end() && score->id < id) ++score;
    const DayScore* s = score != scores.end() && score->id == id ? &score->score : nullptr;
    if (s != nullptr && s->has_data) *has_data = true;
    AddToGroupSums(m.enterprise->ActiveOn(day), s, *m.groups, &sums);
  }
  return sums;
}

std::vector<GroupDaySums> SumDay(Day day, const EnterpriseRegistry& registry,
                                 const std::vector<ScoredEnterprise>& scores,
                                 GroupMembership* membership, bool* has_data) {
  const std::vector<ExactGroupSums> exact =
      SumDayExact(day, registry, scores, membership, has_data);
  std::vector<GroupDaySums> sums;
  sums.reserve(exact.size());
  for (const ExactGroupSums& s : exact) sums.push_back(s.Rounded());
  return sums;
}

}  // namespace fugong
