#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/groups/day_group_sums.h"
#include "engine/groups/group_catalog.h"
#include "engine/groups/group_membership.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {
namespace {

constexpr Day kDay = 18300;

Enterprise Make(const std::string& id, const std::string& county) {
  Enterprise e;
  e.id = id;
  e.county = county;
  e.industry = "I01";
  return e;
}

ScoredEnterprise Eligible(const std::string& id, double recovered, double baseline) {
  ScoredEnterprise s{id, DayScore{}};
  s.score.has_data = true;
  s.score.eligible = true;
  s.score.resumed = true;
  s.score.recovered_kwh = recovered;
  s.score.baseline_kwh = baseline;
  return s;
}

// The sums of the county group `county` on kDay.
GroupDaySums CountySums(const std::vector<GroupDaySums>& sums, GroupCatalog& catalog,
                        const std::string& county) {
  for (uint32_t g = 0; g < catalog.size() && g < sums.size(); ++g) {
    if (catalog.group(g).key.level == GroupLevel::kCounty && catalog.group(g).key.code == county) {
      return sums[g];
    }
  }
  return GroupDaySums{};
}

// SumDay walks a list of the registry's enterprises and their groups kept between days; every
// registry change (a new enterprise, one removed, one moved to another county) must show in the
// next day's sums exactly as if the list were built anew.
TEST(DayGroupSumsTest, SumsFollowEveryRegistryChange) {
  GroupCatalog catalog(RegionTable::Zhejiang(), IndustryTable::Standard(),
                       {GroupLevel::kProvince, GroupLevel::kCounty});
  GroupMembership membership(&catalog);
  EnterpriseRegistry registry;
  registry.Upsert(Make("E1", "330102"));
  registry.Upsert(Make("E2", "330103"));
  const std::vector<ScoredEnterprise> scores = {Eligible("E1", 10, 20), Eligible("E2", 1, 2),
                                                Eligible("E3", 100, 200)};
  bool has_data = false;

  std::vector<GroupDaySums> sums = SumDay(kDay, registry, scores, &membership, &has_data);
  EXPECT_TRUE(has_data);
  EXPECT_EQ(CountySums(sums, catalog, "330102").registered, 1u);
  EXPECT_EQ(CountySums(sums, catalog, "330103").recovered_kwh, 1.0);

  // A new enterprise (E3's score was there, unregistered: now it counts).
  registry.Upsert(Make("E3", "330102"));
  sums = SumDay(kDay, registry, scores, &membership, &has_data);
  EXPECT_EQ(CountySums(sums, catalog, "330102").registered, 2u);
  EXPECT_EQ(CountySums(sums, catalog, "330102").recovered_kwh, 110.0);

  // E1 moves to 330103: its record changes, and the membership is told.
  registry.Upsert(Make("E1", "330103"));
  membership.Forget("E1");
  sums = SumDay(kDay, registry, scores, &membership, &has_data);
  EXPECT_EQ(CountySums(sums, catalog, "330102").recovered_kwh, 100.0);
  EXPECT_EQ(CountySums(sums, catalog, "330103").recovered_kwh, 11.0);
  EXPECT_EQ(CountySums(sums, catalog, "330103").eligible, 2u);

  // E2 is removed from the registry.
  ASSERT_TRUE(registry.Erase("E2"));
  sums = SumDay(kDay, registry, scores, &membership, &has_data);
  EXPECT_EQ(CountySums(sums, catalog, "330103").registered, 1u);
  EXPECT_EQ(CountySums(sums, catalog, "330103").recovered_kwh, 10.0);

  // A day with only unregistered scores has no data.
  sums = SumDay(kDay, registry, {Eligible("E9", 1, 1)}, &membership, &has_data);
  EXPECT_FALSE(has_data);
  EXPECT_EQ(CountySums(sums, catalog, "330102").registered, 1u);
}

}  // namespace
}  // namespace fugong
