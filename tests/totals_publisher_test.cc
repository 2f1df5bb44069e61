// Sub-topology 1 of docs/scale-out.md, in the engine: the readings tasks' partials cut by
// partials partition and delivered in any order to the TotalsPublisher of each partition give,
// together, byte for byte the records one sum over every enterprise publishes -- revisions,
// computed_at and last_year figures included -- and a late change republishes exactly what one
// sum would.
#include "engine/publish/totals_publisher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/groups/day_group_sums.h"
#include "engine/groups/group_partial_codec.h"
#include "engine/publish/day_records.h"
#include "engine/publish/last_year.h"
#include "engine/reference/enterprise_registry.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;

constexpr EpochSeconds kNow = 1600000000;
constexpr int kTasks = 4;
constexpr int kOwners = 3;

Day D(const char* text) {
  Day d = 0;
  EXPECT_TRUE(ParseDate(text, &d)) << text;
  return d;
}

class TotalsPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("fugong-totals-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    config_.levels = {"province", "city", "county", "industry"};
    refs_ = {&config_, &RegionTable::Zhejiang(), &IndustryTable::Standard(),
             &HolidayCalendar::China()};
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<StateStore> NewState(const std::string& name) {
    Result<std::unique_ptr<StateStore>> state = StateStore::Open((root_ / name).string());
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    return state.ok() ? std::move(state).value() : nullptr;
  }

  fs::path root_;
  EngineConfig config_;
  EngineReferences refs_{};
};

// A province of 400 enterprises, each in a random task; scores on the days of two seasons
// around the Spring Festival (so that 2020's records carry 2019's composites as last_year).
struct Season {
  EnterpriseRegistry registry;
  std::map<std::string, int> task;                      // enterprise -> readings partition
  std::map<Day, std::vector<ScoredEnterprise>> scores;  // day -> scores by id
};

Season MakeSeason(const std::vector<Day>& days, uint32_t seed) {
  Season s;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  const std::vector<std::string>& counties = RegionTable::Zhejiang().counties();
  for (int i = 0; i < 400; ++i) {
    Enterprise e;
    char id[16];
    std::snprintf(id, sizeof id, "E%05d", i);
    e.id = id;
    e.county = counties[rng() % 12];  // a few counties, so that groups are above the minimum
    char industry[8];
    std::snprintf(industry, sizeof industry, "I%02d", static_cast<int>(1 + rng() % 4));
    e.industry = industry;
    s.registry.Upsert(e);
    s.task[e.id] = static_cast<int>(rng() % kTasks);
  }
  for (Day day : days) {
    for (const auto& [id, task] : s.task) {
      if (unit(rng) < 0.1) continue;  // no data that day
      ScoredEnterprise score{id, DayScore{}};
      score.score.has_data = true;
      score.score.eligible = unit(rng) < 0.9;
      score.score.resumed = unit(rng) < 0.6;
      score.score.baseline_kwh = std::pow(10.0, 1 + 4 * unit(rng));
      score.score.recovered_kwh = score.score.baseline_kwh * unit(rng);
      s.scores[day].push_back(score);
    }
  }
  return s;
}

TEST_F(TotalsPublisherTest, PartialsInAnyOrderPublishWhatOneSumPublishes) {
  // Five days of 2020 and their same lunar days of 2019: every day between is in the span too.
  std::vector<Day> days;
  for (Day d = D("2020-02-14"); d <= D("2020-02-18"); ++d) {
    std::optional<Day> then = SameLunarDayLastYear(d, HolidayCalendar::China());
    ASSERT_TRUE(then);
    days.push_back(*then);
    days.push_back(d);
  }
  std::sort(days.begin(), days.end());
  Season season = MakeSeason(days, 2020);
  const Day first = days.front();
  const Day last = days.back();

  // One sum over every enterprise, each day in order, as one instance publishes.
  std::unique_ptr<StateStore> one = NewState("one");
  ASSERT_NE(one, nullptr);
  Result<std::vector<GroupLevel>> levels = ParseLevels(config_.levels);
  ASSERT_TRUE(levels.ok());
  GroupCatalog catalog(*refs_.regions, *refs_.industries, *levels);
  GroupMembership membership(&catalog);
  std::map<std::string, std::string> want;
  const auto publish_one = [&](Day day, EpochSeconds now) -> bool {
    IndexPublisher publisher(one.get(), now);
    bool has_data = false;
    std::vector<GroupDaySums> sums =
        SumDay(day, season.registry, season.scores[day], &membership, &has_data);
    sums.resize(catalog.size());
    StateBatch batch(one.get());
    DayRecords records;
    EXPECT_TRUE(PublishDayRecords(day, catalog, sums, *refs_.calendar, nullptr, config_, &publisher,
                                  &batch, &records)
                    .ok());
    EXPECT_TRUE(one->Write(&batch).ok());
    for (auto& [key, record] : records.all) want[key] = record;
    return !records.changed.empty();
  };
  for (Day d = first; d <= last; ++d) publish_one(d, kNow);
  ASSERT_GT(want.size(), 1000u);
  size_t with_last_year = 0;
  for (const auto& [key, record] : want) {
    with_last_year += record.find("\"last_year\":{") != std::string::npos;
  }
  ASSERT_GT(with_last_year, 50u) << "the case must have last_year figures";

  // The tasks' messages: per task, each day's partials (an early version, then the final one)
  // and then its watermark, per partials partition in that order; the tasks' streams
  // interleaved at random. The senders' catalog is their own, as on another instance.
  GroupCatalog sender_catalog(*refs_.regions, *refs_.industries, *levels);
  GroupMembership sender_membership(&sender_catalog);
  const auto task_messages = [&](int task, int64_t* sequence, const std::vector<Day>& which,
                                 double early_scale) {
    std::vector<std::vector<std::pair<std::string, std::string>>> out(kOwners);
    std::optional<std::pair<Day, Day>> span;
    for (Day d = first; d <= last; ++d) {
      std::vector<ScoredEnterprise> held;
      for (const ScoredEnterprise& s : season.scores[d]) {
        if (season.task[s.id] == task) held.push_back(s);
      }
      bool has_data = false;
      const std::vector<ExactGroupSums> sums =
          ScoredSums(d, season.registry, held, &sender_membership, &has_data);
      if (has_data) span = span ? std::make_pair(span->first, d) : std::make_pair(d, d);
      // Closing day by day, the task's watermark follows each day's partials (when it sends
      // every day), so owners see some tasks ahead of others.
      const auto watermark = [&] {
        if (which.size() < 2) return;
        ++*sequence;
        for (int q = 0; q < kOwners; ++q) {
          out[q].emplace_back(WatermarkKey(task), WatermarkValue({task, *sequence, d, span}));
        }
      };
      if (std::find(which.begin(), which.end(), d) == which.end()) {
        watermark();
        continue;
      }
      if (early_scale > 0) {
        std::vector<ScoredEnterprise> early = held;
        for (ScoredEnterprise& s : early) s.score.recovered_kwh *= early_scale;
        bool unused = false;
        const std::vector<TaskDayPartial> cut = SplitByPartialsPartition(
            d, task, ++*sequence,
            ScoredSums(d, season.registry, early, &sender_membership, &unused), sender_catalog,
            kOwners);
        for (int q = 0; q < kOwners; ++q)
          out[q].emplace_back(PartialKey(cut[q]), PartialValue(cut[q]));
      }
      const std::vector<TaskDayPartial> cut =
          SplitByPartialsPartition(d, task, ++*sequence, sums, sender_catalog, kOwners);
      for (int q = 0; q < kOwners; ++q)
        out[q].emplace_back(PartialKey(cut[q]), PartialValue(cut[q]));
      watermark();
    }
    ++*sequence;
    for (int q = 0; q < kOwners; ++q) {
      out[q].emplace_back(WatermarkKey(task), WatermarkValue({task, *sequence, last, span}));
    }
    return out;
  };
  std::mt19937 rng(12);
  // Interleaves the tasks' streams of each partials partition, keeping each stream's order.
  const auto interleave =
      [&](std::vector<std::vector<std::pair<std::string, std::string>>> streams) {
        std::vector<std::pair<std::string, std::string>> out;
        std::vector<size_t> at(streams.size());
        while (true) {
          std::vector<size_t> open;
          for (size_t i = 0; i < streams.size(); ++i) {
            if (at[i] < streams[i].size()) open.push_back(i);
          }
          if (open.empty()) return out;
          const size_t i = open[rng() % open.size()];
          out.push_back(streams[i][at[i]++]);
        }
      };
  std::vector<int64_t> sequences(kTasks);
  std::vector<std::vector<std::vector<std::pair<std::string, std::string>>>> by_owner(kOwners);
  std::vector<Day> with_scores(days);
  for (int t = 0; t < kTasks; ++t) {
    auto messages = task_messages(t, &sequences[t], with_scores, 0.5);
    for (int q = 0; q < kOwners; ++q) by_owner[q].push_back(std::move(messages[q]));
  }

  std::vector<std::unique_ptr<StateStore>> states;
  std::vector<std::unique_ptr<TotalsPublisher>> owners;
  std::map<std::string, std::string> got;
  const auto publish = [&](int q, EpochSeconds now) {
    IndexPublisher publisher(states[q].get(), now);
    ASSERT_TRUE(owners[q]
                    ->Publish(season.registry, &publisher, states[q].get(),
                              [&](StateBatch*, const std::string& key, const std::string& record) {
                                got[key] = record;
                              })
                    .ok());
  };
  for (int q = 0; q < kOwners; ++q) {
    states.push_back(NewState("owner" + std::to_string(q)));
    owners.push_back(std::make_unique<TotalsPublisher>(refs_, nullptr, kTasks, q, kOwners));
    ASSERT_TRUE(owners[q]->Open().ok());
    const std::vector<std::pair<std::string, std::string>> arrival = interleave(by_owner[q]);
    for (size_t i = 0; i < arrival.size(); ++i) {
      ASSERT_TRUE(owners[q]->Add(arrival[i].first, arrival[i].second).ok());
      // Publishing at any moment publishes only complete days: a day some task has not closed
      // yet waits (were it published, its record would be revised later).
      if (i % 7 == 0) publish(q, kNow);
    }
    publish(q, kNow);
  }
  ASSERT_EQ(got.size(), want.size());
  for (const auto& [key, record] : want) {
    auto it = got.find(key);
    ASSERT_NE(it, got.end()) << key;
    ASSERT_EQ(it->second, record) << key;
  }
  EXPECT_FALSE(owners[0]->Add("2020-02-18|1", "junk").ok());

  // Late data: one enterprise of 2019's first day changes. One sum republishes that day and the
  // 2020 day that carries its composite; the task resends that day and its watermark, and the
  // owners republish the same records, with the same revisions.
  const Day late_day = days.front();
  ScoredEnterprise& changed_score = season.scores[late_day].front();
  changed_score.score.eligible = true;
  changed_score.score.recovered_kwh = changed_score.score.baseline_kwh;
  changed_score.score.resumed = !changed_score.score.resumed;
  const int task = season.task[changed_score.id];
  if (publish_one(late_day, kNow + 60)) {
    for (Day later : DaysComparedWith(late_day, *refs_.calendar)) publish_one(later, kNow + 60);
  }
  const auto resent = task_messages(task, &sequences[task], {late_day}, 0);
  for (int q = 0; q < kOwners; ++q) {
    for (const auto& [key, value] : resent[q]) ASSERT_TRUE(owners[q]->Add(key, value).ok());
    // A stale copy of an early version arriving late (a zombie instance) changes nothing.
    ASSERT_TRUE(owners[q]->Add(by_owner[q][task][0].first, by_owner[q][task][0].second).ok());
    publish(q, kNow + 60);
  }
  size_t revised = 0;
  for (const auto& [key, record] : want) {
    revised += record.find("\"revision\":2") != std::string::npos;
    ASSERT_EQ(got.at(key), record) << key;
  }
  EXPECT_GT(revised, 0u);
}

// The span and closed-through day of a watermark are bytes from the partials topic: one claiming
// every day from year -5 million to +5 million makes the owner walk the days it has partials
// of, not four billion days.
TEST_F(TotalsPublisherTest, AWatermarkSpanningAllDaysWalksOnlyTheDaysWithPartials) {
  const Day day = D("2020-02-18");
  Season season = MakeSeason({day}, 7);
  Result<std::vector<GroupLevel>> levels = ParseLevels(config_.levels);
  ASSERT_TRUE(levels.ok());
  GroupCatalog catalog(*refs_.regions, *refs_.industries, *levels);
  GroupMembership membership(&catalog);
  std::unique_ptr<StateStore> state = NewState("owner");
  ASSERT_NE(state, nullptr);
  TotalsPublisher owner(refs_, nullptr, /*tasks=*/1, 0, 1);
  ASSERT_TRUE(owner.Open().ok());
  bool has_data = false;
  const std::vector<TaskDayPartial> cut = SplitByPartialsPartition(
      day, 0, 1, ScoredSums(day, season.registry, season.scores[day], &membership, &has_data),
      catalog, 1);
  ASSERT_TRUE(owner.Add(PartialKey(cut[0]), PartialValue(cut[0])).ok());
  const Day far = 2000000000;
  ASSERT_TRUE(
      owner.Add(WatermarkKey(0), WatermarkValue({0, 2, far, std::make_pair(-far, far)})).ok());
  IndexPublisher publisher(state.get(), kNow);
  std::set<std::string> dates;
  ASSERT_TRUE(owner
                  .Publish(season.registry, &publisher, state.get(),
                           [&](StateBatch*, const std::string& key, const std::string&) {
                             dates.insert(key.substr(0, 10));
                           })
                  .ok());
  EXPECT_EQ(dates, std::set<std::string>{"2020-02-18"});
}

}  // namespace
}  // namespace fugong
