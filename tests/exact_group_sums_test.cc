// Partial sums of the index (issue 12): the enterprises of a province split into input
// partitions, each partition summed on its own (as the instance that owns it would), the partials
// combined in any order and grouping -- always the same sums, the same bytes and the same records
// as one sum over the whole province.
#include "engine/groups/exact_group_sums.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/config/engine_config.h"
#include "engine/groups/day_group_sums.h"
#include "engine/groups/group_catalog.h"
#include "engine/groups/group_membership.h"
#include "engine/groups/group_partial_codec.h"
#include "engine/groups/partial_sums_combiner.h"
#include "engine/publish/index_record.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {
namespace {

constexpr Day kDay = 18310;  // 2020-02-18

// A province of `n` enterprises over Zhejiang's counties and the 15 categories, some inactive on
// the day, some without a score or not eligible, with kWh figures over twelve orders of
// magnitude (so that floating-point sums in different orders would differ).
struct Province {
  EnterpriseRegistry registry;
  std::vector<ScoredEnterprise> scores;  // by id
};

Province MakeProvince(int n, uint32_t seed) {
  Province p;
  std::mt19937_64 rng(seed);
  const std::vector<std::string>& counties = RegionTable::Zhejiang().counties();
  std::uniform_real_distribution<double> unit(0, 1);
  for (int i = 0; i < n; ++i) {
    Enterprise e;
    char id[16];
    std::snprintf(id, sizeof id, "E%06d", i);
    e.id = id;
    e.county = counties[rng() % counties.size()];
    char industry[8];
    std::snprintf(industry, sizeof industry, "I%02d", static_cast<int>(1 + rng() % 15));
    e.industry = industry;
    if (unit(rng) < 0.05) e.active_from = kDay + 1;
    p.registry.Upsert(e);
    if (unit(rng) < 0.1) continue;  // no data on the day
    ScoredEnterprise s{e.id, DayScore{}};
    s.score.has_data = true;
    s.score.eligible = unit(rng) < 0.9;
    s.score.resumed = unit(rng) < 0.6;
    s.score.baseline_kwh = std::pow(10.0, -3 + 9 * unit(rng)) * (1 + unit(rng));
    s.score.recovered_kwh = s.score.baseline_kwh * 1.2 * unit(rng);
    p.scores.push_back(s);
  }
  return p;
}

// The input partition an enterprise's readings are keyed to (any function of the id will do).
int PartitionOf(const Enterprise& e, int partitions) {
  return static_cast<int>(std::hash<std::string>{}(e.id) % static_cast<size_t>(partitions));
}

TEST(ExactGroupSumsTest, EncodingIsCanonicalAndRejectsAnythingElse) {
  ExactGroupSums s;
  s.registered = 7;
  s.eligible = 5;
  s.resumed = 3;
  s.recovered_kwh.Add(0.1);
  s.recovered_kwh.Add(1e9);
  s.baseline_kwh.Add(2.5);
  std::string bytes;
  s.Encode(&bytes);
  const std::optional<ExactGroupSums> back = ExactGroupSums::Decode(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
  std::string again;
  back->Encode(&again);
  EXPECT_EQ(again, bytes);

  EXPECT_FALSE(ExactGroupSums::Decode(""));
  EXPECT_FALSE(ExactGroupSums::Decode(bytes + "x")) << "trailing bytes";
  EXPECT_FALSE(ExactGroupSums::Decode(bytes.substr(0, bytes.size() - 1))) << "truncated";
  std::string version = bytes;
  version[0] = 3;
  EXPECT_FALSE(ExactGroupSums::Decode(version));
  std::string length = bytes;
  length[25] = static_cast<char>(0xff);  // the first sum's length
  EXPECT_FALSE(ExactGroupSums::Decode(length));
}

TEST(ExactGroupSumsTest, CarriesTheShapeCountsAndStillReadsVersionOne) {
  ExactGroupSums s;
  s.registered = 9;
  s.eligible = 7;
  s.resumed = 6;
  s.shape_judged = 5;
  s.active = 3;
  s.suspect_idle = 2;
  s.recovered_kwh.Add(1.25);
  s.baseline_kwh.Add(2.5);
  std::string bytes;
  s.Encode(&bytes);
  const std::optional<ExactGroupSums> back = ExactGroupSums::Decode(bytes);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->shape_judged, 5u);
  EXPECT_EQ(back->active, 3u);
  EXPECT_EQ(back->suspect_idle, 2u);
  ExactGroupSums twice = s;
  twice.Add(s);
  EXPECT_EQ(twice.Rounded().shape_judged, 10u);
  EXPECT_EQ(twice.Rounded().active, 6u);
  EXPECT_EQ(twice.Rounded().suspect_idle, 4u);
  // A partial written before the shape counts (version 1: no 12 bytes of them) reads as zeros.
  std::string v1 = bytes.substr(0, 13) + bytes.substr(25);
  v1[0] = 1;
  const std::optional<ExactGroupSums> old = ExactGroupSums::Decode(v1);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->resumed, 6u);
  EXPECT_EQ(old->shape_judged, 0u);
  EXPECT_EQ(old->recovered_kwh, s.recovered_kwh);
}

// The property: for 1..7 partitions, partials summed per partition and combined in a random order
// and grouping equal the one sum over the province, in every group, to the bit and the byte.
TEST(ExactGroupSumsTest, PartialsOfAnySplitCombinedInAnyOrderGiveTheSameRecords) {
  const Province province = MakeProvince(3000, 20200218);
  Result<std::vector<GroupLevel>> levels =
      ParseLevels({"province", "city", "county", "industry", "county_industry"});
  ASSERT_TRUE(levels.ok());
  GroupCatalog catalog(RegionTable::Zhejiang(), IndustryTable::Standard(), *levels);
  GroupMembership membership(&catalog);
  bool has_data = false;
  const std::vector<ExactGroupSums> whole =
      SumDayExact(kDay, province.registry, province.scores, &membership, &has_data);
  ASSERT_TRUE(has_data);
  EngineConfig config;
  config.min_group_size = 1;
  std::vector<std::string> records;
  for (uint32_t g = 0; g < whole.size(); ++g) {
    records.push_back(
        IndexRecordContent(kDay, catalog.group(g), whole[g].Rounded(), false, config));
  }

  std::mt19937 rng(7);
  for (int partitions = 1; partitions <= 7; ++partitions) {
    SCOPED_TRACE(std::to_string(partitions) + " partitions");
    std::vector<std::vector<ExactGroupSums>> partials;
    for (int p = 0; p < partitions; ++p) {
      bool partial_has_data = false;
      partials.push_back(
          SumDayExact(kDay, province.registry, province.scores, &membership, &partial_has_data,
                      [&](const Enterprise& e) { return PartitionOf(e, partitions) == p; }));
      partials.back().resize(whole.size());
    }
    for (int round = 0; round < 5; ++round) {
      // Combine in a random order, into random subtotals first (an instance owning several
      // partitions sends one sum per partition; a combiner may add them in any order).
      std::vector<int> order(partitions);
      for (int p = 0; p < partitions; ++p) order[p] = p;
      std::shuffle(order.begin(), order.end(), rng);
      std::vector<ExactGroupSums> left(whole.size()), right(whole.size()), total(whole.size());
      const int cut = static_cast<int>(rng() % (partitions + 1));
      for (int i = 0; i < partitions; ++i) {
        std::vector<ExactGroupSums>& side = i < cut ? left : right;
        for (size_t g = 0; g < whole.size(); ++g) side[g].Add(partials[order[i]][g]);
      }
      for (size_t g = 0; g < whole.size(); ++g) {
        const bool left_first = rng() % 2 == 0;
        total[g].Add(left_first ? left[g] : right[g]);
        total[g].Add(left_first ? right[g] : left[g]);
      }
      for (size_t g = 0; g < whole.size(); ++g) {
        ASSERT_EQ(total[g], whole[g]) << catalog.group(g).key.code;
        std::string a, b;
        total[g].Encode(&a);
        whole[g].Encode(&b);
        ASSERT_EQ(a, b);
        ASSERT_EQ(IndexRecordContent(kDay, catalog.group(g), total[g].Rounded(), false, config),
                  records[g]);
      }
    }
  }

  // The same terms added in a shuffled order as doubles do not always give the same sum: the
  // case exact sums are for (checked here so that the province above is not too easy).
  const uint32_t province_group = 0;
  ASSERT_EQ(catalog.group(province_group).key.level, GroupLevel::kProvince);
  std::vector<double> terms;
  for (const ScoredEnterprise& s : province.scores) {
    if (s.score.eligible && province.registry.Find(s.id)->ActiveOn(kDay)) {
      terms.push_back(s.score.recovered_kwh);
    }
  }
  bool differs = false;
  for (int round = 0; round < 20 && !differs; ++round) {
    std::shuffle(terms.begin(), terms.end(), rng);
    double sum = 0;
    for (double t : terms) sum += t;
    differs = sum != whole[province_group].recovered_kwh.Value();
  }
  EXPECT_TRUE(differs);
}

// The split the instances make (docs/scale-out.md): registered counts from the registry, each
// task the terms of the scores it holds. Scores spread over 1..7 tasks at random (not by any
// function of the id: a task holds whatever its partition delivered), with scores of ids the
// registry does not have, add up to the one sum over the province, to the bit.
TEST(ExactGroupSumsTest, RegisteredCountsPlusEveryTasksScoresGiveTheWholeSums) {
  Province province = MakeProvince(3000, 20200219);
  // Scores of enterprises the registry does not know (their registration not read yet).
  for (const char* id : {"A000001", "E001500x", "Z999999"}) {
    ScoredEnterprise s{id, DayScore{}};
    s.score.has_data = true;
    s.score.eligible = true;
    s.score.baseline_kwh = 1e6;
    s.score.recovered_kwh = 1e6;
    province.scores.push_back(s);
  }
  std::sort(province.scores.begin(), province.scores.end(),
            [](const ScoredEnterprise& a, const ScoredEnterprise& b) { return a.id < b.id; });
  Result<std::vector<GroupLevel>> levels =
      ParseLevels({"province", "city", "county", "industry", "county_industry"});
  ASSERT_TRUE(levels.ok());
  GroupCatalog catalog(RegionTable::Zhejiang(), IndustryTable::Standard(), *levels);
  GroupMembership membership(&catalog);
  bool has_data = false;
  const std::vector<ExactGroupSums> whole =
      SumDayExact(kDay, province.registry, province.scores, &membership, &has_data);
  ASSERT_TRUE(has_data);
  const std::vector<ExactGroupSums> registered = RegisteredOn(kDay, province.registry, &membership);
  ASSERT_EQ(registered.size(), whole.size());
  for (size_t g = 0; g < whole.size(); ++g) {
    EXPECT_EQ(registered[g].registered, whole[g].registered) << catalog.group(g).key.code;
    EXPECT_TRUE(registered[g].recovered_kwh.IsZero());
    EXPECT_EQ(registered[g].eligible, 0u);
  }

  std::mt19937 rng(11);
  for (int tasks = 1; tasks <= 7; ++tasks) {
    SCOPED_TRACE(std::to_string(tasks) + " tasks");
    std::vector<std::vector<ScoredEnterprise>> held(tasks);
    for (const ScoredEnterprise& s : province.scores) held[rng() % tasks].push_back(s);
    std::vector<ExactGroupSums> total = registered;
    bool any_data = false;
    std::vector<int> order(tasks);
    for (int t = 0; t < tasks; ++t) order[t] = t;
    std::shuffle(order.begin(), order.end(), rng);
    for (int t : order) {
      bool task_data = false;
      const std::vector<ExactGroupSums> part =
          ScoredSums(kDay, province.registry, held[t], &membership, &task_data);
      any_data = any_data || task_data;
      ASSERT_EQ(part.size(), whole.size());
      for (size_t g = 0; g < whole.size(); ++g) {
        EXPECT_EQ(part[g].registered, 0u);
        total[g].Add(part[g]);
      }
    }
    EXPECT_EQ(any_data, has_data);
    for (size_t g = 0; g < whole.size(); ++g) {
      ASSERT_EQ(total[g], whole[g]) << catalog.group(g).key.code;
    }
  }
  // A task whose scores are all of enterprises inactive on the day adds nothing, but still has
  // data (as SumDayExact says of them).
  std::vector<ScoredEnterprise> inactive;
  for (const ScoredEnterprise& s : province.scores) {
    const Enterprise* e = province.registry.Find(s.id);
    if (e != nullptr && !e->ActiveOn(kDay) && s.score.eligible) inactive.push_back(s);
  }
  ASSERT_FALSE(inactive.empty());
  bool inactive_data = false;
  for (const ExactGroupSums& g :
       ScoredSums(kDay, province.registry, inactive, &membership, &inactive_data)) {
    EXPECT_TRUE(g.IsZero());
  }
  EXPECT_TRUE(inactive_data);
}

TEST(GroupPartialCodecTest, MessagesRoundTripAndAnythingElseIsRejected) {
  TaskDayPartial p;
  p.day = kDay;
  p.task = 11;
  p.sequence = 123456789012;
  ExactGroupSums a;
  a.eligible = 3;
  a.resumed = 2;
  a.recovered_kwh.Add(12.5);
  a.baseline_kwh.Add(30.25);
  ExactGroupSums b;
  b.eligible = 1;
  b.baseline_kwh.Add(1e-9);
  p.groups = {{"county_industry|330102:I07", a}, {"province|33", b}};
  EXPECT_EQ(PartialKey(p), "2020-02-18|11");
  const std::string value = PartialValue(p);
  auto decoded = DecodePartialMessage(PartialKey(p), value);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const TaskDayPartial& back = std::get<TaskDayPartial>(*decoded);
  EXPECT_EQ(back.day, p.day);
  EXPECT_EQ(back.task, 11);
  EXPECT_EQ(back.sequence, p.sequence);
  EXPECT_EQ(back.groups, p.groups);
  EXPECT_EQ(PartialValue(back), value) << "canonical";
  // A partial with no groups (the task's enterprises left every group of this partition).
  TaskDayPartial empty = p;
  empty.groups.clear();
  auto none = DecodePartialMessage(PartialKey(empty), PartialValue(empty));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(std::get<TaskDayPartial>(*none).groups.empty());

  TaskWatermark w{7, 99, kDay, std::make_pair(kDay - 30, kDay)};
  EXPECT_EQ(WatermarkKey(7), "~watermark|7");
  auto mark = DecodePartialMessage(WatermarkKey(7), WatermarkValue(w));
  ASSERT_TRUE(mark.ok());
  EXPECT_EQ(std::get<TaskWatermark>(*mark), w);
  TaskWatermark no_data{7, 100, kDay, std::nullopt};
  auto quiet = DecodePartialMessage(WatermarkKey(7), WatermarkValue(no_data));
  ASSERT_TRUE(quiet.ok());
  EXPECT_EQ(std::get<TaskWatermark>(*quiet), no_data);

  // Unsorted groups, a registered count, a zero sum: not what PartialValue writes.
  TaskDayPartial unsorted = p;
  std::swap(unsorted.groups[0], unsorted.groups[1]);
  TaskDayPartial registered = p;
  registered.groups[0].second.registered = 1;
  TaskDayPartial zero = p;
  zero.groups[1].second = ExactGroupSums();
  TaskWatermark backwards{7, 99, kDay, std::make_pair(kDay, kDay - 1)};
  for (const auto& [key, bytes] : std::vector<std::pair<std::string, std::string>>{
           {"2020-02-18|011", value},  // not as written
           {"2020-02-18|-1", value},
           {"2020-02-18|", value},
           {"2020-02-30|1", value},
           {"2020-02-18|1|2", value},
           {"2020-02-18|1", value.substr(0, value.size() - 1)},
           {"2020-02-18|1", value + "x"},
           {"2020-02-18|1", PartialValue(unsorted)},
           {"2020-02-18|1", PartialValue(registered)},
           {"2020-02-18|1", PartialValue(zero)},
           {"2020-02-18|1", WatermarkValue(w)},
           {"~watermark|7", value},
           {"~watermark|x", WatermarkValue(w)},
           {"~watermark|7", WatermarkValue(w) + "x"},
           {"~watermark|7", WatermarkValue(backwards)},
           {"", ""}}) {
    EXPECT_FALSE(DecodePartialMessage(key, bytes).ok()) << key;
  }
  // A count of groups larger than the bytes could hold is refused before anything is reserved.
  std::string huge = value;
  huge[10] = huge[11] = huge[12] = huge[13] = static_cast<char>(0xff);
  EXPECT_FALSE(DecodePartialMessage("2020-02-18|1", huge).ok());

  // Owners by group, not by group-day: every partition gets some groups, and a group always
  // the same one.
  std::vector<int> owned(6);
  for (const std::string& county : RegionTable::Zhejiang().counties()) {
    const int32_t owner = PartialsPartitionOf("county|" + county, 6);
    ASSERT_GE(owner, 0);
    ASSERT_LT(owner, 6);
    EXPECT_EQ(owner, PartialsPartitionOf("county|" + county, 6));
    ++owned[owner];
  }
  for (int n : owned) EXPECT_GT(n, 5);
}

// Partials of 5 tasks over three days, each sent three times as late data changes it, cut by
// partials partition, delivered in a random order with stale and repeated messages mixed in
// (replays, a zombie instance): the combiners' totals are the whole province's sums, their days
// complete only once every task's watermark has passed them.
TEST(PartialSumsCombinerTest, TotalsAreTheWholeSumsWhateverTheArrivalOrder) {
  constexpr int kTasks = 5;
  constexpr int kOwners = 3;  // partials partitions
  const Province province = MakeProvince(1500, 99);
  Result<std::vector<GroupLevel>> levels = ParseLevels({"province", "county", "county_industry"});
  ASSERT_TRUE(levels.ok());
  GroupCatalog catalog(RegionTable::Zhejiang(), IndustryTable::Standard(), *levels);
  GroupMembership membership(&catalog);
  const std::vector<Day> days = {kDay, kDay + 1, kDay + 2};
  const auto partials_of = [&](Day day, int task, int64_t sequence, double scale) {
    std::vector<ScoredEnterprise> scores;
    for (ScoredEnterprise s : province.scores) {
      if (PartitionOf(*province.registry.Find(s.id), kTasks) != task) continue;
      s.score.recovered_kwh *= scale;  // late data
      scores.push_back(s);
    }
    bool has_data = false;
    return SplitByPartialsPartition(
        day, task, sequence, ScoredSums(day, province.registry, scores, &membership, &has_data),
        catalog, kOwners);
  };
  // What each day's totals must be: the final version (scale 1) over the whole province, less
  // the registered counts (the owner takes those from the registry).
  std::map<Day, std::map<std::string, ExactGroupSums>> expected;
  for (Day day : days) {
    bool has_data = false;
    const std::vector<ExactGroupSums> whole =
        SumDayExact(day, province.registry, province.scores, &membership, &has_data);
    for (uint32_t g = 0; g < whole.size(); ++g) {
      ExactGroupSums terms = whole[g];
      terms.registered = 0;
      if (terms.IsZero()) continue;
      expected[day][GroupKeyText(catalog.group(g).key)] = terms;
    }
  }
  // Every message, through the codec as the topic would carry it, by partials partition:
  // earlier versions (0.5, 0.8) with lower sequences, the final one (1.0), and watermarks.
  std::vector<std::vector<std::pair<std::string, std::string>>> messages(kOwners);
  for (int task = 0; task < kTasks; ++task) {
    int64_t sequence = 1000 * task;
    for (Day day : days) {
      for (double scale : {0.5, 0.8, 1.0}) {
        ++sequence;
        const std::vector<TaskDayPartial> cut = partials_of(day, task, sequence, scale);
        ASSERT_EQ(cut.size(), static_cast<size_t>(kOwners));
        for (int q = 0; q < kOwners; ++q) {
          messages[q].emplace_back(PartialKey(cut[q]), PartialValue(cut[q]));
        }
      }
      ++sequence;
      for (int q = 0; q < kOwners; ++q) {
        messages[q].emplace_back(WatermarkKey(task),
                                 WatermarkValue({task, sequence, day, std::make_pair(kDay, day)}));
      }
    }
  }
  std::mt19937 rng(3);
  for (int round = 0; round < 4; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::map<std::string, ExactGroupSums> seen;  // every owner's groups, to check they are disjoint
    for (int q = 0; q < kOwners; ++q) {
      std::vector<std::pair<std::string, std::string>> arrival = messages[q];
      // Repeats: a tenth of the messages delivered twice.
      for (size_t i = 0; i < messages[q].size(); i += 10) arrival.push_back(messages[q][i]);
      std::shuffle(arrival.begin(), arrival.end(), rng);
      PartialSumsCombiner combiner(kTasks);
      EXPECT_FALSE(combiner.ClosedThrough()) << "no task has reported";
      for (const auto& [key, value] : arrival) {
        auto decoded = DecodePartialMessage(key, value);
        ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
        if (auto* partial = std::get_if<TaskDayPartial>(&*decoded)) {
          combiner.Add(std::move(*partial));
        } else {
          combiner.AddWatermark(std::get<TaskWatermark>(*decoded));
        }
      }
      ASSERT_EQ(combiner.ClosedThrough(), kDay + 2);
      ASSERT_EQ(combiner.DataSpan(), std::make_pair(kDay, kDay + 2));
      EXPECT_EQ(combiner.Days(), days);
      for (Day day : days) {
        for (const auto& [group, sums] : combiner.Totals(day)) {
          EXPECT_EQ(PartialsPartitionOf(group, kOwners), q) << group;
          EXPECT_TRUE(seen.emplace(FormatDate(day) + "|" + group, sums).second) << group;
        }
      }
    }
    size_t want = 0;
    for (Day day : days) {
      for (const auto& [group, sums] : expected[day]) {
        ++want;
        auto it = seen.find(FormatDate(day) + "|" + group);
        ASSERT_NE(it, seen.end()) << group;
        ASSERT_EQ(it->second, sums) << FormatDate(day) << " " << group;
      }
    }
    EXPECT_EQ(seen.size(), want);
  }

  // A day is complete only when the slowest task has closed it; the data span is every task's.
  PartialSumsCombiner combiner(3);
  EXPECT_TRUE(combiner.AddWatermark({0, 5, kDay + 2, std::make_pair(kDay - 3, kDay + 2)}));
  EXPECT_TRUE(combiner.AddWatermark({1, 5, kDay, std::nullopt}));
  EXPECT_FALSE(combiner.ClosedThrough());
  EXPECT_FALSE(combiner.DataSpan()) << "task 2 has not reported";
  EXPECT_TRUE(combiner.AddWatermark({2, 5, kDay + 1, std::make_pair(kDay - 5, kDay)}));
  EXPECT_EQ(combiner.ClosedThrough(), kDay);
  EXPECT_EQ(combiner.DataSpan(), std::make_pair(kDay - 5, kDay + 2));
  EXPECT_FALSE(combiner.AddWatermark({1, 4, kDay + 3, std::nullopt})) << "an older watermark";
  EXPECT_FALSE(combiner.AddWatermark({3, 9, kDay + 3, std::nullopt})) << "no such task";
  EXPECT_EQ(combiner.ClosedThrough(), kDay);
}

}  // namespace
}  // namespace fugong
