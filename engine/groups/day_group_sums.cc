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

std::vector<ExactGroupSums> RegisteredOn(Day day, const EnterpriseRegistry& registry,
                                         GroupMembership* membership) {
  const std::vector<GroupMember>& members = membership->Members(registry);
  std::vector<ExactGroupSums> sums(membership->catalog().size());
  for (const GroupMember& m : members) {
    if (!m.enterprise->ActiveOn(day)) continue;
    for (uint32_t g : *m.groups) ++sums[g].registered;
  }
  return sums;
}

std::vector<ExactGroupSums> ScoredSums(Day day, const EnterpriseRegistry& registry,
                                       const std::vector<ScoredEnterprise>& scores,
                                       GroupMembership* membership, bool* has_data) {
  *has_data = false;
  // One pass over the members, which are in id order like the scores: a task of a few thousand
  // enterprises still walks the whole registry (a binary search per score would not; not needed
  // while a close's cost is its scoring).
  const std::vector<GroupMember>& members = membership->Members(registry);
  std::vector<ExactGroupSums> sums(membership->catalog().size());
  auto member = members.begin();
  for (const ScoredEnterprise& s : scores) {
    while (member != members.end() && member->enterprise->id < s.id) ++member;
    if (member == members.end()) break;
    if (member->enterprise->id != s.id) continue;  // not registered
    if (s.score.has_data) *has_data = true;
    if (!member->enterprise->ActiveOn(day)) continue;
    AddScoreTerms(&s.score, *member->groups, &sums);
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
